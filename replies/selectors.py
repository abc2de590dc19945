"""Reads of replies. Who may see which reply is `access.py`; these build on it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from . import access
from .models import FROZEN_STATES, Disclosure, Reply, ReplyParagraph
from .spec_builder import outline


def replies_of_proposal(*, proposal, user) -> QuerySet[Reply]:
    """The proposal's replies the person may read, newest first."""
    return access.replies_readable_by(user).filter(proposal=proposal).order_by("-created_at")


def reply_current(*, assignment) -> Reply | None:
    """The reply the assignment's page works on: the one being written or reviewed if any
    (a correction too), else the reply in force."""
    replies = Reply.objects.filter(assignment=assignment).order_by("-created_at", "-pk")
    return replies.open().first() or replies.in_force().first()


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
