"""Personal data out of a reply before it is published (公开答复, 国办发〔2014〕46号): the
members' contact details, the unit's contact person and whatever the clerk marks 不宜公开.

Three sources of what to remove, applied together:

1. the clerk's marks: exact phrases, each replaced everywhere by 〔不宜公开内容已删除〕;
2. the reply's own data: its 联系人 and 联系电话, and the proposers' phone, e-mail and
   address held in the database (`Known`), wherever they occur;
3. `RULES`: named regular expressions for what is personal whoever wrote it (mobile and
   fixed-line numbers, ID numbers, e-mail addresses, labelled QQ/微信 accounts).

Matching runs on the NFKC form of the text (full-width digits and brackets become ASCII),
but the original span is replaced, so the rest of the text keeps its full-width forms.
Overlapping matches: the clerk's marks win, then the reply's data, then the longest rule
match. Each replacement says what was removed (〔电话已删除〕), so a reader sees that
something was there.

Numbers that are not personal stay: document numbers (连科函〔2026〕12号), dates, amounts
(1200万元), proposal numbers (第44137号), percentages, article numbers — the rules demand
the shape of a phone or ID number with digit boundaries, and an unlabelled 8-digit local
number is refused when a unit of measure or 第/号 sits next to it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

MARK_PHRASE = "〔不宜公开内容已删除〕"
MARK_CONTACT = "〔联系人已删除〕"
MARK_PHONE = "〔电话已删除〕"
MARK_ID = "〔身份证号已删除〕"
MARK_EMAIL = "〔电子邮箱已删除〕"
MARK_QQ = "〔QQ号已删除〕"
MARK_WECHAT = "〔微信号已删除〕"
MARK_ADDRESS = "〔地址已删除〕"

# After a number, these say it counts or measures something: not a phone number.
_UNIT_AFTER = (
    r"(?!\s*(?:元|万|亿|千|百|人|户|个|件|年|月|日|号|平方|亩|吨|份|%|次|辆|台|家|名|米|公里|"
    r"条|项|笔|册|本|张|株|头|只|套|座|所|间|kg|km|m))"
)
# One space or hyphen between digit groups (NFKC made the full-width ones ASCII; the
# dashes of a Chinese keyboard — – ‒ − stay what they are).
_SEP = r"[ \-\u2010-\u2015\u2212]?"
_EXTENSION = r"(?:\s*(?:转|分机|ext\.?|-)\s*\d{1,6})?"
_DATE = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"


@dataclass(frozen=True)
class Rule:
    """A named pattern over the NFKC text. A group named `v` narrows the replaced span to
    the value (a labelled QQ number keeps its label: "QQ：〔QQ号已删除〕")."""

    name: str
    marker: str
    pattern: re.Pattern


def _rule(name: str, marker: str, pattern: str) -> Rule:
    return Rule(name, marker, re.compile(pattern, re.IGNORECASE))


RULES: tuple[Rule, ...] = (
    _rule(
        "电子邮箱", MARK_EMAIL,
        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    ),
    _rule(
        "身份证号（18位）", MARK_ID,
        # written whole or in its groups: 320701 19800101 123X
        rf"(?<![0-9A-Za-z])[1-9]\d{{5}} ?{_DATE} ?\d{{3}}[\dX](?![0-9A-Za-z])",
    ),
    _rule(
        "身份证号（15位）", MARK_ID,
        r"(?<![0-9A-Za-z])[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])",
    ),
    _rule(
        "手机号码", MARK_PHONE,
        rf"(?<![\d+])(?:(?:\+|00)86{_SEP}|\(\+?86\){_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)",
    ),
    _rule("400/800电话", MARK_PHONE, rf"(?<!\d)[48]00{_SEP}\d{{3}}{_SEP}\d{{4}}(?!\d)"),
    _rule(
        "固定电话（带区号）", MARK_PHONE,
        rf"(?<![\d〔\[])(?:(?:\+|00)86{_SEP})?(?:\(0\d{{2,3}}\)\s?|0\d{{2,3}}{_SEP})"
        rf"[2-9]\d{{2,3}}{_SEP}\d{{4}}(?!\d){_EXTENSION}",
    ),
    _rule(
        "固定电话（本地8位）", MARK_PHONE,
        rf"(?<![\d.第〔No])(?!{_DATE}(?!\d))(?!(?:19|20)\d\d )"
        rf"[2-8]\d{{3}} ?\d{{4}}(?![\d.]){_UNIT_AFTER}{_EXTENSION}",
    ),
    _rule(
        "QQ号（标明）", MARK_QQ,
        r"(?:QQ|扣扣)\s*(?:号码|号)?\s*[:：]?\s*(?P<v>[1-9]\d{4,11})(?!\d)",
    ),
    _rule(
        "微信号（标明）", MARK_WECHAT,
        r"(?:微信|WeChat|vx)\s*(?:号码|号)?\s*[:：]?\s*"
        r"(?P<v>1[3-9]\d{9}(?!\d)|[A-Za-z][-_A-Za-z0-9]{5,19}(?![-_A-Za-z0-9]))",
    ),
)


@dataclass(frozen=True)
class Known:
    """What the database knows and the published text must not say: the reply's contact
    and its proposers' contact details (and the clerk's own marks)."""

    contact_names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Removal:
    start: int
    end: int
    original: str
    marker: str
    rule: str


@dataclass
class Redacted:
    text: str
    removals: list[Removal] = field(default_factory=list)
    source: str = ""

    def parts(self) -> list[tuple[str, str]]:
        """The original cut into (text, marker) pieces: marker '' for kept text, for the
        side-by-side view that highlights what goes."""
        out, last = [], 0
        for r in self.removals:
            if r.start > last:
                out.append((self.source[last : r.start], ""))
            out.append((r.original, r.marker))
            last = r.end
        if last < len(self.source):
            out.append((self.source[last:], ""))
        return out


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFKC text and, for each of its characters, the index of the original character."""
    chars, origin = [], []
    for i, ch in enumerate(text):
        nf = unicodedata.normalize("NFKC", ch)
        chars.append(nf)
        origin.extend([i] * len(nf))
    return "".join(chars), origin


def _digits(value: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", value))


def _digit_pattern(value: str) -> str | None:
    """A stored phone number as a pattern that allows spaces and hyphens between digits
    and a +86 prefix: '0518-85812345' also finds '0518 8581 2345'."""
    digits = _digits(value)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 7:
        return None
    body = r"[ \-()]*".join(digits)
    return rf"(?<!\d)(?:(?:\+|00)86{_SEP})?{body}(?!\d){_EXTENSION}"


def _literal(value: str) -> str | None:
    value = unicodedata.normalize("NFKC", (value or "").strip())
    return re.escape(value) if len(value) >= 2 else None


def _known_rules(known: Known) -> list[Rule]:
    rules: list[Rule] = []

    def add(name, marker, patterns):
        for p in patterns:
            if p:
                rules.append(Rule(name, marker, re.compile(p, re.IGNORECASE)))

    add("不宜公开", MARK_PHRASE, [_literal(p) for p in known.phrases])
    add("联系人", MARK_CONTACT, [_literal(n) for n in known.contact_names])
    add("联系电话", MARK_PHONE, [_digit_pattern(p) for p in known.phones])
    add("联系电话", MARK_PHONE, [_literal(p) for p in known.phones])
    add("电子邮箱", MARK_EMAIL, [_literal(e) for e in known.emails])
    add("通讯地址", MARK_ADDRESS, [_literal(a) for a in known.addresses if len(a.strip()) >= 4])
    return rules


def redact(text: str, known: Known = Known()) -> Redacted:
    """`text` with every personal detail replaced by its marker, and what was removed."""
    if not text:
        return Redacted(text=text or "", source=text or "")
    normal, origin = _normalised(text)
    candidates: list[tuple[int, int, int, Rule]] = []
    own = _known_rules(known)
    for priority, rule in enumerate([*own, *RULES]):
        for match in rule.pattern.finditer(normal):
            start, end = match.span("v") if "v" in rule.pattern.groupindex else match.span()
            if end > start:
                candidates.append((start, end, priority, rule))
    # The clerk's and the database's first, then the longest; earlier wins an overlap.
    candidates.sort(key=lambda c: (min(c[2], len(own)), -(c[1] - c[0]), c[2], c[0]))
    taken: list[tuple[int, int, Rule]] = []
    for start, end, _priority, rule in candidates:
        if all(end <= s or start >= e for s, e, _r in taken):
            taken.append((start, end, rule))
    taken.sort(key=lambda t: t[0])
    removals, out, last = [], [], 0
    for start, end, rule in taken:
        o_start, o_end = origin[start], origin[end - 1] + 1
        if o_start < last:  # one original character expanded across two matches
            continue
        out.append(text[last:o_start])
        out.append(rule.marker)
        removals.append(Removal(o_start, o_end, text[o_start:o_end], rule.marker, rule.name))
        last = o_end
    out.append(text[last:])
    return Redacted(text="".join(out), removals=removals, source=text)


def redact_all(texts: Iterable[str], known: Known) -> list[str]:
    return [redact(t, known).text for t in texts]


def describe_rules() -> list[tuple[str, str]]:
    """(name, marker) of every rule, for the clerk's page."""
    return [
        ("不宜公开（交办员标注的词句）", MARK_PHRASE),
        ("联系人（答复函的联系人）", MARK_CONTACT),
        ("联系电话（答复函及提案人的）", MARK_PHONE),
        ("电子邮箱、通讯地址（提案人的）", f"{MARK_EMAIL} {MARK_ADDRESS}"),
        *[(r.name, r.marker) for r in RULES],
    ]
