"""A horizontal bar chart as PNG for a report (e.g. each unit's 办复率), drawn with Pillow.

Deterministic: the same rows (and font file) give the same bytes; Pillow writes no time
into a PNG. The labels are Chinese, so a CJK font is required: fontconfig is asked for
``CHART_FONT`` (Noto Sans CJK SC, Debian package fonts-noto-cjk), and a missing one is an
error that says so rather than a chart of empty boxes.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess

from PIL import Image, ImageDraw, ImageFont

CHART_FONT = "Noto Sans CJK SC"
WIDTH = 1200  # px; printed 150 mm wide, so about 200 dpi
ROW = 64
TOP, BOTTOM = 24, 56
LABEL_W = 480  # px: 15 characters at the label size
VALUE_W = 150
BAR_COLOUR = (47, 85, 151)
GRID_COLOUR = (200, 200, 200)
TEXT_COLOUR = (0, 0, 0)


class ChartFontMissing(RuntimeError):
    """No CJK font for the chart's labels."""


@functools.cache
def cjk_font() -> tuple[str, int]:
    """(file, face index) of CHART_FONT, from fontconfig; ChartFontMissing if there is none
    that covers Chinese (fc-match always answers with something, a Latin font if need be)."""
    if shutil.which("fc-match") is None:
        raise ChartFontMissing("找不到 fc-match（fontconfig），无法为统计图选择中文字体；"
                               "请安装 Debian 软件包 fontconfig 和 fonts-noto-cjk")
    out = subprocess.run(
        ["fc-match", "-f", "%{file}\\n%{index}\\n%{lang}", f"{CHART_FONT}:lang=zh-cn"],
        capture_output=True, text=True, check=False, timeout=30).stdout.split("\n")
    if len(out) < 3 or not out[0] or "zh-cn" not in out[2].split("|"):
        raise ChartFontMissing(f"找不到中文字体 {CHART_FONT}，无法绘制统计图；"
                               "请安装 Debian 软件包 fonts-noto-cjk")
    return out[0], int(out[1] or 0)


def _font(size: int) -> ImageFont.FreeTypeFont:
    path, index = cjk_font()
    return ImageFont.truetype(path, size, index=index)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    """text, cut at its end with … when wider than width."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def bar_chart_png(rows: list[tuple[str, float, str]], *, empty_text: str = "暂无数据") -> bytes:
    """rows: (label, value from 0 to 1, the value as printed); one bar each, top to bottom,
    on a scale of 0–100% with a grid line every 20%."""
    height = TOP + max(len(rows), 1) * ROW + BOTTOM
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(30), _font(24)
    x0, x1 = LABEL_W + 16, WIDTH - VALUE_W
    bottom = TOP + max(len(rows), 1) * ROW
    for step in range(6):
        x = x0 + (x1 - x0) * step // 5
        draw.line([(x, TOP), (x, bottom)], fill=GRID_COLOUR, width=2)
        draw.text((x, bottom + 10), f"{step * 20}%", font=small, fill=TEXT_COLOUR, anchor="mt")
    draw.line([(x0, TOP), (x0, bottom)], fill=TEXT_COLOUR, width=2)
    if not rows:
        draw.text(((x0 + x1) // 2, TOP + ROW // 2), empty_text, font=font, fill=TEXT_COLOUR,
                  anchor="mm")
    for i, (label, value, printed) in enumerate(rows):
        middle = TOP + i * ROW + ROW // 2
        draw.text((LABEL_W, middle), _fit(draw, label, font, LABEL_W - 8), font=font,
                  fill=TEXT_COLOUR, anchor="rm")
        end = x0 + round((x1 - x0) * min(max(value, 0.0), 1.0))
        if end > x0:
            draw.rectangle([(x0, middle - 18), (end, middle + 18)], fill=BAR_COLOUR)
        draw.text((end + 10, middle), printed, font=font, fill=TEXT_COLOUR, anchor="lm")
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False, compress_level=9)
    return buf.getvalue()
