"""Heading numbers of a reply letter: 一、 → （一） → 1. → （1）, and Chinese numerals."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")

CN_NUMERAL_CHARS = "零〇一二三四五六七八九十百千"

_CN = "〇零一二三四五六七八九十百千"

# A heading that already carries its own number, each form with its own punctuation:
# 一、 （一） (一) 1. 1． 1、 （1） (1) ①. A Chinese numeral takes only 、 ("一，" or "一." is
# not a number form), and "1.5亿元" is an amount, not 1. .
_OWN_NUMBER = re.compile(
    r"^\s*(?:"
    rf"(?P<cn>[{_CN}]+)\s*(?P<cn_sep>、)"
    rf"|[（(]\s*(?P<cnp>[{_CN}]+)\s*[）)]"
    r"|(?P<ar>\d{1,3})\s*(?P<ar_sep>、|．|\.(?!\d))"
    r"|[（(]\s*(?P<arp>\d{1,3})\s*[）)]"
    r"|(?P<circled>[\u2460-\u2473])"
    r")\s*"
)
# Looks like a number but with punctuation that is not its own (一． 一， 1， 1）): not
# stripped, since it may be text; the drafter is told.
_LOOSE_NUMBER = re.compile(
    rf"^\s*(?:[{_CN}]{{1,3}}\s*[，,．.:：]|\d{{1,3}}\s*[，,）)])"
)
_LEADING_CN = re.compile(rf"^[{_CN}]+")
_LEADING_AR = re.compile(r"^\d+")


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
    """Split a literal number off a heading, read alone: (its value or None, the number as
    written, rest). A bare number (一、 with nothing after it) is the heading itself."""
    m = _OWN_NUMBER.match(heading)
    if not m or not heading[m.end():].strip():
        return None, "", heading
    cn = m.group("cn") or m.group("cnp")
    if cn:
        value = parse_chinese_numeral(cn)
    elif m.group("circled"):
        value = ord(m.group("circled")) - 0x2460 + 1
    else:
        value = int(m.group("ar") or m.group("arp"))
    if value is None:
        return None, "", heading
    return value, m.group(0).strip(), heading[m.end():]


class Literal(enum.Enum):
    """What the start of a heading is, once its siblings are known."""

    NONE = "none"  # no number
    NUMBER = "number"  # its own number: stripped, the generator numbers it
    TEXT = "text"  # 一、二级医院…: a number-like start kept as words
    LOOSE = "loose"  # 一．工作情况: a number with punctuation not its own, kept


@dataclass(frozen=True)
class HeadingStart:
    kind: Literal
    value: int | None = None  # the number's value (NUMBER, TEXT)
    literal: str = ""  # as written
    rest: str = ""  # the heading without it (NUMBER)


def _enumerates(m: re.Match, value: int, rest: str) -> bool:
    """Whether the 、 after a number is the enumeration comma of 一、二级医院 / 三、四季度 /
    1、2号楼: the next words start with a numeral of the same script just above it."""
    if m.group("cn_sep"):
        nxt = _LEADING_CN.match(rest)
        following = parse_chinese_numeral(nxt.group()) if nxt else None
    elif m.group("ar_sep") == "、":
        nxt = _LEADING_AR.match(rest)
        following = int(nxt.group()) if nxt else None
    else:
        return False
    return following is not None and value < following <= value + 2


def heading_starts(headings: list[str | None]) -> list[HeadingStart]:
    """How to read the start of each heading of one list of sibling headings.

    一、二级医院建设情况 is either 一、 + 二级医院建设情况 or the words 一、二级医院 (first- and
    second-level hospitals) with no number. The siblings decide: when another heading of the
    list carries its own number too, this one is numbered; otherwise the words are kept.
    """
    alone: list[tuple[HeadingStart, bool]] = []
    for heading in headings:
        if not isinstance(heading, str):
            alone.append((HeadingStart(Literal.NONE), False))
            continue
        value, literal, rest = split_literal_number(heading)
        if value is not None:
            m = _OWN_NUMBER.match(heading)
            ambiguous = _enumerates(m, value, rest.lstrip())
            alone.append((HeadingStart(Literal.NUMBER, value, literal, rest), ambiguous))
            continue
        loose = _LOOSE_NUMBER.match(heading)
        if loose and heading[loose.end():].strip():
            alone.append((HeadingStart(Literal.LOOSE, None, loose.group().strip()), False))
        else:
            alone.append((HeadingStart(Literal.NONE), False))
    numbered = [start.kind is Literal.NUMBER for start, _ in alone]
    out = []
    for i, (start, ambiguous) in enumerate(alone):
        if ambiguous and not any(n for j, n in enumerate(numbered) if j != i):
            start = HeadingStart(Literal.TEXT, start.value, start.literal)
        out.append(start)
    return out
