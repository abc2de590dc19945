"""Sign-off (签发): number, render, freeze and sign a reply in one transaction; then send."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proposals.access import is_signer
from proposals.selectors import awaits_leader_note

from .. import signing
from ..models import DocumentCounter, Feedback, Reply
from ..spec_builder import build_spec, letter_settings_of, local_seal
from ._common import DraftingCheckError, move, save_as
from .checks import answer_classes, errors_of, reply_check
from .countersign import countersign_check
from .lifecycle import reply_delivered
from .publication import publication_replaced
from .record_copy import record_copy_schedule

logger = logging.getLogger(__name__)


# Said by the refused sign-off and, before it, on the signer's page.
LEADER_NOTE_MISSING = gettext_lazy(
    "%(p)s是重点提案，本届次规定须先录入领衔督办领导（%(leader)s）的批示才能签发答复函。"
    "请联系提案委员会交办员在督办记录中录入领导批示后再签发。"
)


def leader_note_refusal(proposal) -> str:
    """Why a reply to `proposal` may not be signed off yet for want of its 领衔督办
    leader's note (proposals.selectors.awaits_leader_note), or "" when nothing is missing."""
    if not awaits_leader_note(proposal):
        return ""
    leader = proposal.supervising_leader
    if proposal.supervising_leader_title:
        leader = f"{proposal.supervising_leader_title}{leader}"
    return str(LEADER_NOTE_MISSING) % {"p": proposal.display_number, "leader": leader}


def _signer_name(user) -> str:
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def _take_number(*, unit_id: int, year: int) -> DocumentCounter:
    """Lock the unit's counter row for the year, creating it first if needed. The INSERT
    ... ON CONFLICT DO NOTHING lets concurrent first sign-offs of a year both proceed to
    the lock instead of one failing on the unique constraint."""
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(unit_id=unit_id, year=year, last_seq=0)], ignore_conflicts=True
    )
    return DocumentCounter.objects.select_for_update().get(unit_id=unit_id, year=year)


@transaction.atomic
def reply_sign_off(
    *,
    reply: Reply,
    actor,
    signed_on: dt.date | None = None,
    feedback_url_for: Callable[[str], str] | None = None,
) -> Reply:
    """待审核 → 已签发: the next document number of the unit for the year, the rendered
    .docx stored with its SHA-256, and the unit's Ed25519 signature over it.

    Everything happens in this one transaction, so a failure anywhere (checks, rendering,
    storage, signing) gives the number back: numbers stay consecutive and are never
    reused. ``feedback_url_for(token)``, if given, makes a feedback link whose URL the
    letter carries as a QR code.
    """
    reply = Reply.objects.select_for_update(of=("self",)).select_related(
        "unit", "proposal__session"
    ).get(pk=reply.pk)
    if reply.state != Reply.State.IN_REVIEW:
        move(reply, Reply.State.SIGNED)  # raises the standard transition message
    if not is_signer(actor, reply.unit_id):
        raise PermissionDenied(_("只有本单位的签发人才能签发答复。"))
    countersign_check(reply)
    if refusal := leader_note_refusal(reply.proposal):
        raise ValidationError(refusal, code="leader_note")

    signed_on = signed_on or timezone.localdate()
    counter = _take_number(unit_id=reply.unit_id, year=signed_on.year)
    key = signing.active_key_for(reply.unit, create=True)

    reply.doc_year = signed_on.year
    reply.doc_seq = counter.last_seq + 1
    reply.signed_on = signed_on
    reply.signer = actor
    reply.signer_name = reply.signer_name or _signer_name(actor)

    feedback_url = None
    if feedback_url_for is not None:
        from .feedback import feedback_link_create

        _link, token = feedback_link_create(reply=reply, actor=actor)
        feedback_url = feedback_url_for(token)

    from ..letter import render_letter

    stored_name = None
    try:
        with local_seal(letter_settings_of(reply)) as seal:
            spec = build_spec(reply, seal=seal, feedback_url=feedback_url)
            findings = reply_check(reply, spec=spec)
            if errors_of(findings):
                raise DraftingCheckError(findings)
            data = render_letter(spec, categories=answer_classes(reply))
        sha256 = hashlib.sha256(data).hexdigest()
        record = signing.signature_record(
            unit_id=reply.unit_id,
            unit_name=reply.unit.name,
            doc_number=reply.doc_number,
            doc_year=reply.doc_year,
            doc_seq=reply.doc_seq,
            signed_on=signed_on.isoformat(),
            sha256=sha256,
            key_fingerprint=key.fingerprint,
        )
        payload = signing.canonical(record)
        reply.signature = signing.sign(key, payload)
        reply.signature_payload = payload.decode()
        reply.signing_key = key
        reply.sha256 = sha256
        spec.pop("seal", None)  # a temporary path; the seal image is in the file itself
        # The feedback token is stored only hashed; keep it out of the database copy.
        spec.pop("feedback_url", None)
        reply.signed_spec = spec
        reply.signed_file.save(
            f"{reply.doc_year}-{reply.doc_seq:05d}-{sha256[:12]}.docx",
            ContentFile(data),
            save=False,
        )
        stored_name = reply.signed_file.name
        counter.last_seq = reply.doc_seq
        counter.save(update_fields=["last_seq"])
        move(reply, Reply.State.SIGNED)
        reply.signed_at = timezone.now()
        reply.version += 1
        save_as(reply, actor)
        record_copy_schedule(reply=reply)
        if reply.supersedes_id:
            publication_replaced(correction=reply)
    except BaseException:
        if stored_name:
            try:
                reply.signed_file.storage.delete(stored_name)
            except Exception:  # the original error matters more than the orphan file
                logger.exception("could not delete %s after a failed sign-off", stored_name)
        raise
    return reply


@transaction.atomic
def reply_mark_sent(*, reply: Reply, actor=None, sent_at: dt.datetime | None = None) -> Reply:
    """已签发 → 已发送, with the date. If the proposer has not answered through the link
    yet, this delivers the reply (see lifecycle.reply_delivered: the assignment is
    complete, and the proposal 已答复 once every answering unit has answered); if they
    have, the reply was delivered then, and only the sending is recorded."""
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    move(reply, Reply.State.SENT)
    reply.sent_at = sent_at or timezone.now()
    reply._history_user = actor
    reply.save()  # only state and sent_at change: the frozen check in save() allows them
    if not Feedback.objects.filter(reply=reply).exists():
        reply_delivered(reply=reply, actor=actor)
    if reply.disclosure == Reply.Disclosure.PUBLIC:
        from .publication import publication_ensure

        publication_ensure(reply=reply)  # 待发布, due 20 working days from now
    return reply
