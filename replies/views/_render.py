"""The letter as a file and as page images, for the compose and review pages."""

from __future__ import annotations

import base64
import hashlib
import io

from django.core.cache import cache
from django.http import FileResponse

from ..letter import SpecError, render_letter
from ..letter.preview import PreviewUnavailable, docx_to_pdf, pdf_to_pngs
from ..models import Reply
from ..services.checks import answer_classes
from ..spec_builder import build_spec

PREVIEW_TTL_SECONDS = 30 * 60
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

__all__ = ["PreviewUnavailable", "SpecError", "docx_of", "docx_response", "preview_pages"]


def docx_of(reply: Reply) -> bytes:
    """The signed file of a signed reply; else the draft rendered as it stands now.
    Raises SpecError when the draft cannot be rendered yet."""
    if reply.signed_file:
        with reply.signed_file.open("rb") as f:
            return f.read()
    return render_letter(build_spec(reply), categories=answer_classes(reply))


def preview_pages(data: bytes) -> list[str]:
    """PNG pages as data: URIs (cached by the file's digest; a conversion takes seconds)."""
    key = "replies:preview:" + hashlib.sha256(data).hexdigest()
    pages = cache.get(key)
    if pages is None:
        pngs = pdf_to_pngs(docx_to_pdf(data), dpi=80)
        pages = ["data:image/png;base64," + base64.b64encode(p).decode() for p in pngs]
        cache.set(key, pages, PREVIEW_TTL_SECONDS)
    return pages


def docx_response(data: bytes, filename: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=DOCX_MIME
    )


def file_name(reply: Reply) -> str:
    if reply.doc_number:
        return f"{reply.doc_number}.docx"
    return f"答复函草稿-第{reply.proposal.number}号提案-第{reply.version}版.docx"
