"""Reads of replies, scoped to what a person may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from proposals.models import Membership
from proposals.selectors import committees_staffed_by

from .models import FROZEN_STATES, Disclosure, Reply, ReplyParagraph
from .spec_builder import outline


def replies_visible_to(user) -> QuerySet[Reply]:
    """Committee staff see their committee's replies; a unit's people see their unit's
    replies. Co-handling units see the sections they wrote, not the lead's letter."""
    if not user.is_authenticated:
        return Reply.objects.none()
    qs = Reply.objects.select_related("proposal__session", "unit", "assignment")
    if user.is_superuser:
        return qs
    return qs.filter(
        Q(proposal__session__committee__in=committees_staffed_by(user))
        | Q(unit__in=Membership.objects.filter(user=user).values("unit_id"))
    )


def replies_readable_by(user) -> QuerySet[Reply]:
    """The replies whose page (replies:detail) opens for the person: visible, and either
    their own unit's or signed (the committee's clerks read signed replies only). The
    reply views ask the same two questions one at a time (404, then 403); pages that
    link to replies ask this, so that no link ends in either."""
    if not user.is_authenticated:
        return Reply.objects.none()
    own = Membership.objects.filter(user=user).values("unit_id")
    return replies_visible_to(user).filter(Q(unit__in=own) | Q(state__in=FROZEN_STATES))


def replies_of_proposal(*, proposal, user) -> QuerySet[Reply]:
    return replies_visible_to(user).filter(proposal=proposal).order_by("-created_at")


def reply_current(*, assignment) -> Reply | None:
    """The reply now in force for an assignment: the open draft if any, else the latest
    signed reply that no correction supersedes."""
    return (
        Reply.objects.filter(assignment=assignment)
        .filter(Q(state__in=["draft", "in_review"]) | Q(superseded_by__isnull=True))
        .order_by("-created_at", "-pk")
        .first()
    )


def quotable_paragraphs(*, reply: Reply, ids) -> dict[int, ReplyParagraph]:
    """Of ``ids``, the paragraphs ``reply`` may cite as its source (引用段落): paragraphs of
    signed or sent replies of the same committee that are public or written for the
    reply's own unit (the rule by which earlier replies are offered for reuse), with their
    reply and its unit loaded for the 文号."""
    wanted = set()
    for i in ids:
        try:
            wanted.add(int(i))
        except (TypeError, ValueError):
            continue
    if not wanted:
        return {}
    committee_id = reply.proposal.session.committee_id
    found = (
        ReplyParagraph.objects.filter(
            pk__in=wanted,
            reply__state__in=FROZEN_STATES,
            reply__proposal__session__committee_id=committee_id,
        )
        .filter(Q(reply__disclosure=Disclosure.PUBLIC) | Q(reply__unit_id=reply.unit_id))
        .select_related("reply__unit")
    )
    return {p.pk: p for p in found}


def reply_outline(reply: Reply) -> list[dict]:
    """Headings and paragraphs with their numbers and the unit that wrote each."""
    return outline(reply)


def reply_by_sha256(sha256: str) -> Reply | None:
    return (
        Reply.objects.select_related("unit", "signing_key")
        .filter(sha256=sha256.lower())
        .first()
    )


def replies_awaiting_signature_of(user) -> QuerySet[Reply]:
    """Replies in review in the units where the person signs (the signer's queue)."""
    from proposals.models import Membership

    if not user.is_authenticated:
        return Reply.objects.none()
    units = Membership.objects.filter(user=user, role=Membership.Role.SIGNER).values("unit_id")
    return replies_visible_to(user).filter(unit__in=units, state=Reply.State.IN_REVIEW)
