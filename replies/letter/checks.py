"""Drafting checks run before sign-off: slips a reviewer would send back.

Each finding names a rule (a stable id, e.g. ``dup.paragraph``), the place (the field path
in the spec, for tools and for putting the finding next to its paragraph; people are shown
it in words by :func:`places.place_in_words`), a message in Chinese and a severity: "error"
blocks sign-off, "warning" does not. Every rule is listed in docs/letter-checks.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from . import charset
from .duplicates import normalise, similar_pairs
from .numbering import Literal, chinese_numeral, heading_starts, parse_chinese_numeral
from .places import place_in_words
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

    @property
    def where(self) -> str:
        """The place in words: 第二部分（一）第3段, 开头第1段, 抄送."""
        return place_in_words(self.place)


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
# Near-duplicate sentences: this similarity of character bigrams, on sentences at least this
# long once spaces and punctuation are dropped (shorter ones repeat by nature: 特此函复。).
NEAR_DUPLICATE_JACCARD = 0.8
MIN_NEAR_DUPLICATE_CHARS = 15
MIN_DUPLICATE_PARAGRAPH_CHARS = 4
# The acknowledgement that opens a reply, and the thanks and formula that close it: a letter
# has each once. Two of them mean the generated opening (or closing) and the unit's own.
# Narrow on purpose, since these are errors: 收悉 of the proposal (not 收悉后, "on receipt"),
# thanks to the proposer (not 感谢各协办单位的支持 in the body).
_ONCE = (
    ("dup.opening", "开头语",
     re.compile(r"(?:提案|建议|来信|来函|意见)[》”\"]?[^。！？，,]{0,3}收悉(?!后)")),
    ("dup.opening", "开头语", re.compile(r"答复如下")),
    ("dup.closing", "结束语",
     re.compile(r"感谢(?:您|你|[^，。！？]{0,6}委员)[^。！？]{0,40}?(?:关心|支持|关注|理解|指导)")),
    ("dup.closing", "结束语", re.compile(r"特此(?:函复|答复|复函)")),
)


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


def _body_paragraphs(spec: dict) -> Iterator[tuple[str, str]]:
    """(path, text) of every body paragraph in letter order: 开头, the sections, 结尾."""
    for path, paragraphs in _paragraph_lists(spec):
        for i, text in enumerate(paragraphs):
            yield f"{path}[{i}]", text


def _duplicate_paragraphs(spec: dict) -> dict[str, str]:
    """{path of a paragraph: path of the earlier paragraph it repeats word for word}."""
    first: dict[str, str] = {}
    repeats: dict[str, str] = {}
    for place, text in _body_paragraphs(spec):
        key = normalise(text)
        if len(key) < MIN_DUPLICATE_PARAGRAPH_CHARS:
            continue
        if key in first:
            repeats[place] = first[key]
        else:
            first[key] = place
    return repeats


def _clause(text: str, m: re.Match) -> str:
    """The sentence of ``text`` around a match."""
    stops = "。！？!?；;"
    start = max(text.rfind(c, 0, m.start()) for c in stops) + 1
    ends = [i for i in (text.find(c, m.end()) for c in stops) if i >= 0]
    return text[start:min(ends) + 1 if ends else len(text)].strip()


def _quote(text: str, limit: int = 30) -> str:
    text = re.sub(r"\s+", "", text)
    return text if len(text) <= limit else text[:limit] + "…"


def _repeated_sentences(spec: dict) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    repeated_paragraphs = _duplicate_paragraphs(spec)
    for place, text in _body_paragraphs(spec):
        if place in repeated_paragraphs:
            continue  # dup.paragraph says it once for the whole paragraph
        for m in _SENTENCE.finditer(text):
            sentence = re.sub(r"\s+", "", m.group())
            if len(sentence) < MIN_SENTENCE_CHARS:
                continue
            if sentence in seen:
                first = seen[sentence]
                where = "本段前文" if first == place else place_in_words(first)
                yield Finding("repeated-sentence", place,
                              f"句子重复（与{where}相同）：“{sentence[:40]}”", ERROR)
            else:
                seen[sentence] = place


def _duplicates(spec: dict) -> Iterator[Finding]:
    """The same paragraph twice, the opening or the closing thanks twice (errors), and
    sentences that are almost the same in two places (warnings)."""
    repeated = _duplicate_paragraphs(spec)
    for place, first in repeated.items():
        yield Finding("dup.paragraph", place,
                      f"本段与{place_in_words(first)}完全相同，段落重复，请删去一处", ERROR)

    flagged = set(repeated)
    for rule, what, pattern in _ONCE:
        first_place: str | None = None
        first_words = ""
        for place, text in _body_paragraphs(spec):
            for m in pattern.finditer(text):
                if first_place is None:
                    first_place, first_words = place, _clause(text, m)
                    continue
                if place in flagged:
                    break
                flagged.add(place)
                where = "本段前文" if place == first_place else place_in_words(first_place)
                yield Finding(rule, place,
                              f"{what}重复：“{_quote(_clause(text, m))}”与{where}的"
                              f"“{_quote(first_words)}”重复，一封答复函只应有一处，"
                              "请删去多余的一处", ERROR)
                break

    sentences: list[tuple[str, str, str]] = []  # (place, normalised, as written)
    for place, text in _body_paragraphs(spec):
        if place in repeated:
            continue
        for m in _SENTENCE.finditer(text):
            key = normalise(m.group())
            if len(key) >= MIN_NEAR_DUPLICATE_CHARS:
                sentences.append((place, key, m.group().strip()))
    for i, j, similarity in similar_pairs([k for _, k, _ in sentences], NEAR_DUPLICATE_JACCARD):
        (first, _, first_written), (place, _, written) = sentences[i], sentences[j]
        if first == place or re.sub(r"\s+", "", first_written) == re.sub(r"\s+", "", written):
            continue  # the same paragraph, or word for word: repeated-sentence says it
        yield Finding("dup.sentence", place,
                      f"句子“{_quote(written)}”与{place_in_words(first)}的一句几乎相同"
                      f"（相似度{similarity:.0%}），请确认是否重复", WARNING)


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
    missing section). A start kept as words (一、二级医院…) is no number."""
    def walk(sections: object, path: str) -> Iterator[Finding]:
        if not isinstance(sections, list):
            return
        starts = heading_starts([s.get("heading") if isinstance(s, dict) else None
                                 for s in sections])
        for i, (section, start) in enumerate(zip(sections, starts, strict=True)):
            if not isinstance(section, dict):
                continue
            if start.kind is Literal.NUMBER and start.value != i + 1:
                yield Finding("heading-number-gap", f"{path}[{i}].heading",
                              f"标题自带编号“{start.literal}”，但它是第{i + 1}个标题，"
                              "编号不连续，可能缺少一节", ERROR)
            yield from walk(section.get("sections"), f"{path}[{i}].sections")

    if isinstance(raw, dict):
        yield from walk(raw.get("sections"), "sections")


def _date(spec: dict) -> Iterator[Finding]:
    number = spec["doc_number"]
    if number is not None and not spec["date"]:
        prefix = spec["unit"]["doc_prefix"] or ""
        yield Finding("date.missing", "date",
                      f"已编发文字号（{prefix}〔{number['year']}〕{number['seq']}号），"
                      "但缺少成文日期", ERROR)


def _printed_texts(spec: dict) -> Iterator[tuple[str, str]]:
    """Every piece of text the printed letter carries."""
    yield from _texts(spec)
    for place, text in (("unit.name", spec["unit"]["name"]),
                        ("unit.doc_prefix", spec["unit"]["doc_prefix"]),
                        ("signer", spec["signer"]), ("contact.phone", spec["contact"]["phone"])):
        if text:
            yield place, text


def _characters(spec: dict) -> Iterator[Finding]:
    for place, text in _printed_texts(spec):
        found = charset.unprintable(text)
        if found:
            shown = "、".join(f"“{u.text}”（{u.code_points}，第{u.start + 1}个字符，{u.kind}）"
                             for u in found[:5])
            more = f"等{len(found)}处" if len(found) > 5 else ""
            yield Finding("char.unprintable", place,
                          f"含有公文字库无法打印的字符：{shown}{more}，请删除或改用文字", ERROR)
        rare = list(charset.RARE.finditer(text))
        if rare:
            shown = "、".join(f"“{m.group()}”（{' '.join(f'U+{ord(c):04X}' for c in m.group())}，"
                             f"第{m.start() + 1}个字符）" for m in rare[:5])
            yield Finding("char.rare", place,
                          f"含有扩展B区及以后的生僻字：{shown}，仿宋_GB2312等公文字体可能缺字，"
                          "请核对打印效果", WARNING)


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


def _normalisation_rule(path: str) -> str:
    return "heading.number" if path.endswith(".heading") else "spec-normalised"


def check_letter(spec: dict, *, session_name: str | None = None,
                 proposal_number: str | int | None = None,
                 categories: Iterable[str] = DEFAULT_CATEGORIES,
                 base_dir: str | os.PathLike | None = None) -> list[Finding]:
    """Drafting findings for a spec; raises SpecError when the spec is not valid at all."""
    normalised, warnings = validate_spec(spec, categories=categories, base_dir=base_dir)
    number = str(proposal_number) if proposal_number is not None else None
    findings = [Finding(_normalisation_rule(path), path, message, WARNING)
                for path, message in warnings]
    for rule in (_characters, _date, _duplicates, _repeated_sentences, _endings,
                 _ascii_punctuation, _doc_numbers, _enumerations, _contact):
        findings.extend(rule(normalised))
    findings.extend(_heading_numbers(spec))
    findings.extend(_title(normalised, session_name, number))
    return findings
