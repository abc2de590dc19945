"""Validation and normalisation of a letter spec (LETTER-SPEC.md, version 1).

Every problem is reported, each with the field path in the spec's own terms
(``sections[1].sections[0].paragraphs[2]``, ``unit.name``, ``doc_number.seq``).

Size limits, so that a spec that cannot be a letter is refused before layout:

- a paragraph (or heading, title, …): at most ``MAX_PARAGRAPH_CHARS`` = 20,000 characters;
- short fields (unit name, prefix, signer, addressee, contact, one 抄送 entry): at most
  ``MAX_SHORT_CHARS`` = 200 characters;
- the whole letter: at most ``MAX_TOTAL_CHARS`` = 200,000 characters;
- at most ``MAX_PARAGRAPHS`` = 500 paragraphs and headings together;
- at most ``MAX_CC`` = 100 抄送 entries;
- sections nest at most ``MAX_DEPTH`` = 4 levels (一、 → （一） → 1. → （1））.

Normalisation (warnings, not errors): surrounding whitespace is stripped; ASCII brackets in
``unit.doc_prefix`` become full-width, and a bracketed year at its end is dropped (the
generator writes 〔year〕 itself); a heading that starts with its own number (一、 （一） 1.
1、 （1） ①, each with its own punctuation) loses it, since the generator numbers headings.
A start that only looks like a number is kept and said: 一、二级医院… when no sibling heading
carries a number (the words 一、二级医院, not 一、 + 二级医院), 一．… or 1）… (punctuation that
is not the number's own).
"""

from __future__ import annotations

import copy
import datetime
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .numbering import HeadingStart, Literal, heading_starts

MAX_PARAGRAPH_CHARS = 20_000
MAX_SHORT_CHARS = 200
MAX_TOTAL_CHARS = 200_000
MAX_PARAGRAPHS = 500
MAX_CC = 100
MAX_DEPTH = 4
MAX_URL_CHARS = 2_000

DEFAULT_CATEGORIES = ("A", "B", "C")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

Problem = tuple[str, str]
ROOT = "spec"  # the path of a problem with the spec as a whole

_TOP_FIELDS = {
    "spec_version", "unit", "doc_number", "signer", "category", "title", "addressee",
    "intro", "sections", "closing", "date", "disclosure", "contact", "cc", "seal",
    "feedback_url",
}
_REQUIRED_TOP = ("spec_version", "unit", "title", "addressee", "intro", "sections")
_SECTION_FIELDS = {"heading", "paragraphs", "sections"}
# Characters an XML 1.0 document (and so a .docx) cannot hold; tab and newline are fine.
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PREFIX_YEAR = re.compile(r"[\[(（【〔]\s*\d{4}\s*[\])）】〕]\s*$")
_ASCII_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "〔", "]": "〕"})


class SpecError(ValueError):
    """The spec is not a valid letter; ``problems`` lists (field path, message) pairs."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in self.problems))


def _type_name(value: Any) -> str:
    names = {str: "文本", int: "整数", float: "小数", bool: "布尔值", list: "列表",
             dict: "对象", type(None): "null"}
    return names.get(type(value), type(value).__name__)


class _Validator:
    def __init__(self, categories: Iterable[str], base_dir: Path | None):
        self.categories = tuple(categories)
        self.base_dir = base_dir
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.total_chars = 0
        self.paragraph_count = 0

    def problem(self, path: str, msg: str) -> None:
        self.problems.append((path, msg))

    def text(self, value: Any, path: str, *, limit: int = MAX_SHORT_CHARS,
             allow_empty: bool = False, multiline: bool = False) -> str | None:
        if not isinstance(value, str):
            self.problem(path, f"应为文本，实为{_type_name(value)}")
            return None
        value = value.strip()
        if not value and not allow_empty:
            self.problem(path, "不能为空")
            return None
        for m in _BAD_CHARS.finditer(value):
            self.problem(path, f"第{m.start() + 1}个字符是控制字符 U+{ord(m.group()):04X}，"
                               "文档中不能包含")
        if not multiline and "\n" in value:
            self.problem(path, "不能包含换行")
        if len(value) > limit:
            self.problem(path, f"过长：{len(value)}个字符，上限{limit}个")
        self.total_chars += len(value)
        return value

    def paragraph(self, value: Any, path: str) -> str | None:
        self.paragraph_count += 1
        return self.text(value, path, limit=MAX_PARAGRAPH_CHARS, multiline=True)

    def paragraphs(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list):
            self.problem(path, f"应为段落列表，实为{_type_name(value)}")
            return []
        out = [self.paragraph(p, f"{path}[{i}]") for i, p in enumerate(value)]
        return [p for p in out if p is not None]

    def obj(self, value: Any, path: str, fields: set[str], required: Iterable[str]) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path or ROOT, f"应为对象，实为{_type_name(value)}")
            return None
        for key in value:
            if key not in fields:
                self.problem(f"{path}.{key}" if path else str(key), "未知字段")
        for key in required:
            if key not in value:
                self.problem(f"{path}.{key}" if path else key, "缺少必填字段")
        return value

    def section_list(self, value: Any, path: str, level: int) -> list[dict]:
        """The sections of one list; a heading's own number is read against its siblings."""
        if not isinstance(value, list):
            self.problem(path, f"应为列表，实为{_type_name(value)}")
            return []
        starts = heading_starts([s.get("heading") if isinstance(s, dict) else None
                                 for s in value])
        out = []
        for i, (raw, start) in enumerate(zip(value, starts, strict=True)):
            sec = self.section(raw, f"{path}[{i}]", level, start)
            if sec is not None:
                out.append(sec)
        return out

    def section(self, value: Any, path: str, level: int, start: HeadingStart) -> dict | None:
        if level > MAX_DEPTH:
            self.problem(path, f"标题层级超过{MAX_DEPTH}级")
            return None
        raw = self.obj(value, path, _SECTION_FIELDS, ("heading",))
        if raw is None:
            return None
        heading = None
        if "heading" in raw:
            self.paragraph_count += 1
            heading = self.text(raw["heading"], f"{path}.heading", limit=MAX_PARAGRAPH_CHARS)
        if heading is not None:
            heading = self.heading_number(heading, f"{path}.heading", start)
        paragraphs = self.paragraphs(raw.get("paragraphs", []), f"{path}.paragraphs")
        subs = self.section_list(raw.get("sections", []), f"{path}.sections", level + 1)
        return {"heading": heading, "paragraphs": paragraphs, "sections": subs}

    def heading_number(self, heading: str, path: str, start: HeadingStart) -> str:
        """Strip the heading's own number (the generator numbers headings), saying so."""
        if start.kind is Literal.NUMBER:
            self.warnings.append((path, f"标题自带编号“{start.literal}”，已去除，由系统统一编号"))
            return start.rest.strip()
        if start.kind is Literal.TEXT:
            self.warnings.append((path, f"标题开头“{heading[:8]}”按文字保留（如“一、二级医院”），"
                                        f"未当作编号去除；如“{start.literal}”是编号，请删除"))
        elif start.kind is Literal.LOOSE:
            self.warnings.append((path, f"标题开头“{start.literal}”像是编号，但不是规范的编号"
                                        "标点，未去除；编号由系统生成，如是编号请删除"))
        return heading

    def positive_int(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"应为正整数，实为{_type_name(value)}")
            return None
        if value <= 0:
            self.problem(path, f"应为正整数，实为{value}")
            return None
        return value

    def doc_prefix(self, value: str, year: int | None) -> str:
        m = _PREFIX_YEAR.search(value)
        if m:
            self.warnings.append(("unit.doc_prefix", f"前缀不应包含年份“{m.group().strip()}”，"
                                                     "已去除，年份由系统按发文字号填写"))
            value = value[: m.start()].rstrip()
        fixed = value.translate(_ASCII_BRACKETS)
        if fixed != value:
            self.warnings.append(("unit.doc_prefix", "前缀中的半角括号已改为全角"))
        return fixed

    def run(self, spec: Any) -> dict:
        out: dict[str, Any] = {}
        if self.obj(spec, "", _TOP_FIELDS, _REQUIRED_TOP) is None:
            return out
        if "spec_version" in spec:
            v = spec["spec_version"]
            if isinstance(v, bool) or v != 1:
                self.problem("spec_version", f"只支持版本 1，实为 {v!r}")
        out["spec_version"] = 1

        doc_number = None
        if spec.get("doc_number") is not None:
            raw = self.obj(spec["doc_number"], "doc_number", {"year", "seq"}, ("year", "seq"))
            if raw is not None:
                year = self.positive_int(raw["year"], "doc_number.year") if "year" in raw else None
                seq = self.positive_int(raw["seq"], "doc_number.seq") if "seq" in raw else None
                if year is not None and not 1000 <= year <= 9999:
                    self.problem("doc_number.year", f"年份应为四位数，实为{year}")
                elif year is not None and seq is not None:
                    doc_number = {"year": year, "seq": seq}
        out["doc_number"] = doc_number

        unit = self.obj(spec.get("unit", {}), "unit", {"name", "doc_prefix"},
                        ("name", "doc_prefix")) if "unit" in spec else None
        out["unit"] = {"name": None, "doc_prefix": None}
        if unit is not None:
            if "name" in unit:
                out["unit"]["name"] = self.text(unit["name"], "unit.name")
            if "doc_prefix" in unit:
                prefix = self.text(unit["doc_prefix"], "unit.doc_prefix")
                if prefix is not None:
                    year = doc_number["year"] if doc_number else None
                    out["unit"]["doc_prefix"] = self.doc_prefix(prefix, year)

        for key in ("title", "addressee"):
            if key in spec:
                limit = MAX_PARAGRAPH_CHARS if key == "title" else MAX_SHORT_CHARS
                out[key] = self.text(spec[key], key, limit=limit)
        for key in ("signer", "disclosure"):
            out[key] = self.text(spec[key], key) if spec.get(key) is not None else None

        out["category"] = None
        if spec.get("category") is not None:
            cat = self.text(spec["category"], "category")
            if cat is not None and cat not in self.categories:
                self.problem("category", f"“{cat}”不在办理类别 {'/'.join(self.categories)} 之中")
            out["category"] = cat

        out["intro"] = self.paragraphs(spec["intro"], "intro") if "intro" in spec else []
        out["sections"] = []
        if "sections" in spec:
            out["sections"] = self.section_list(spec["sections"], "sections", 1)
        closing = spec.get("closing")
        out["closing"] = self.paragraphs(closing, "closing") if closing is not None else []

        out["date"] = None
        if spec.get("date") is not None:
            out["date"] = self.date(spec["date"])

        out["contact"] = {"name": None, "phone": None}
        if spec.get("contact") is not None:
            raw = self.obj(spec["contact"], "contact", {"name", "phone"}, ())
            if raw is not None:
                for key in ("name", "phone"):
                    if raw.get(key) is not None:
                        out["contact"][key] = self.text(raw[key], f"contact.{key}")

        out["cc"] = []
        if spec.get("cc") is not None:
            if not isinstance(spec["cc"], list):
                self.problem("cc", f"应为文本列表，实为{_type_name(spec['cc'])}")
            else:
                if len(spec["cc"]) > MAX_CC:
                    self.problem("cc", f"抄送单位过多：{len(spec['cc'])}个，上限{MAX_CC}个")
                for i, name in enumerate(spec["cc"]):
                    t = self.text(name, f"cc[{i}]")
                    if t is not None:
                        out["cc"].append(t.rstrip("，,、。;；"))

        out["seal"] = self.seal(spec["seal"]) if spec.get("seal") is not None else None
        out["feedback_url"] = None
        if spec.get("feedback_url") is not None:
            out["feedback_url"] = self.url(spec["feedback_url"])

        if self.total_chars > MAX_TOTAL_CHARS:
            self.problem(ROOT, f"全文过长：{self.total_chars}个字符，上限{MAX_TOTAL_CHARS}个")
        if self.paragraph_count > MAX_PARAGRAPHS:
            self.problem(ROOT, f"段落过多：{self.paragraph_count}段，上限{MAX_PARAGRAPHS}段")
        return out

    def date(self, value: Any) -> str | None:
        if not isinstance(value, str):
            self.problem("date", f"应为 YYYY-MM-DD 格式的文本，实为{_type_name(value)}")
            return None
        value = value.strip()
        if not _DATE.match(value):
            self.problem("date", f"“{value}”不是 YYYY-MM-DD 格式的日期")
            return None
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            self.problem("date", f"“{value}”不是有效日期")
            return None
        return value

    def seal(self, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.problem("seal", f"应为印章图片路径，实为{_type_name(value)}")
            return None
        path = Path(value.strip()).expanduser()
        if not path.is_absolute() and self.base_dir is not None:
            path = self.base_dir / path
        if not path.is_file():
            self.problem("seal", f"找不到印章图片文件：{value}")
            return None
        try:
            with open(path, "rb") as f:
                head = f.read(len(PNG_MAGIC))
        except OSError as exc:
            self.problem("seal", f"无法读取印章图片：{exc.strerror}")
            return None
        if head != PNG_MAGIC:
            self.problem("seal", "印章图片应为 PNG 格式（透明背景）")
            return None
        return os.fspath(path.resolve())

    def url(self, value: Any) -> str | None:
        url = self.text(value, "feedback_url", limit=MAX_URL_CHARS)
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", url):
            self.problem("feedback_url", f"应为 http(s) 网址，实为“{url}”")
            return None
        return url


def validate_spec(spec: Any, *, categories: Iterable[str] = DEFAULT_CATEGORIES,
                  base_dir: str | os.PathLike | None = None) -> tuple[dict, list[Problem]]:
    """Check a spec; return (normalised spec, warnings) or raise SpecError with every problem.

    ``base_dir`` resolves a relative ``seal`` path (default: the current directory).
    """
    v = _Validator(categories, Path(base_dir) if base_dir is not None else None)
    normalised = v.run(copy.deepcopy(spec) if isinstance(spec, dict) else spec)
    if v.problems:
        raise SpecError(v.problems)
    return normalised, v.warnings
