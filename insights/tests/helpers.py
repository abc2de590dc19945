"""Test data for the insights tests: signed replies without rendering a letter.

The sign-off service renders and signs a real .docx; these tests only need the rows that
a signed reply leaves behind, so they write them directly (all fields the database's
`reply_signed_is_complete` constraint asks for)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools

from replies.models import Feedback, Reply, ReplyParagraph
from replies.signing import active_key_for

_seq = itertools.count(1)


def signed_reply(
    assignment,
    *,
    signed_on: dt.date,
    category: str = "A",
    state: str = Reply.State.SENT,
    satisfaction: str | None = None,
    paragraphs: list[str] = (),
    disclosure: str = Reply.Disclosure.PUBLIC,
) -> Reply:
    n = next(_seq)
    unit = assignment.unit
    reply = Reply.objects.create(
        proposal=assignment.proposal,
        assignment=assignment,
        unit=unit,
        state=Reply.State.DRAFT,
        title=f"对第{assignment.proposal.number}号提案的答复",
        addressee="王波委员",
        category=category,
        disclosure=disclosure,
    )
    for order, text in enumerate(paragraphs, 1):
        ReplyParagraph.objects.create(reply=reply, order=order, text=text, source_unit=unit)
    Reply.objects.filter(pk=reply.pk).update(
        state=state,
        doc_year=signed_on.year,
        doc_seq=n,
        signed_on=signed_on,
        signature=b"test-signature",
        signing_key=active_key_for(unit, create=True),
        sha256=hashlib.sha256(f"reply-{n}".encode()).hexdigest(),
        signed_file=f"replies/test/{n}.docx",
    )
    reply.refresh_from_db()
    if satisfaction:
        Feedback.objects.create(reply=reply, satisfaction=satisfaction)
    return reply


def xlsx_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    from insights.importing import HEADERS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_xlsx(data: bytes) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {
        sheet.title: [tuple(r) for r in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }
