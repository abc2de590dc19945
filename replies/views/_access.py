"""Fetch-and-check for the reply pages; the rules themselves are `replies.access`.

Every reply is fetched through ``access.replies_visible_to`` (not visible → 404: another
unit's or committee's, guessed ids); then a permission question (visible, not allowed → 403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from .. import access
from ..models import Reply


def get_reply(
    request: HttpRequest, pk: int, *, compose: bool = False, sign: bool = False,
    act: bool = False,
) -> Reply:
    """A reply the person may read (access.can_read). compose: access.can_compose; sign:
    access.can_sign; act: access.can_act."""
    user = request.user
    reply = get_object_or_404(
        access.replies_visible_to(user).select_related(
            "proposal__session__committee", "proposal__lead_proposer", "unit",
            "assignment__unit",
        ),
        pk=pk,
    )
    if not access.can_read(user, reply):
        raise PermissionDenied  # a draft of the committee (pages link by the same rule)
    if compose and not access.can_compose(user, reply):
        raise PermissionDenied
    if sign and not access.can_sign(user, reply):
        raise PermissionDenied
    if act and not access.can_act(user, reply):
        raise PermissionDenied
    return reply
