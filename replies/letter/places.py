"""Say where in a letter a spec path points, in the words a drafter uses.

Checks and spec validation name places by field path (``sections[1].sections[0].paragraphs[2]``)
so that tools and the compose page can find them; people read 第二部分（一）第3段, 开头第1段,
结尾, 抄送, 标题. Top-level sections are 部分 (第一部分 … as the generator numbers them 一、),
deeper ones use the generator's own labels （一） → 1. → （1）; paragraphs count from 1.
"""

from __future__ import annotations

import re

from .numbering import chinese_numeral, heading_label

FIELD_WORDS = {
    "": "全文",
    "spec": "全文",
    "spec_version": "规格版本",
    "unit": "发文单位",
    "unit.name": "发文单位名称",
    "unit.doc_prefix": "发文字号前缀",
    "doc_number": "发文字号",
    "doc_number.year": "发文字号年份",
    "doc_number.seq": "发文字号序号",
    "signer": "签发人",
    "category": "办理类别",
    "title": "标题",
    "addressee": "主送",
    "intro": "开头",
    "sections": "正文",
    "paragraphs": "正文",
    "closing": "结尾",
    "date": "成文日期",
    "disclosure": "附注",
    "contact": "联系人和联系电话",
    "contact.name": "联系人",
    "contact.phone": "联系电话",
    "cc": "抄送",
    "seal": "印章",
    "feedback_url": "征询意见网址",
}
_STEP = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")


def _steps(path: str) -> list[tuple[str, int | None]] | None:
    steps = []
    for part in path.split("."):
        m = _STEP.fullmatch(part)
        if not m:
            return None
        steps.append((m.group(1), int(m.group(2)) if m.group(2) is not None else None))
    return steps


def _section_words(indexes: list[int]) -> str:
    words = f"第{chinese_numeral(indexes[0] + 1)}部分"
    for level, i in enumerate(indexes[1:], start=2):
        words += heading_label(min(level, 4), i + 1)
    return words


def place_in_words(path: str) -> str:
    """``sections[1].sections[0].paragraphs[2]`` → 第二部分（一）第3段; ``closing[0]`` →
    结尾第1段; ``cc[1]`` → 抄送第2个单位; ``title`` → 标题. A path it cannot read is named as
    a field (字段“…”), never passed through bare."""
    path = (path or "").strip()
    if path in FIELD_WORDS:
        return FIELD_WORDS[path]
    steps = _steps(path)
    if not steps:
        return f"字段“{path}”"
    head, index = steps[0]
    if head in ("intro", "closing") and index is not None and len(steps) == 1:
        return f"{FIELD_WORDS[head]}第{index + 1}段"
    if head == "cc" and index is not None and len(steps) == 1:
        return f"抄送第{index + 1}个单位"
    if head != "sections" or index is None:
        return f"字段“{path}”"
    indexes = [index]
    rest = steps[1:]
    while rest and rest[0][0] == "sections" and rest[0][1] is not None:
        indexes.append(rest[0][1])
        rest = rest[1:]
    words = _section_words(indexes)
    if not rest:
        return words
    name, index = rest[0]
    if len(rest) == 1 and name == "heading" and index is None:
        return f"{words}标题"
    if len(rest) == 1 and name == "paragraphs":
        return f"{words}第{index + 1}段" if index is not None else f"{words}正文"
    if len(rest) == 1 and name == "sections" and index is None:
        return f"{words}下级标题"
    return f"{words}（字段“{path}”）"
