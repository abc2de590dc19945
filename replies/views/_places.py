"""Put drafting findings next to what they concern.

A finding names a place in the letter spec (``sections[1].paragraphs[2]``, ``contact.phone``);
the compose page shows items in the order of the reply's rows. ``item_places`` walks the rows
the way spec_builder nests them, so each row gets the spec path it will have. People are shown
places in words (``place_in_words``: 第二部分（一）第3段), never the path.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..letter.places import place_in_words
from ..models import ReplyParagraph

Part = ReplyParagraph.Part
Kind = ReplyParagraph.Kind

FIELD_PLACES = {
    "title": "title",
    "addressee": "addressee",
    "category": "category",
    "disclosure": "disclosure",
    "contact.phone": "contact_phone",
    "contact.name": "contact_name",
    "contact": "contact_phone",
    "cc": "cc",
}
_LAST = re.compile(r"(\.[A-Za-z_]+|\[\d+\])$")


def item_places(rows: list) -> list[list[str]]:
    """For each row (with .part, .kind, .level, or dicts with those keys), the spec paths
    that point at it (a heading answers for its section too)."""
    out: list[list[str]] = []
    intro = closing = 0
    root = {"path": "", "n_sections": 0, "n_paras": 0}
    stack: list[dict] = []
    for row in rows:
        get = row.get if isinstance(row, dict) else lambda k, r=row: getattr(r, k)
        part, kind, level = get("part"), get("kind"), get("level")
        if part == Part.INTRO:
            out.append([f"intro[{intro}]"])
            intro += 1
        elif part == Part.CLOSING:
            out.append([f"closing[{closing}]"])
            closing += 1
        elif kind == Kind.HEADING:
            level = min(max(level or 1, 1), len(stack) + 1)
            del stack[level - 1:]
            parent = stack[-1] if stack else root
            prefix = f"{parent['path']}." if parent["path"] else ""
            path = f"{prefix}sections[{parent['n_sections']}]"
            parent["n_sections"] += 1
            stack.append({"path": path, "n_sections": 0, "n_paras": 0})
            out.append([f"{path}.heading", path])
        elif stack:
            s = stack[-1]
            out.append([f"{s['path']}.paragraphs[{s['n_paras']}]"])
            s["n_paras"] += 1
        else:
            out.append([f"intro[{intro}]"])
            intro += 1
    return out


__all__ = ["item_places", "place_findings", "place_in_words", "PlacedFindings"]


@dataclass
class PlacedFindings:
    by_item: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    by_field: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    general: list = field(default_factory=list)

    @property
    def errors(self) -> int:
        every = [f for fs in self.by_item.values() for f in fs]
        every += [f for fs in self.by_field.values() for f in fs] + self.general
        return sum(1 for f in every if f.severity == "error")


def place_findings(findings: list, rows: list) -> PlacedFindings:
    index: dict[str, int] = {}
    for i, paths in enumerate(item_places(rows)):
        for p in paths:
            index.setdefault(p, i)
    placed = PlacedFindings()
    for f in findings:
        place = f.place or ""
        top = place.split("[")[0]
        if top in FIELD_PLACES or place in FIELD_PLACES:
            placed.by_field[FIELD_PLACES.get(place, FIELD_PLACES.get(top))].append(f)
            continue
        p = place
        while p:
            if p in index:
                placed.by_item[index[p]].append(f)
                break
            shorter = _LAST.sub("", p)
            p = "" if shorter == p else shorter
        else:
            placed.general.append(f)
    placed.by_item = dict(placed.by_item)
    placed.by_field = dict(placed.by_field)
    return placed
