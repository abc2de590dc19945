"""The insights panels on other apps' pages (see proposals/views/_panels.py)."""

from __future__ import annotations

from proposals import selectors
from proposals.models import Proposal

from .similarity import similar_proposals

TEMPLATE = "insights/_similar_panel.html"
MERGEABLE = (Proposal.Status.REGISTERED, Proposal.Status.ACCEPTED)


def similar_panel(request, proposal: Proposal) -> dict | None:
    """The clerk's proposal page: the most similar proposals of the same session, to
    support 并案. Left out when nothing is similar and the proposal can no longer be
    merged (then "nothing similar" helps nobody)."""
    similar = similar_proposals(
        proposal, limit=5, within=selectors.proposals_visible_to(request.user)
    )
    can_merge = proposal.status in MERGEABLE
    if not similar and not can_merge:
        return None
    return {"similar": similar, "can_merge": can_merge}


def register() -> None:
    from proposals.views.clerk import PROPOSAL_PANELS

    if (TEMPLATE, similar_panel) not in PROPOSAL_PANELS:
        PROPOSAL_PANELS.append((TEMPLATE, similar_panel))
