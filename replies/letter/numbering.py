"""Heading numbers of a reply letter: 一、 → （一） → 1. → （1）, and Chinese numerals."""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")

CN_NUMERAL_CHARS = "零〇一二三四五六七八九十百千"

# A heading that already carries a number: 一、 （一） (一) 1. 1、 （1） (1)
_LITERAL_NUMBER = re.compile(
    r"^\s*(?:"
    r"(?P<cn>[〇零一二三四五六七八九十百千]+)\s*[、，,．.]"
    r"|[（(]\s*(?P<cnp>[〇零一二三四五六七八九十百千]+)\s*[）)]"
    r"|(?P<ar>\d{1,3})\s*(?:[、．]|\.(?!\d))"
    r"|[（(]\s*(?P<arp>\d{1,3})\s*[）)]"
    r")\s*"
)


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 101 → 一百零一 (1 ≤ n ≤ 9999)."""
    if not 1 <= n <= 9999:
        raise ValueError(f"out of range: {n}")
    digits = [int(d) for d in str(n)]
    out: list[str] = []
    zero_pending = False
    for i, d in enumerate(digits):
        unit = _UNITS[len(digits) - 1 - i]
        if d == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + unit)
    text = "".join(out)
    # 一十 → 十 at the start (十、十一), as written in documents.
    if text.startswith("一十"):
        text = text[1:]
    return text


def parse_chinese_numeral(text: str) -> int | None:
    """Inverse of chinese_numeral for 1..9999; None when text is not such a numeral."""
    for n in range(1, 100):
        if chinese_numeral(n) == text:
            return n
    try:
        return next(n for n in range(100, 10000) if chinese_numeral(n) == text)
    except StopIteration:
        return None


def heading_label(level: int, n: int) -> str:
    """The number written before a heading of the given level (1–4)."""
    if level == 1:
        return f"{chinese_numeral(n)}、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"no heading level {level}")


def split_literal_number(heading: str) -> tuple[int | None, str, str]:
    """Split a literal number off a heading: (its value or None, the number as written, rest)."""
    m = _LITERAL_NUMBER.match(heading)
    if not m or not heading[m.end():].strip():
        return None, "", heading
    cn = m.group("cn") or m.group("cnp")
    value = parse_chinese_numeral(cn) if cn else int(m.group("ar") or m.group("arp"))
    return value, m.group(0).strip(), heading[m.end():]
