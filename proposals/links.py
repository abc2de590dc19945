"""Links to proposals on pages that list them, by the rule of selectors.reading_places."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from . import selectors

PAGES = {"proposal": "proposals:proposal_detail", "assignment": "proposals:assignment_detail"}


def proposal_urls(user, proposal_ids: Iterable[int]) -> dict[int, str]:
    """proposal id → the page where this person may open it; absent: no such page."""
    return {
        pk: reverse(PAGES[kind], args=[target])
        for pk, (kind, target) in selectors.reading_places(user, proposal_ids).items()
    }
