"""Drafting checks run before sign-off: slips a reviewer would send back.

Each finding names a rule, the place (field path in the spec), a message in Chinese and a
severity: "error" blocks sign-off, "warning" does not.

Rules: repeated-sentence, paragraph-ends-with-comma, paragraph-no-closing-punct,
ascii-punctuation, doc-number-form, enumeration-gap, heading-number-gap,
contact-phone-missing, contact-phone-invalid, contact-name-missing, title-session-number,
spec-normalised.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .numbering import chinese_numeral, parse_chinese_numeral, split_literal_number
from .spec import DEFAULT_CATEGORIES, validate_spec

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    place: str
    message: str
    severity: str  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.severity} {self.rule_id} {self.place}: {self.message}"


_CJK = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d"
_ASCII_PUNCT = re.compile(rf"(?<=[{_CJK}])[()\":;,?!]|[()\":;,?!](?=[{_CJK}])")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]+[”’」』]?")
_DOC_NUMBER = re.compile(r"([\[(（【〔])\s*(\d{4})\s*([\])）】〕])\s*(第?)\s*(\d+)\s*号")
_ENUM = re.compile(r"(?:^|(?<=[。；;！？!?：:，,\s”）)]))([一二三四五六七八九十]{1,3})是")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:0\d{2,3}-?|[（(]0\d{2,3}[)）])?\d{7,8}(?:[-转]\d{1,6})?$")
_CLOSERS = "”’」』》）)]"
_END_PUNCT = "。！？；：…!?;:"
MIN_SENTENCE_CHARS = 10


def _paragraph_lists(spec: dict) -> Iterator[tuple[str, list[str]]]:
    """(path of the list, its paragraphs) for every list of body paragraphs."""
    yield "intro", spec["intro"]

    def walk(sections: list[dict], path: str) -> Iterator[tuple[str, list[str]]]:
        for i, section in enumerate(sections):
            here = f"{path}[{i}]"
            yield f"{here}.paragraphs", section["paragraphs"]
            yield from walk(section["sections"], f"{here}.sections")

    yield from walk(spec["sections"], "sections")
    yield "closing", spec["closing"]


def _texts(spec: dict) -> Iterator[tuple[str, str]]:
    """(path, text) of every piece of text the letter shows."""
    yield "title", spec["title"]
    yield "addressee", spec["addressee"]

    def headings(sections: list[dict], path: str) -> Iterator[tuple[str, str]]:
        for i, section in enumerate(sections):
            yield f"{path}[{i}].heading", section["heading"]
            yield from headings(section["sections"], f"{path}[{i}].sections")

    yield from headings(spec["sections"], "sections")
    for path, paragraphs in _paragraph_lists(spec):
        for i, text in enumerate(paragraphs):
            yield f"{path}[{i}]", text
    if spec["disclosure"]:
        yield "disclosure", spec["disclosure"]
    for i, name in enumerate(spec["cc"]):
        yield f"cc[{i}]", name
    if spec["contact"]["name"]:
        yield "contact.name", spec["contact"]["name"]


def _repeated_sentences(spec: dict) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for path, paragraphs in _paragraph_lists(spec):
        for i, text in enumerate(paragraphs):
            for m in _SENTENCE.finditer(text):
                sentence = re.sub(r"\s+", "", m.group())
                if len(sentence) < MIN_SENTENCE_CHARS:
                    continue
                place = f"{path}[{i}]"
                if sentence in seen:
                    first = seen[sentence]
                    where = "本段前文" if first == place else first
                    yield Finding("repeated-sentence", place,
                                  f"句子重复（与{where}相同）：“{sentence[:40]}”", ERROR)
                else:
                    seen[sentence] = place


def _endings(spec: dict) -> Iterator[Finding]:
    for path, paragraphs in _paragraph_lists(spec):
        for i, text in enumerate(paragraphs):
            text = text.rstrip()
            if text[-1] in "，,、":
                yield Finding("paragraph-ends-with-comma", f"{path}[{i}]",
                              f"段落以“{text[-1]}”结尾，应以句号等结束", ERROR)
            elif text.rstrip(_CLOSERS)[-1:] not in tuple(_END_PUNCT):
                yield Finding("paragraph-no-closing-punct", f"{path}[{i}]",
                              f"段落结尾缺少标点（结尾为“{text[-6:]}”）", WARNING)


def _ascii_punctuation(spec: dict) -> Iterator[Finding]:
    for place, text in _texts(spec):
        hits = list(_ASCII_PUNCT.finditer(text))
        if hits:
            shown = "、".join(f"“{text[max(0, m.start() - 3):m.end() + 3]}”" for m in hits[:3])
            yield Finding("ascii-punctuation", place,
                          f"中文中使用了半角标点 {''.join(sorted({m.group() for m in hits}))}，"
                          f"应改为全角：{shown}", WARNING)


def _doc_numbers(spec: dict) -> Iterator[Finding]:
    for place, text in _texts(spec):
        for m in _DOC_NUMBER.finditer(text):
            wrong = []
            if (m.group(1), m.group(3)) != ("〔", "〕"):
                wrong.append("年份应使用六角括号〔〕")
            if m.group(4):
                wrong.append("序号前不加“第”")
            if m.group(5).startswith("0"):
                wrong.append("序号不编虚位（不加前导0）")
            if wrong:
                yield Finding("doc-number-form", place,
                              f"发文字号“{m.group()}”格式不对：{'；'.join(wrong)}", ERROR)


def _enumerations(spec: dict) -> Iterator[Finding]:
    for path, paragraphs in _paragraph_lists(spec):
        expected: int | None = None
        for i, text in enumerate(paragraphs):
            for m in _ENUM.finditer(text):
                n = parse_chinese_numeral(m.group(1))
                if n is None:
                    continue
                if n != 1 and n != expected:
                    want = f"“{chinese_numeral(expected)}是”" if expected else "“一是”"
                    yield Finding("enumeration-gap", f"{path}[{i}]",
                                  f"“{m.group(1)}是”前应为{want}，序号不连续", ERROR)
                expected = n + 1


def _heading_numbers(raw: object) -> Iterator[Finding]:
    """Literal numbers in the headings as given (the generator renumbers, but a gap may mean a
    missing section)."""
    def walk(sections: object, path: str) -> Iterator[Finding]:
        if not isinstance(sections, list):
            return
        for i, section in enumerate(sections):
            if not isinstance(section, dict):
                continue
            heading = section.get("heading")
            if isinstance(heading, str):
                value, literal, _ = split_literal_number(heading)
                if value is not None and value != i + 1:
                    yield Finding("heading-number-gap", f"{path}[{i}].heading",
                                  f"标题自带编号“{literal}”，但它是第{i + 1}个标题，"
                                  "编号不连续，可能缺少一节", ERROR)
            yield from walk(section.get("sections"), f"{path}[{i}].sections")

    if isinstance(raw, dict):
        yield from walk(raw.get("sections"), "sections")


def phone_is_valid(phone: str) -> bool:
    """A Chinese mobile number, or a landline (0518-85xxxxxx, (0518)85xxxxxx, 8 digits)."""
    numbers = [p for p in re.split(r"[、，,/；;]", re.sub(r"\s+", "", phone)) if p]
    return bool(numbers) and all(_MOBILE.match(p) or _LANDLINE.match(p) for p in numbers)


def _contact(spec: dict) -> Iterator[Finding]:
    phone = spec["contact"]["phone"]
    if not phone:
        yield Finding("contact-phone-missing", "contact.phone", "缺少联系电话", ERROR)
    elif not phone_is_valid(phone):
        yield Finding("contact-phone-invalid", "contact.phone",
                      f"联系电话“{phone}”不是有效的手机号或固定电话号码", ERROR)
    if not spec["contact"]["name"]:
        yield Finding("contact-name-missing", "contact.name", "缺少联系人", WARNING)


def _title(spec: dict, session_name: str | None, proposal_number: str | None
           ) -> Iterator[Finding]:
    title = spec["title"]
    if session_name and session_name not in title:
        yield Finding("title-session-number", "title", f"标题未写明会议届次“{session_name}”", ERROR)
    if proposal_number is not None and f"第{proposal_number}号" not in title:
        yield Finding("title-session-number", "title",
                      f"标题未写明提案编号“第{proposal_number}号”", ERROR)
    if proposal_number is None and not re.search(r"第\s*\d+\s*号", title):
        yield Finding("title-session-number", "title", "标题未写明提案编号（第…号）", WARNING)


def check_letter(spec: dict, *, session_name: str | None = None,
                 proposal_number: str | int | None = None,
                 categories: Iterable[str] = DEFAULT_CATEGORIES,
                 base_dir: str | os.PathLike | None = None) -> list[Finding]:
    """Drafting findings for a spec; raises SpecError when the spec is not valid at all."""
    normalised, warnings = validate_spec(spec, categories=categories, base_dir=base_dir)
    number = str(proposal_number) if proposal_number is not None else None
    findings = [Finding("spec-normalised", path, message, WARNING) for path, message in warnings]
    for rule in (_repeated_sentences, _endings, _ascii_punctuation, _doc_numbers,
                 _enumerations, _contact):
        findings.extend(rule(normalised))
    findings.extend(_heading_numbers(spec))
    findings.extend(_title(normalised, session_name, number))
    return findings
