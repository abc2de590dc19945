"""Every button a person must press can be seen: its text against what lies behind it has a
contrast of at least 4.5:1 (WCAG AA), and the button stands out from the card it sits on.

The top bar's 退出 button once styled every `form.inline` button (white text, transparent
background): on white cards 撰写答复函 and 标记为已发送 were white on white."""

import pytest
from playwright.sync_api import Page

from e2e.test_story_44137 import PASSWORD
from replies import services
from replies.tests.reply_fixtures import SIGN_DATE, make_case, ready_reply, second_proposal_case

pytestmark = [pytest.mark.django_db(transaction=True)]

# For each visible button: its text colour, the colour of what lies behind it (its own
# background over its ancestors' ones, alpha blended) and of the card behind the button.
MEASURE = """
() => {
  const rgba = (css) => {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  // The colour behind `el` and everything above it, painted from the page down.
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) layers.push(rgba(getComputedStyle(e).backgroundColor));
    let colour = [255, 255, 255, 1];  // the canvas
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  return [...document.querySelectorAll("button")]
    .filter((b) => b.offsetParent !== null)
    .map((b) => {
      const style = getComputedStyle(b);
      const background = behind(b);
      const surround = b.parentElement ? behind(b.parentElement) : [255, 255, 255, 1];
      return {
        text: b.textContent.trim(),
        colour: over(rgba(style.color), background),
        background,
        surround,
        border: style.borderTopStyle !== "none" && parseFloat(style.borderTopWidth) > 0
          ? over(rgba(style.borderTopColor), surround) : null,
      };
    });
}
"""


def luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def check_buttons(page: Page, expected: set[str]) -> None:
    buttons = {b["text"]: b for b in page.evaluate(MEASURE)}
    assert expected <= set(buttons), f"buttons on {page.url}: {sorted(buttons)}"
    for text in expected:
        b = buttons[text]
        ratio = contrast(b["colour"], b["background"])
        assert ratio >= 4.5, f"{text!r} on {page.url}: contrast {ratio:.2f} ({b})"
        # The button's shape shows: its background or its border differs from the card.
        edge = max(
            contrast(b["background"], b["surround"]),
            contrast(b["border"], b["surround"]) if b["border"] else 1.0,
        )
        assert edge > 1.2, f"{text!r} on {page.url}: no visible edge ({b})"


def log_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(user.username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_it_shows_every_button_of_the_reply_pages(
    live_server, page: Page, settings, tmp_path, shoot
):
    settings.MEDIA_ROOT = str(tmp_path)
    case = make_case()
    signed = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE
    )
    unanswered = second_proposal_case(case, 44138)

    log_in(page, live_server.url, case.handler)
    page.goto(f"{live_server.url}/work/{unanswered.lead.pk}/")
    check_buttons(page, {"撰写答复函", "退出"})
    shoot("start-reply")
    page.goto(f"{live_server.url}/replies/{signed.pk}/")
    check_buttons(page, {"标记为已发送", "生成提案人链接", "新建更正答复", "退出"})
    shoot("signed-reply")
