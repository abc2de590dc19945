"""The similar-proposals box that loads after the proposal page (insights.panels)."""

import pytest
from playwright.sync_api import Page, expect

from e2e.test_story_44137 import log_in
from proposals.models import CommitteeRole
from proposals.similarity import cache, session_index
from proposals.tests.factories import (
    CommitteeFactory,
    CommitteeRoleFactory,
    ProposalFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_it_fills_in_the_similar_box_after_the_page_has_loaded(live_server, page: Page, shoot):
    committee = CommitteeFactory(name="连云港市政协", short_name="市政协")
    session = SessionFactory(committee=committee, is_current=True)
    clerk = UserFactory(username="jiaoban")
    CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)
    current = ProposalFactory(
        session=session, number=1, title="关于加快老旧小区加装电梯的建议",
        content="老旧小区多为六层以下无电梯住宅，建议简化加装电梯审批流程，加大财政补贴力度。",
    )
    twin = ProposalFactory(
        session=session, number=2, title="关于破解老旧小区电梯加装难题的建议",
        content="加装电梯涉及规划审批和资金筹措，建议政府给予补贴，简化审批环节。",
    )
    cache.clear()  # the live server runs in this process: its index is not built yet

    log_in(page, live_server.url, "jiaoban")
    page.goto(f"{live_server.url}/proposals/{current.pk}/")
    box = page.locator("#similar-proposals")
    expect(box.get_by_role("link", name=twin.title)).to_be_visible()
    expect(page.locator("[data-load]")).to_have_count(0)  # the frame was replaced
    assert session_index(session, build=False) is not None  # the box's request built it
    shoot("similar-box")
