"""Build a letter spec (LETTER-SPEC.md, version 1) from a reply in the database."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import Any

from .models import Reply, ReplyParagraph, UnitLetterSettings

Part = ReplyParagraph.Part
Kind = ReplyParagraph.Kind


def _nest(rows: list[ReplyParagraph]) -> list[dict[str, Any]]:
    """Flat body rows (headings with levels, paragraphs under the nearest heading) → nested
    sections. reply_update guarantees the body starts with a level-1 heading and that levels
    rise one step at a time; a stray paragraph before any heading is kept in a section-less
    list the caller puts into the intro."""
    top: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []  # stack[i] is the open section of level i+1
    for row in rows:
        if row.kind == Kind.HEADING:
            level = min(max(row.level or 1, 1), len(stack) + 1)
            section = {"heading": row.text, "paragraphs": [], "sections": []}
            del stack[level - 1 :]
            (stack[-1]["sections"] if stack else top).append(section)
            stack.append(section)
        elif stack:
            stack[-1]["paragraphs"].append(row.text)
        else:
            raise ValueError("body paragraph before the first heading")
    return top


def seal_path(settings_obj: UnitLetterSettings | None) -> str | None:
    """A local path to the unit's seal image, or None."""
    if settings_obj is None or not settings_obj.seal:
        return None
    try:
        return settings_obj.seal.path
    except NotImplementedError:  # remote storage: see local_seal()
        return None


@contextlib.contextmanager
def local_seal(settings_obj: UnitLetterSettings | None) -> Iterator[str | None]:
    """The seal as a local file for the generator, copying it out of remote storage."""
    path = seal_path(settings_obj)
    if path is not None or settings_obj is None or not settings_obj.seal:
        yield path
        return
    fd, tmp = tempfile.mkstemp(suffix=".png")
    try:
        with os.fdopen(fd, "wb") as out, settings_obj.seal.open("rb") as src:
            out.write(src.read())
        yield tmp
    finally:
        os.unlink(tmp)


def letter_settings_of(reply: Reply) -> UnitLetterSettings | None:
    return UnitLetterSettings.objects.filter(unit_id=reply.unit_id).first()


def build_spec(
    reply: Reply, *, seal: str | None = None, feedback_url: str | None = None
) -> dict[str, Any]:
    """The letter spec of ``reply`` as it stands (in memory for its own fields, from the
    database for its paragraphs). A reply without a number gives a draft spec.

    ``seal`` overrides the seal path (the sign-off passes a local copy); by default the
    unit's seal from UnitLetterSettings is used when it is on local storage.
    """
    rows = list(reply.paragraphs.order_by("order"))
    intro = [r.text for r in rows if r.part == Part.INTRO]
    body = [r for r in rows if r.part == Part.BODY]
    closing = [r.text for r in rows if r.part == Part.CLOSING]
    while body and body[0].kind == Kind.PARAGRAPH:  # defensive: stray text before headings
        intro.append(body.pop(0).text)

    unit = reply.unit
    spec: dict[str, Any] = {
        "spec_version": 1,
        "unit": {"name": unit.name, "doc_prefix": unit.doc_prefix},
        "title": reply.title,
        "addressee": reply.addressee,
        "intro": intro,
        "sections": _nest(body),
    }
    if closing:
        spec["closing"] = closing
    if reply.doc_year is not None and reply.doc_seq is not None:
        spec["doc_number"] = {"year": reply.doc_year, "seq": reply.doc_seq}
    if reply.signed_on is not None:
        spec["date"] = reply.signed_on.isoformat()
    if reply.signer_name:
        spec["signer"] = reply.signer_name
    if reply.category:
        spec["category"] = reply.category
    spec["disclosure"] = reply.disclosure_note
    contact = {}
    if reply.contact_name:
        contact["name"] = reply.contact_name
    if reply.contact_phone:
        contact["phone"] = reply.contact_phone
    if contact:
        spec["contact"] = contact
    if reply.cc:
        spec["cc"] = list(reply.cc)
    if seal is None:
        seal = seal_path(letter_settings_of(reply))
    if seal:
        spec["seal"] = seal
    if feedback_url:
        spec["feedback_url"] = feedback_url
    return spec


def outline(reply: Reply) -> list[dict[str, Any]]:
    """The reply as a reviewer sees it: every heading and paragraph with the unit that wrote
    it and the generated heading number (一、 （一） 1. （1）)."""
    counters = [0, 0, 0, 0]
    out = []
    rows = reply.paragraphs.select_related("source_unit", "source_section").order_by("order")
    for row in rows:
        number = ""
        if row.kind == Kind.HEADING and row.level:
            counters[row.level - 1] += 1
            counters[row.level :] = [0] * (4 - row.level)
            number = heading_number(row.level, counters[row.level - 1])
        out.append(
            {
                "id": row.pk,
                "part": row.part,
                "kind": row.kind,
                "level": row.level,
                "number": number,
                "text": row.text,
                "unit": row.source_unit,
                "section": row.source_section,
                "is_own": row.source_unit_id == reply.unit_id,
                "original": row.original_text,
            }
        )
    return out


_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}" if n < 100 else str(n)


def heading_number(level: int, n: int) -> str:
    return {1: f"{_chinese(n)}、", 2: f"（{_chinese(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]
