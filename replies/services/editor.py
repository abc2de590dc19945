"""The compose page's editing operations on the items as posted: move an item up or down,
delete it, add an empty one, insert a section of a co-handling unit (or the unit's own),
copy a paragraph of an earlier session's signed reply. Nothing is saved here: the page
shows the rearranged items and the handler saves them (reply_update checks every source).
"""

from __future__ import annotations

import re

from proposals.models import Section

from ..models import Reply
from ..reuse import EarlierParagraph, earlier_reply_paragraphs
from .drafts import section_heading, sections_for

OP = re.compile(r"^(up|down|del|add|insert|reuse)-(\w+)$")
KINDS = ("intro", "h1", "h2", "h3", "h4", "p", "closing")


def insertable_sections(reply: Reply) -> list[Section]:
    """The sections the page offers to insert: the same ones, in the same order, that the
    first draft was built from (reply_create_draft)."""
    return sections_for(reply.assignment)


def section_rows(section: Section) -> list[dict]:
    unit = section.assignment.unit
    rows = [{"kind": "h1", "text": section_heading(section), "source_unit": unit.pk,
             "source_section": section.pk, "source_paragraph": None}]
    rows += [
        {"kind": "p", "text": str(t), "source_unit": unit.pk, "source_section": section.pk,
         "source_paragraph": None}
        for t in section.paragraphs if str(t).strip()
    ]
    return rows


def offered_paragraphs(reply: Reply) -> dict[str, EarlierParagraph]:
    """The paragraphs of earlier replies the compose page offers for copying, by id."""
    return {
        str(p.id): p
        for earlier in earlier_reply_paragraphs(reply.proposal, unit=reply.unit)
        for p in earlier.paragraphs
        if p.reusable
    }


def _before_closing(rows: list[dict]) -> int:
    at = len(rows)
    while at > 0 and rows[at - 1]["kind"] == "closing":
        at -= 1
    return at


def editor_apply(op: str, rows: list[dict], reply: Reply) -> list[dict] | None:
    """The items after `op` ("up-3", "del-0", "add-h2", "insert-<section>",
    "reuse-<paragraph>"); None when `op` is no editing operation (the page saves instead).
    An index or id out of reach leaves the items as they are."""
    m = OP.match(op)
    if not m:
        return None
    verb, arg = m.groups()
    rows = list(rows)
    if verb in ("up", "down", "del"):
        i = int(arg) if arg.isascii() and arg.isdigit() else -1  # a tampered index: no move
        if not 0 <= i < len(rows):
            return rows
        if verb == "del":
            rows.pop(i)
        elif verb == "up" and i > 0:
            rows[i - 1], rows[i] = rows[i], rows[i - 1]
        elif verb == "down" and i < len(rows) - 1:
            rows[i + 1], rows[i] = rows[i], rows[i + 1]
        return rows
    if verb == "add":
        kind = arg if arg in KINDS else "p"
        new = {"kind": kind, "text": "", "source_unit": reply.unit_id, "source_section": None,
               "source_paragraph": None}
        # Before the closing paragraphs (unless adding to the closing itself).
        at = len(rows) if kind == "closing" else _before_closing(rows)
        if kind == "intro":
            at = sum(1 for r in rows if r["kind"] == "intro")
        rows.insert(at, new)
        return rows
    if verb == "insert":
        section = next((s for s in insertable_sections(reply) if str(s.pk) == arg), None)
        if section is None:
            return rows
        at = _before_closing(rows)
        rows[at:at] = section_rows(section)
        return rows
    # reuse: only a paragraph the page offers; never look up the posted id by itself.
    paragraph = offered_paragraphs(reply).get(arg)
    if paragraph is None:
        return rows
    # The lead unit adopts the text; the earlier paragraph stays as its source.
    rows.insert(_before_closing(rows), {
        "kind": "p", "text": paragraph.text, "source_unit": reply.unit_id,
        "source_section": None, "source_paragraph": paragraph.id,
    })
    return rows
