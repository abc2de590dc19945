"""重点提案 and 督办 in a real browser, on the demo: the clerk opens the key-proposal list,
records a 督办 meeting on 第44137号 and is told that unmarking needs a reason; the lead
unit's handler finds the key proposal first in the work list, marked, with the 督办
records on its page. With E2E_DOC_SCREENS=1 it keeps docs/screens/17 and 18."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.testing import load_demo_once_converted
from e2e.test_what_each_role_sees import PASSWORD, _seed_holidays
from proposals.models import Proposal, SupervisionRecord

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    _seed_holidays()
    load_demo_once_converted()


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_clerk_supervises_key_proposals_and_the_unit_reads_it(
    live_server, page: Page, demo, shoot
):
    base = live_server.url
    key = Proposal.objects.get(number=44137)

    # 1. The clerk's list of key proposals, each one's progress on one row.
    log_in(page, base, "tiwei")
    expect(page.get_by_role("heading", name="提案列表")).to_be_visible()
    page.get_by_role("link", name="重点提案").click()
    expect(page.get_by_role("heading", name="重点提案")).to_be_visible()
    rows = page.locator("table.progress-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("第44137号")
    expect(rows.nth(0)).to_contain_text("王建华")
    expect(rows.nth(1)).to_contain_text("满意")  # 第44158号: answered and rated
    shoot("17-key-proposals", doc="17-key-proposals")

    # 2. Records a 督办 meeting on 第44137号.
    rows.nth(0).get_by_role("link", name=key.title).click()
    expect(page.locator(".page-head .pill.key")).to_have_text("重点")
    page.get_by_role("link", name="记录督办").click()
    page.get_by_label("日期").fill(timezone.localdate().isoformat())
    page.get_by_label("督办方式").select_option(label="座谈会")
    page.get_by_label("参加人员").fill("王建华副主席、提案委、市市场监管局")
    page.get_by_label("督办情况").fill("听取答复函起草进展，要求答复逐条回应委员建议。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已记录督办情况。")
    assert SupervisionRecord.objects.filter(proposal=key).count() == 4
    expect(page.locator("#supervision")).to_contain_text("听取答复函起草进展")
    shoot("18-key-proposal", doc="18-key-proposal")

    # 3. Unmarking without a reason is refused, next to the field, in Chinese.
    page.get_by_role("button", name="取消重点提案").click()
    expect(page.locator("#key .errorlist")).to_have_text("取消重点提案须说明理由。")
    key.refresh_from_db()
    assert key.is_key
    page.get_by_role("button", name="退出").click()

    # 4. The lead unit's handler: the key proposal first in the work list, marked, and
    # the 督办 records on its page, to read only.
    log_in(page, base, "scjg_zhu")
    first = page.locator("table.list tbody tr").first
    expect(first).to_contain_text("第44137号")
    expect(first.locator(".pill.key")).to_have_text("重点")
    first.get_by_role("link").click()
    expect(page.locator("#supervision")).to_contain_text("听取答复函起草进展")
    expect(page.locator("#supervision")).to_contain_text("领衔督办：王建华（市政协副主席）")
    expect(page.get_by_role("link", name="记录督办")).to_have_count(0)
