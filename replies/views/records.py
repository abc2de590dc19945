"""The record copy (signed PDF/A) of a reply and the case dossier (.zip) for clerks."""

from __future__ import annotations

import io
import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from proposals import access as proposal_access

from ..dossier import DossierUnavailable, dossier_for
from ..models import RecordCopy, ReplyDownload
from ..record_verify import verify_record_copy
from ._access import get_reply
from ._render import file_name

logger = logging.getLogger(__name__)


def record_copy_context(user, reply) -> dict:
    """The reply page's 存档件 card: state, reason, and for a ready copy the same
    verification as ``manage.py verify_reply``."""
    if not reply.is_frozen:
        return {}
    copy = RecordCopy.objects.filter(reply=reply).select_related("certificate__ca").first()
    check = _cached_check(copy) if copy and copy.state == RecordCopy.State.READY else None
    return {
        "record_copy": copy,
        "record_check": check,
        "can_archive": proposal_access.can_manage_proposal(user, reply.proposal),
    }


def _cached_check(copy: RecordCopy) -> dict:
    """The verification takes a few tenths of a second (pyHanko, a fresh CRL): kept for ten
    minutes, keyed by what can change its answer (the file, a revocation)."""
    cert = copy.certificate
    crl_number = cert.ca.crl_number if cert.ca_id else 0
    key = f"replies:record-check:{copy.pk}:{copy.sha256}:{cert.revoked_at}:{crl_number}"
    check = cache.get(key)
    if check is None:
        result = verify_record_copy(copy)
        check = {"valid": result.valid, "reason": result.reason}
        cache.set(key, check, 600)
    return check


def _ready_copy(reply) -> RecordCopy:
    copy = RecordCopy.objects.filter(reply=reply, state=RecordCopy.State.READY).first()
    if copy is None:
        raise Http404
    return copy


@login_required
@require_GET
def reply_record_pdf(request: HttpRequest, pk: int) -> FileResponse:
    reply = get_reply(request, pk)
    copy = _ready_copy(reply)
    ReplyDownload.objects.create(reply=reply, user=request.user)
    logger.info("record copy of reply %s downloaded by user %s", reply.pk, request.user.pk)
    name = file_name(reply).rsplit(".", 1)[0] + ".pdf"
    return FileResponse(copy.file.open("rb"), as_attachment=True, filename=name,
                        content_type="application/pdf")


@login_required
@require_GET
def reply_dossier_zip(request: HttpRequest, pk: int) -> FileResponse:
    """For the committee's clerks: everything an archive needs about this reply."""
    reply = get_reply(request, pk)
    if not proposal_access.can_manage_proposal(request.user, reply.proposal):
        raise PermissionDenied
    try:
        dossier = dossier_for(reply)
    except DossierUnavailable as exc:
        raise Http404(str(exc)) from exc
    ReplyDownload.objects.create(reply=reply, user=request.user)
    return FileResponse(io.BytesIO(dossier.zip_bytes()), as_attachment=True,
                        filename=f"{dossier.number}.zip", content_type="application/zip")
