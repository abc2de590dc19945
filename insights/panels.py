"""The insights panels on other apps' pages (see proposals/views/_panels.py)."""

from __future__ import annotations

from django.urls import reverse

from proposals import access
from proposals.models import Proposal
from proposals.similarity import Index, session_index, similar_proposals

TEMPLATE = "insights/_similar_panel.html"
MERGEABLE = (Proposal.Status.REGISTERED, Proposal.Status.ACCEPTED)


def similar_context(request, proposal: Proposal, index: Index | None = None) -> dict | None:
    """The most similar proposals of the same session, to support 并案. None when
    nothing is similar and the proposal can no longer be merged (then "nothing similar"
    helps nobody)."""
    similar = similar_proposals(
        proposal, limit=5, within=access.proposals_visible_to(request.user), index=index
    )
    can_merge = proposal.status in MERGEABLE
    if not similar and not can_merge:
        return None
    return {"similar": similar, "can_merge": can_merge}


def similar_panel(request, proposal: Proposal) -> dict | None:
    """The clerk's proposal page. When the session's index is not in memory yet (a new
    worker process, or a big import just landed) building it takes seconds: the page then
    shows the panel's frame and loads it from insights:similar, so the page is never held
    up."""
    index = session_index(proposal.session, build=False)
    if index is None:
        return {"load_url": reverse("insights:similar", args=[proposal.pk])}
    return similar_context(request, proposal, index=index)


def register() -> None:
    from proposals.views.clerk import PROPOSAL_PANELS

    if (TEMPLATE, similar_panel) not in PROPOSAL_PANELS:
        PROPOSAL_PANELS.append((TEMPLATE, similar_panel))
