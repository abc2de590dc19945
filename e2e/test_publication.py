"""公开答复 in Chromium: the clerk sees the original and the public version side by side
(the removed details struck through on the left, their markers on the right), enters a
不宜公开 phrase, previews and publishes; then anyone opens the public page on a phone. Both
pages go through axe-core (docs/screens/21 and 22)."""

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import ARTIFACTS, doc_screen
from e2e.test_button_contrast import check_buttons, log_in
from e2e.test_countersign import _axe
from replies.models import Publication
from replies.tests.publication_fixtures import (
    ID_NUMBER,
    SECRETS,
    clerk_of,
    publication_of,
    sent_public_reply,
)

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_the_clerk_publishes_and_the_public_reads_it_on_a_phone(live_server, page: Page, shoot):
    reply = sent_public_reply()
    committee = reply.proposal.session.committee
    committee.name = "连云港市政协"
    committee.save()
    clerk = clerk_of(reply.case)
    publication = publication_of(reply)

    log_in(page, live_server.url, clerk)
    page.get_by_role("link", name="公开答复", exact=True).first.click()
    expect(page.locator("tr.overdue")).to_contain_text("逾期")
    assert _axe(page, "clerk, 公开答复 list") == []
    page.get_by_role("link", name="公开发布").first.click()
    expect(page.locator(".side-by-side mark.removed").first).to_be_visible()
    expect(page.locator(".side-by-side")).to_contain_text(ID_NUMBER)  # the original, left
    page.get_by_label("不宜公开的词句").fill("负责跟踪")
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#public-title").locator("..")).to_contain_text("〔不宜公开内容已删除〕")
    check_buttons(page, {"预览", "确认公开发布"})
    assert _axe(page, "clerk, 公开发布") == []
    page.locator(".side-by-side").scroll_into_view_if_needed()
    shoot("publish-side-by-side", doc="21-publish-side-by-side")
    page.get_by_role("button", name="确认公开发布").click()
    expect(page.locator(".notice-ok")).to_contain_text("全文公开")
    publication.refresh_from_db()
    assert publication.state == Publication.State.PUBLISHED
    public_url = f"{live_server.url}/gongkai/{committee.pk}/{publication.pk}/"

    phone = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
    )
    mobile = phone.new_page()
    mobile.goto(f"{live_server.url}/gongkai/")
    assert _axe(mobile, "public index, phone") == []
    mobile.get_by_role("link", name="连云港市政协").click()
    mobile.get_by_label("检索").fill("补贴")
    mobile.get_by_role("button", name="查询").click()
    expect(mobile.locator(".gk-items mark").first).to_have_text("补贴")
    assert _axe(mobile, "public list, phone") == []
    mobile.get_by_role("link", name=publication.title).click()
    assert mobile.url == public_url
    letter = mobile.locator(".gk-letter")
    expect(letter).to_contain_text("〔身份证号已删除〕")
    text = letter.inner_text()
    for secret in SECRETS:
        assert secret not in text
    # Nothing wider than the phone: no sideways scrolling.
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    assert _axe(mobile, "public reply, phone") == []
    mobile.screenshot(path=str(ARTIFACTS / "publication--public-phone.png"), full_page=True)
    doc_screen(mobile, "22-public-reply-phone")
    with mobile.expect_download() as download:
        mobile.get_by_role("link", name="下载公开版（Word）").click()
    assert download.value.suggested_filename.endswith(".docx")
    phone.close()
