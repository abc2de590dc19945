"""The 交办 page in a browser: what the clerk typed survives a refused date."""

import pytest
from playwright.sync_api import Page, expect

from e2e.test_story_44137 import log_in
from proposals.models import CommitteeRole, Proposal
from proposals.tests.factories import (
    CommitteeFactory,
    CommitteeRoleFactory,
    ProposalFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_it_shows_a_date_that_does_not_exist_as_typed_with_the_error_under_it(
    live_server, page: Page, shoot
):
    committee = CommitteeFactory(name="连云港市政协", short_name="市政协")
    session = SessionFactory(committee=committee, is_current=True)
    UnitFactory(committee=committee, name="连云港市市场监督管理局")
    clerk = UserFactory(username="jiaoban")
    CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)
    proposal = ProposalFactory(session=session, number=1, status=Proposal.Status.ACCEPTED)

    log_in(page, live_server.url, "jiaoban")
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/assign/")
    assigned_on = page.get_by_label("交办日期", exact=True)
    assigned_on.fill("2025-02-30")
    page.locator("[name='form-0-unit']").select_option(label="连云港市市场监督管理局")
    page.locator("[name='form-0-due_on']").fill("2025-06-31")
    page.get_by_role("button", name="确认交办").click()

    expect(assigned_on).to_have_value("2025-02-30")
    field = page.locator(".field", has=assigned_on)
    expect(field.locator(".errorlist")).to_contain_text("请填写有效日期")
    due = page.locator("[name='form-0-due_on']")
    expect(due).to_have_value("2025-06-31")
    expect(page.locator("td", has=due).locator(".errorlist")).to_contain_text("请填写有效日期")
    shoot("assign-bad-date")
    assert not proposal.assignments.exists()
