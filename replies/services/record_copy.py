"""The record copy (存档件): after sign-off commits, a task converts the frozen .docx to
PDF/A-2b, validates it, signs it with PAdES and stores it with its SHA-256.

The reply stays signed whatever happens here: a failure is written on the RecordCopy row
(state 失败, the reason) and the task retries with backoff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from jobs.outbox import enqueue

from .. import pades
from ..letter.preview import PreviewUnavailable, docx_to_pdfs
from ..models import FROZEN_STATES, RecordCopy, Reply
from . import certificates

logger = logging.getLogger(__name__)

TASK_NAME = "replies.make_record_copy"
MAX_ATTEMPTS = 10
RETRY_BASE = dt.timedelta(seconds=30)
RETRY_MAX = dt.timedelta(hours=6)
STUCK_AFTER = dt.timedelta(hours=1)  # a pending copy whose task was lost


def record_copy_schedule(*, reply: Reply) -> RecordCopy:
    """In the sign-off transaction: a pending row, and the task queued once it commits."""
    copy, _created = RecordCopy.objects.get_or_create(reply=reply)
    enqueue(TASK_NAME, reply_id=reply.pk)
    return copy


def _timestamper():
    """pyHanko's HTTP client for settings.TSA_URL (None without one: no B-LTA)."""
    if not settings.TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.TSA_URL)


def tsa_roots() -> list:
    """Roots the TSA's certificate chains to (settings.TSA_TRUST_ROOTS, a PEM file)."""
    path = getattr(settings, "TSA_TRUST_ROOTS", "")
    if not path:
        return []
    with open(path, "rb") as fh:
        return pades.load_certs(fh.read())


def convert(docx: bytes) -> bytes:
    """The frozen .docx as PDF/A-2b, LibreOffice's own PDF/A export with the preview's
    font mapping (on the warm LibreOffice when there is one; LIBREOFFICE_BINARY and
    UNOSERVER_PORT are read from the environment by the letter package)."""
    return docx_to_pdfs([docx], pdfa=True)[0]


def record_copy_make(*, reply_id: int) -> RecordCopy:
    """Make the record copy of a signed reply. Idempotent: a ready copy is left alone."""
    with transaction.atomic():
        reply = Reply.objects.select_related("unit__committee").get(pk=reply_id)
        copy, _created = RecordCopy.objects.select_for_update().get_or_create(reply=reply)
        if copy.state == RecordCopy.State.READY:
            return copy
        if reply.state not in FROZEN_STATES:
            return _fail(copy, "答复尚未签发。")
        copy.attempts += 1
        copy.save(update_fields=["attempts", "updated_at"])

    try:
        with reply.signed_file.open("rb") as fh:
            docx = fh.read()
        if hashlib.sha256(docx).hexdigest() != reply.sha256:
            return _fail(copy, "签发文件与记录的摘要不一致，未生成存档件。")
        started = time.monotonic()
        pdf = pades.pdfa_clean(convert(docx))
        converted = time.monotonic()
        cert = certificates.certificate_for(reply.unit)
        material = certificates.signing_material(cert)
        material.extra_roots = tsa_roots()
        timestamper = _timestamper()
        signed, level = pades.sign_pdf(
            pdf, material, timestamper=timestamper, fetch_revocation=bool(settings.TSA_URL),
            reason=f"{reply.doc_number} 答复函存档件", location=reply.unit.name)
        finished = time.monotonic()
    except PreviewUnavailable as exc:
        return _fail(copy, f"PDF 转换失败：{exc}")
    except pades.PdfaInvalid as exc:
        return _fail(copy, f"转换结果不符合 PDF/A-2b：{exc}")
    except pades.SignFailed as exc:
        return _fail(copy, f"签名失败：{exc}")
    except Exception as exc:
        logger.exception("record copy of reply %s failed", reply_id)
        return _fail(copy, f"{type(exc).__name__}: {exc}")

    sha256 = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        copy = RecordCopy.objects.select_for_update().get(pk=copy.pk)
        if copy.state == RecordCopy.State.READY:  # another worker finished first
            return copy
        copy.file.save(f"{reply.doc_year}-{reply.doc_seq:05d}-{sha256[:12]}.pdf",
                       ContentFile(signed), save=False)
        copy.sha256 = sha256
        copy.certificate = cert
        copy.level = level
        copy.signed_at = timezone.now()
        copy.convert_seconds = converted - started
        copy.sign_seconds = finished - converted
        copy.state = RecordCopy.State.READY
        copy.reason = ""
        copy.save()
    return copy


def _fail(copy: RecordCopy, reason: str) -> RecordCopy:
    logger.warning("record copy of reply %s failed: %s", copy.reply_id, reason)
    RecordCopy.objects.filter(pk=copy.pk).exclude(state=RecordCopy.State.READY).update(
        state=RecordCopy.State.FAILED, reason=reason[:2000], updated_at=timezone.now())
    copy.refresh_from_db()
    return copy


def record_copy_retry(*, copy: RecordCopy) -> None:
    """Queue another attempt (an admin's or the retry command's)."""
    if copy.state != RecordCopy.State.READY:
        RecordCopy.objects.filter(pk=copy.pk).update(state=RecordCopy.State.PENDING)
        enqueue(TASK_NAME, reply_id=copy.reply_id)


def record_copies_retry_due(*, now: dt.datetime | None = None) -> int:
    """The sweep behind 失败，将自动重试 (celery beat; also where tasks run in process):
    queue again each failed copy whose backoff (30 s × 2^attempts, at most 6 h) has passed,
    and each pending copy whose task was lost. Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    candidates = RecordCopy.objects.filter(
        state__in=[RecordCopy.State.FAILED, RecordCopy.State.PENDING],
        attempts__lt=MAX_ATTEMPTS)
    for copy in candidates.only("pk", "reply_id", "state", "attempts", "updated_at"):
        if copy.state == RecordCopy.State.FAILED:
            wait = min(RETRY_BASE * 2 ** copy.attempts, RETRY_MAX)
        else:
            wait = STUCK_AFTER
        if copy.updated_at + wait <= now:
            with transaction.atomic():
                RecordCopy.objects.filter(pk=copy.pk).update(
                    state=RecordCopy.State.PENDING, updated_at=now)
                enqueue(TASK_NAME, reply_id=copy.reply_id)
            queued += 1
    return queued
