"""Fetch-and-check helpers of the reply pages, on top of proposals' ones.

Every reply is fetched through ``replies_visible_to`` (not visible → 404: another unit's or
committee's, guessed ids); then a permission question (visible, not allowed → 403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from proposals import selectors as proposal_selectors
from proposals.models import Membership

from .. import selectors
from ..models import Reply


def is_signer(user, unit_id: int) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, unit_id=unit_id, role=Membership.Role.SIGNER
        ).exists()
    )


def can_compose(user, reply: Reply) -> bool:
    return proposal_selectors.can_handle_assignment(user, reply.assignment)


def get_reply(
    request: HttpRequest, pk: int, *, compose: bool = False, sign: bool = False,
    act: bool = False,
) -> Reply:
    """A reply the person may read.

    Unit people read their unit's replies in any state; the committee's clerks only signed
    ones (drafts are the unit's own business). compose: a handler of the unit; sign: a
    signer of the unit; act: any handler or signer of the unit (mark sent, proposer link).
    """
    user = request.user
    reply = get_object_or_404(
        selectors.replies_visible_to(user).select_related(
            "proposal__session__committee", "proposal__lead_proposer", "unit",
            "assignment__unit",
        ),
        pk=pk,
    )
    if not selectors.replies_readable_by(user).filter(pk=reply.pk).exists():
        raise PermissionDenied  # a draft of another unit (pages link by the same rule)
    if compose and not can_compose(user, reply):
        raise PermissionDenied
    if sign and not is_signer(user, reply.unit_id):
        raise PermissionDenied
    if act and not (can_compose(user, reply) or is_signer(user, reply.unit_id)):
        raise PermissionDenied
    return reply
