"""承办单位考评 in Chromium, on the demo: the 提案委's clerk goes from the statistics page
to the ranked table of 连云港's units, adjusts one unit's score with a reason and reads it
back in the unit's breakdown and history; the rules page too. Every page goes through
axe-core as the crawl checks them. With E2E_DOC_SCREENS=1 it keeps docs/screens/25, 26."""

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import Page, expect

from demo.testing import load_demo_once_converted
from e2e.test_key_proposals import log_in
from e2e.test_what_each_role_sees import AXE_TAGS, _seed_holidays, axe_failures, check_page
from insights.models import ScoreAdjustment

pytestmark = [pytest.mark.django_db(transaction=True)]

UNIT = "连云港市教育局"


@pytest.fixture
def demo():
    _seed_holidays()
    load_demo_once_converted()


def _axe(page: Page, where: str) -> list[str]:
    page.add_script_tag(path=str(AXE_FILE_PATH))
    results = page.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS},
         "resultTypes": ["violations", "incomplete"]},
    )
    return check_page(page, where) + axe_failures(results, where)


def test_the_clerk_ranks_the_units_and_adjusts_one_with_a_reason(
    live_server, page: Page, demo, shoot
):
    base = live_server.url
    log_in(page, base, "tiwei")
    page.get_by_role("link", name="统计").click()
    page.get_by_role("link", name="承办单位考评").click()
    expect(page.get_by_role("heading", name="承办单位考评")).to_be_visible()
    table = page.locator("#assessment-ranking")
    expect(table.locator("thead")).to_contain_text("按期办复")
    expect(table.locator("thead")).to_contain_text("超期")
    adjusted = table.locator("tbody tr", has_text="连云港市交通运输局")
    expect(adjusted.locator(".adjustment")).to_have_text("+2.00")
    assert "主动牵头" in adjusted.locator(".adjustment").get_attribute("title")
    assert _axe(page, "clerk, 考评") == []
    shoot("25-assessment", doc="25-assessment")

    # The rules page: the default scheme, legible and labelled.
    page.get_by_role("link", name="考评规则").click()
    expect(page.locator("#assessment-rules tbody tr")).to_have_count(8)  # 7 + an empty row
    assert _axe(page, "clerk, 考评规则") == []
    shoot("rules")
    page.get_by_role("link", name="返回考评").click()

    # Adjust one unit: a blank reason is refused, then saved with one.
    page.get_by_role("link", name=f"调整{UNIT}的得分").click()
    page.get_by_label("调整分值").fill("-1.5")
    page.get_by_role("button", name="保存调整").click()
    expect(page.locator(".errorlist")).to_contain_text("请填写调整理由")
    assert _axe(page, "clerk, 调整得分") == []
    shoot("adjust-refused")
    page.get_by_label("调整理由").fill("协办意见两次逾期未交，经提案委研究扣分。")
    page.get_by_role("button", name="保存调整").click()
    expect(page.locator(".messages")).to_contain_text(f"已保存{UNIT}的调整。")
    assert ScoreAdjustment.objects.get(unit__name=UNIT).points == -1.5

    expect(page.locator("#assessment-breakdown")).to_contain_text("按期办复率")
    expect(page.locator("#adjustment-history")).to_contain_text("无 → -1.50")
    expect(page.locator("#adjustment-history")).to_contain_text("协办意见两次逾期未交")
    assert _axe(page, "clerk, 单位考评明细") == []
    shoot("26-assessment-unit", doc="26-assessment-unit")
