"""Which characters a government font set can print.

Official letters are set in 仿宋_GB2312 / 方正仿宋_GBK and their 黑体, 楷体 and 小标宋
companions. What those fonts carry is, roughly, GBK: CJK ideographs (the unified block and
Extension A), CJK and full-width punctuation, Latin, Greek and Cyrillic letters, digits, and a
fixed set of symbols (①–⒛, ㈠–㈩, Ⅰ–Ⅻ, №, ℃, ‰, ※, ×, ±, √, ≤, →, ■□▲△◆◇○◎●★☆, box
drawing). Everything else prints as a blank box, or as a coloured glyph from a fallback font
on one screen and a box on the printed letter: emoji (with their ZWJ sequences, variation
selectors and skin tones), dingbats, most pictographic symbols, private-use characters.

CJK Extension B and beyond (rare characters in names, 生僻字) are real text that the common
government fonts lack: they are reported separately, as something to check on paper.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Ranges a government font set prints. Emoji that sit inside otherwise printable blocks are
# left out: ▪▫▶◀◻◼◽◾ (geometric shapes), 〰〽 (CJK symbols), ㊗㊙ (enclosed CJK).
_PRINTABLE = (
    "\t\n\x20-\x7e"
    "\u00a0-\u00ff"  # Latin-1: × ÷ ± ° · § ¥ é …
    "\u0100-\u024f"  # Latin Extended-A/B: pinyin ā á ǎ à ǖ ǘ ǚ ǜ
    "\u02b0-\u02ff"  # spacing modifiers: ˇ ˉ ˊ ˋ ˙
    "\u0391-\u03c9"  # Greek
    "\u0401-\u0451"  # Cyrillic
    "\u2010-\u2027"  # ‐ – — ― ‖ ‘ ’ “ ” † ‡ • … ‧
    "\u2030-\u203b"  # ‰ ′ ″ ‹ › ※
    "\u20a0-\u20bf"  # currency: €
    "\u2103\u2105\u2109\u2116\u2121"  # ℃ ℅ ℉ № ℡
    "\u2160-\u217f"  # Roman numerals Ⅰ–Ⅻ ⅰ–ⅹ
    "\u2190-\u2199"  # arrows ← ↑ → ↓ ↔ ↕ ↖ ↗ ↘ ↙
    "\u2200-\u22ff"  # mathematical operators: √ ∞ ≤ ≥ ≠ ≈ ∵ ∴ ∈ ∑
    "\u2312"  # ⌒
    "\u2460-\u249b"  # ① – ⑳, ⑴ – ⒇, ⒈ – ⒛
    "\u2500-\u259f"  # box drawing, block elements
    "\u25a0-\u25a9\u25ac-\u25b5\u25b7-\u25bf\u25c1-\u25fa\u25ff"  # ■ □ ▲ △ ◆ ◇ ○ ◎ ●
    "\u2605\u2606\u2609\u2640\u2642"  # ★ ☆ ☉ ♀ ♂
    "\u2e80-\u2fdf\u2ff0-\u2fff"  # CJK radicals, Kangxi radicals, description characters
    "\u3000-\u302f\u3031-\u303c\u303e\u303f"  # CJK punctuation 、。〈〉《》「」【】〔〕〇
    "\u3040-\u30ff\u3100-\u312f\u31c0-\u31ef"  # kana, bopomofo, strokes
    "\u3200-\u3296\u3298\u329a-\u32ff"  # ㈠ – ㈩, ㊣
    "\u3300-\u33ff"  # ㎎ ㎏ ㎡
    "\u3400-\u4dbf"  # CJK Extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\ufe10-\ufe1f\ufe30-\ufe6b"  # vertical and small forms
    "\uff01-\uffe6"  # full-width forms （），：；！？％＋ and half-width katakana
)
_RARE_CJK = "\U00020000-\U0003134f"  # CJK Extensions B–H
UNPRINTABLE = re.compile(f"[^{_PRINTABLE}{_RARE_CJK}]+")
RARE = re.compile(f"[{_RARE_CJK}]+")

# Characters that only modify the one before them (ZWJ, variation selectors, keycap, skin
# tones, tags): shown together with it, so that #️⃣ is named as a whole.
_MODIFIER = re.compile(
    "[\u200d\ufe00-\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\u0300-\u036f]"
)
_EMOJI = re.compile(
    "[\u200d\ufe0f\u20e3\u2600-\u27bf\u2b00-\u2bff\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001faff\U000e0020-\U000e007f]"
)
_PRIVATE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")


@dataclass(frozen=True)
class Unprintable:
    text: str  # as shown: the characters with the base character they modify
    start: int  # index of ``text`` in the checked string
    kind: str  # 表情符号 / 不可见的格式字符 / 私用区字符 / 字库不支持的字符

    @property
    def code_points(self) -> str:
        return " ".join(f"U+{ord(c):04X}" for c in self.text)


def unprintable(text: str) -> list[Unprintable]:
    """The runs of characters in ``text`` a government font set cannot print."""
    out = []
    for m in UNPRINTABLE.finditer(text):
        start = m.start()
        if start > 0 and _MODIFIER.match(m.group()):
            start -= 1
        shown = text[start:m.end()]
        if _EMOJI.search(shown):
            kind = "表情符号"
        elif all(unicodedata.category(c) == "Cf" for c in m.group()):
            kind = "不可见的格式字符"
        elif _PRIVATE.search(shown):
            kind = "私用区字符"
        else:
            kind = "字库不支持的字符"
        out.append(Unprintable(shown, start, kind))
    return out
