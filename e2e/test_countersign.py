"""会签 in Chromium: the co unit's page marks its own paragraphs and answers; the signer's
page says which unit holds the 会签, with a sign button that is disabled yet legible. Both
pages go through axe-core as the crawl checks them (docs/screens/15 and 16)."""

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import Page, expect

from e2e.test_button_contrast import check_buttons, log_in
from e2e.test_what_each_role_sees import AXE_TAGS, axe_failures, check_page
from proposals.models import Membership
from proposals.tests.factories import MembershipFactory, UserFactory
from replies import services
from replies.models import Countersign, Reply
from replies.tests.reply_fixtures import CONTACT, make_case

pytestmark = [pytest.mark.django_db(transaction=True)]


def _axe(page: Page, where: str) -> list[str]:
    page.add_script_tag(path=str(AXE_FILE_PATH))
    results = page.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS},
         "resultTypes": ["violations", "incomplete"]},
    )
    return check_page(page, where) + axe_failures(results, where)


def _case():
    case = make_case()
    session = case.proposal.session
    session.countersign_required = True
    session.save()
    case.co.unit.short_name = "市科技局"
    case.co.unit.save()
    case.unit.short_name = "市市场监管局"
    case.unit.save()
    proposer = case.proposal.lead_proposer
    proposer.name = "王波"
    proposer.save()
    case.co_handler = UserFactory(username="kj_li", last_name="李", first_name="晓东")
    MembershipFactory(user=case.co_handler, unit=case.co.unit, role=Membership.Role.HANDLER)
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    reply = services.reply_update(reply=reply, expected_version=reply.version,
                                  actor=case.handler, category="A", **CONTACT)
    case.reply = services.reply_submit_for_review(reply=reply, actor=case.handler)
    return case


def test_the_co_unit_confirms_and_the_signer_is_told_who_holds_it(
    live_server, page: Page, shoot
):
    case = _case()
    countersign = case.reply.countersigns.get()

    log_in(page, live_server.url, case.signer)
    page.goto(f"{live_server.url}/replies/{case.reply.pk}/")
    blocked = page.locator("#sign-blocked")
    expect(blocked).to_contain_text("市科技局尚未会签")
    expect(page.get_by_role("button", name="签发", exact=True)).to_be_disabled()
    check_buttons(page, {"签发", "退回修改"})  # disabled, yet legible
    assert _axe(page, "signer, 会签 open") == []
    blocked.scroll_into_view_if_needed()
    shoot("signer-blocked", doc="16-countersign-signer")
    page.get_by_role("button", name="退出").click()

    log_in(page, live_server.url, case.co_handler)
    page.get_by_role("link", name="市市场监管局对第44137号提案的答复").click()
    marked = page.locator(".letter-outline .mine mark")
    expect(marked.first).to_be_visible()
    assert case.co_section.paragraphs[0] in marked.all_inner_texts()
    assert not any(case.own_section.paragraphs[0] in t for t in marked.all_inner_texts())
    check_buttons(page, {"同意，会签", "退回主办单位"})
    assert _axe(page, "co unit, 会签 page") == []
    shoot("countersign-page", doc="15-countersign-co-unit")
    # A return without a reason is refused, in place (blanks pass the browser's own
    # check of the required field); then it is confirmed.
    page.get_by_label("退回理由").fill("   ")
    page.get_by_role("button", name="退回主办单位").click()
    expect(page.locator(".field.has-error")).to_contain_text("退回会签时必须填写理由")
    page.get_by_role("button", name="同意，会签").click()
    expect(page.locator(".notice-ok")).to_contain_text("本单位已于")
    countersign.refresh_from_db()
    assert countersign.state == Countersign.State.CONFIRMED
    page.get_by_role("button", name="退出").click()

    log_in(page, live_server.url, case.signer)
    page.goto(f"{live_server.url}/replies/{case.reply.pk}/")
    expect(page.locator("#sign-blocked")).to_have_count(0)
    expect(page.get_by_role("button", name="签发", exact=True)).to_be_enabled()
    case.reply.refresh_from_db()
    assert case.reply.state == Reply.State.IN_REVIEW
