"""Replies and feedback on the proposal's timeline (proposals.timeline.SOURCES)."""

from django.db.models import Q

from proposals import selectors as proposal_selectors

from . import selectors
from .models import Feedback, Reply


def _visible(proposal, user):
    units = proposal_selectors.units_of(user).values("pk")
    return selectors.replies_of_proposal(proposal=proposal, user=user).filter(
        Q(unit__in=units) | Q(state__in=["signed", "sent"])
    )


def reply_rows(proposal, user):
    # A draft's edits are the unit's own business: the timeline shows 待审核, 已签发, 已发送.
    return Reply.history.filter(id__in=_visible(proposal, user).values("pk")).exclude(
        state="draft"
    )


def feedback_rows(proposal, user):
    return Feedback.history.filter(reply_id__in=_visible(proposal, user).values("pk"))


def register() -> None:
    from proposals import timeline

    for source in (reply_rows, feedback_rows):
        if source not in timeline.SOURCES:
            timeline.SOURCES.append(source)
