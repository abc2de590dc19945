"""公开答复: a reply in force marked 此件公开发布 gets a publication (待发布) once it is sent
to the proposer, due 20 working days later; the committee clerk confirms it (已发布) with
the personal data removed, or withdraws it (撤回) with a reason.

The signed original is never changed: the public version is computed from its
`signed_spec` (the generator's input at signing) and stored beside it.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.access import manages_committee
from proposals.dates import MissingHolidayData, WorkingCalendar
from proposals.models import CommitteeRole, Notice
from proposals.notices import queue_notice_emails
from proposals.transitions import TransitionError

from ..models import (
    PUBLISH_WITHIN_WORKING_DAYS,
    Disclosure,
    Publication,
    PublicationMode,
    PublicationState,
    Reply,
)
from ..redaction import Known, Redacted, redact
from ..spec_builder import heading_number

logger = logging.getLogger(__name__)

P = PublicationState
# The one table of allowed moves of a publication.
ALLOWED: dict[str, frozenset[str]] = {
    P.PENDING: frozenset({P.PUBLISHED}),
    P.PUBLISHED: frozenset({P.WITHDRAWN}),
    P.WITHDRAWN: frozenset({P.PUBLISHED}),  # corrected and published again
}
PUBLIC_NOTE = "此件公开发布。本件为公开版，已删除联系方式等个人信息和不宜公开的内容"
SUMMARY_INTRO = "（摘要公开）"


def _move(publication: Publication, target: str) -> None:
    if target not in ALLOWED[publication.state]:
        raise TransitionError(
            _("公开答复的状态不能从「%(current)s」变为「%(target)s」。")
            % {"current": P(publication.state).label, "target": P(target).label},
            code="invalid_transition",
        )
    publication.state = target


# --- Which replies are published, and when.


def publishable_replies():
    """Replies the public site may carry: in force, sent, marked 此件公开发布."""
    return Reply.objects.in_force().filter(
        state=Reply.State.SENT, disclosure=Disclosure.PUBLIC, sent_at__isnull=False
    )


def publication_due_on(reply: Reply, calendar: WorkingCalendar | None = None) -> dt.date | None:
    """20 working days after the reply was sent to the proposer (None without holiday data
    for the year, or before it is sent). `calendar` is shared by a loop over many replies,
    which then reads each year's holidays once."""
    if reply.sent_at is None:
        return None
    try:
        return (calendar or WorkingCalendar()).add_working_days(
            timezone.localdate(reply.sent_at), PUBLISH_WITHIN_WORKING_DAYS
        )
    except MissingHolidayData:
        return None


def publication_ensure(*, reply: Reply) -> Publication | None:
    """The reply's publication, created (待发布) when the reply is publishable."""
    existing = Publication.objects.filter(reply=reply).first()
    if existing is not None:
        if existing.due_on is None and reply.sent_at is not None:
            existing.due_on = publication_due_on(reply)
            if existing.due_on is not None:
                existing.save(update_fields=["due_on", "updated_at"])
        return existing
    if not publishable_replies().filter(pk=reply.pk).exists():
        return None
    return Publication.objects.create(reply=reply, due_on=publication_due_on(reply))


def publications_ensure_all(
    *, today: dt.date | None = None, warnings: list[str] | None = None
) -> int:
    """The daily catch-up: a pending publication for every publishable reply without one
    (a reply sent before this feature, or through a path that did not create it), and the
    due date of those pending without one (sent when the next year's holidays were not
    loaded yet: set once they are). One calendar for the whole run."""
    calendar = WorkingCalendar()
    missing = publishable_replies().exclude(
        Exists(Publication.objects.filter(reply=OuterRef("pk")))
    )
    created = 0
    for reply in missing.only("pk", "sent_at").iterator(chunk_size=500):
        Publication.objects.create(reply=reply, due_on=publication_due_on(reply, calendar))
        created += 1
    undated = Publication.objects.filter(
        state=Publication.State.PENDING, due_on__isnull=True, reply__sent_at__isnull=False
    ).select_related("reply")
    for publication in undated.iterator(chunk_size=500):
        publication.due_on = publication_due_on(publication.reply, calendar)
        if publication.due_on is not None:
            publication.save(update_fields=["due_on", "updated_at"])
    return created


# --- What is removed.


def known_of(reply: Reply, marks: list[str] | tuple[str, ...] = ()) -> Known:
    """The reply's own personal data (联系人, 联系电话) and its proposers' contact details."""
    proposal = reply.proposal
    proposers = [p for p in [proposal.lead_proposer, *proposal.co_signers.all()] if p]
    phones = [reply.contact_phone, *(p.phone for p in proposers)]
    return Known(
        contact_names=tuple(n for n in [reply.contact_name] if n),
        phones=tuple(p for p in phones if p),
        emails=tuple(p.email for p in proposers if p.email),
        addresses=tuple(p.address for p in proposers if p.address),
        phrases=tuple(m for m in marks if m.strip()),
    )


def _spec_strings(spec: dict[str, Any], change) -> dict[str, Any]:
    """The spec with `change` applied to every text a reader sees."""
    out = copy.deepcopy(spec)
    for key in ("title", "addressee"):
        if out.get(key):
            out[key] = change(out[key])
    for key in ("intro", "closing"):
        if key in out:
            out[key] = [change(p) for p in out[key]]

    def sections(items):
        for s in items:
            s["heading"] = change(s["heading"])
            s["paragraphs"] = [change(p) for p in s["paragraphs"]]
            sections(s.get("sections", []))

    sections(out.get("sections", []))
    return out


def letter_lines(spec: dict[str, Any]) -> list[str]:
    """The letter as lines of text, headings numbered as printed (一、 （一） 1. （1））."""
    lines = [f"{spec.get('addressee', '')}：", *spec.get("intro", [])]

    def walk(items, level):
        for n, s in enumerate(items, start=1):
            lines.append(heading_number(level, n) + s["heading"])
            lines.extend(s["paragraphs"])
            walk(s.get("sections", []), level + 1)

    walk(spec.get("sections", []), 1)
    lines.extend(spec.get("closing", []))
    return lines


@dataclass
class Preview:
    """What the clerk sees before confirming: the original and the public version."""

    title: Redacted
    lines: list[Redacted]
    summary: Redacted | None
    mode: str

    @property
    def removed(self) -> int:
        parts = [self.title, *self.lines, *([self.summary] if self.summary else [])]
        return sum(len(p.removals) for p in parts)

    @property
    def public_text(self) -> str:
        if self.mode == PublicationMode.SUMMARY and self.summary is not None:
            return self.summary.text
        return "\n".join(r.text for r in self.lines)


def publication_preview(
    *, reply: Reply, mode: str = PublicationMode.FULL, summary: str = "", marks: list[str] = ()
) -> Preview:
    known = known_of(reply, marks)
    spec = reply.signed_spec or {}
    return Preview(
        title=redact(spec.get("title", reply.title), known),
        lines=[redact(line, known) for line in letter_lines(spec)],
        summary=redact(summary.strip(), known) if summary.strip() else None,
        mode=mode,
    )


def public_spec(reply: Reply, *, known: Known, mode: str, summary: str) -> dict[str, Any]:
    """The generator's input for the public version: the signed spec with every text
    redacted, no 联系人/联系电话, no seal (the public version is not the stamped original:
    a seal image on altered text would pass it off as one), and a 附注 that says what it is.
    In 摘要公开 the body is the redacted summary."""
    spec = _spec_strings(reply.signed_spec or {}, lambda t: redact(t, known).text)
    for key in ("contact", "seal", "feedback_url"):
        spec.pop(key, None)
    spec["disclosure"] = PUBLIC_NOTE
    if mode == PublicationMode.SUMMARY:
        lines = [p for p in redact(summary, known).text.splitlines() if p.strip()]
        spec["intro"] = [SUMMARY_INTRO, *lines]
        spec["sections"] = []
        spec.pop("closing", None)
    return spec


# --- The clerk's moves.


def public_cache_version_key(committee_id: int | None) -> str:
    return f"gongkai:version:{committee_id or 'all'}"


def public_cache_version(committee_id: int | None) -> int:
    """The version the public pages of a committee (None: the index) are cached under."""
    key = public_cache_version_key(committee_id)
    version = cache.get(key)
    if version is None:  # evicted or never set: a new one, so no old page is reused
        cache.add(key, time.time_ns(), None)
        version = cache.get(key) or 0
    return version


def _bump_public_cache(committee_id: int) -> None:
    for key in (public_cache_version_key(committee_id), public_cache_version_key(None)):
        cache.set(key, time.time_ns(), None)


def _bump_now_and_on_commit(committee_id: int) -> None:
    """Now (this transaction's own later reads) and after commit (a page another request
    cached meanwhile from the old rows is dropped too)."""
    _bump_public_cache(committee_id)
    transaction.on_commit(lambda: _bump_public_cache(committee_id))


def _check_clerk(actor, publication: Publication) -> None:
    committee_id = publication.reply.unit.committee_id
    if not manages_committee(actor, committee_id):
        raise PermissionDenied(_("只有本政协提案委的交办员才能发布公开答复。"))


@transaction.atomic
def publication_publish(
    *, publication: Publication, actor, mode: str, summary: str = "", marks: str = ""
) -> Publication:
    """Confirm: compute and store the public title, text and .docx, and publish. One
    transaction; a failure leaves the publication as it was and no file behind."""
    publication = (
        Publication.objects.select_for_update(of=("self",))
        .select_related("reply__unit", "reply__proposal__lead_proposer")
        .get(pk=publication.pk)
    )
    _check_clerk(actor, publication)
    reply = publication.reply
    if not publishable_replies().filter(pk=reply.pk).exists():
        raise ValidationError(
            _("该答复不是现行有效的公开答复（可能已被更正或不属公开发布），不能发布。"))
    summary = (summary or "").strip()
    if mode not in PublicationMode.values:
        raise ValidationError({"mode": _("请选择公开方式：全文公开或摘要公开。")})
    if mode == PublicationMode.SUMMARY and not summary:
        raise ValidationError({"summary": _("摘要公开须填写答复摘要。")})
    _move(publication, P.PUBLISHED)
    mark_lines = [line.strip() for line in (marks or "").splitlines() if line.strip()]
    known = known_of(reply, mark_lines)
    preview = publication_preview(reply=reply, mode=mode, summary=summary, marks=mark_lines)

    from ..letter import render_letter

    spec = public_spec(reply, known=known, mode=mode, summary=summary)
    data = render_letter(spec, categories=_categories(reply))
    sha = hashlib.sha256(data).hexdigest()
    old_file = publication.public_file.name
    publication.mode = mode
    publication.summary = summary
    publication.marks = "\n".join(mark_lines)
    publication.title = preview.title.text
    publication.text = preview.public_text
    publication.public_sha256 = sha
    publication.published_at = timezone.now()
    publication.published_by = actor
    publication.withdrawn_at = None
    publication.withdrawn_by = None
    publication.withdraw_reason = ""
    stored = None
    try:
        publication.public_file.save(
            f"{reply.doc_year}-{reply.doc_seq or 0:05d}-public-{sha[:12]}.docx",
            ContentFile(data), save=False,
        )
        stored = publication.public_file.name
        publication._history_user = actor
        publication.full_clean(exclude=["reply"])
        publication.save()
    except BaseException:
        if stored:
            _delete_quietly(publication.public_file.storage, stored)
        raise
    if old_file and old_file != stored:
        storage = publication.public_file.storage
        transaction.on_commit(lambda: _delete_quietly(storage, old_file))
    committee_id = reply.unit.committee_id
    _bump_now_and_on_commit(committee_id)
    return publication


def _categories(reply: Reply) -> list[str]:
    from .checks import answer_classes

    return answer_classes(reply)


def _delete_quietly(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # the stored row matters more than an orphan file
        logger.exception("could not delete %s", name)


@transaction.atomic
def publication_withdraw(*, publication: Publication, actor, reason: str) -> Publication:
    """Take a published reply off the public site, with the reason (kept in history)."""
    publication = Publication.objects.select_for_update(of=("self",)).select_related(
        "reply__unit").get(pk=publication.pk)
    _check_clerk(actor, publication)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("撤回公开答复须填写理由。")})
    _move(publication, P.WITHDRAWN)
    publication.withdraw_reason = reason[:1000]
    publication.withdrawn_at = timezone.now()
    publication.withdrawn_by = actor
    publication._history_user = actor
    publication.full_clean(exclude=["reply"])
    publication.save()
    committee_id = publication.reply.unit.committee_id
    _bump_now_and_on_commit(committee_id)
    return publication


# --- A correction replaces a published reply.


def publication_replaced(*, correction: Reply) -> Publication | None:
    """In the sign-off of a correction: the reply it replaces is no longer in force, so its
    public version leaves the public site now (the pages are cached: bump them) and the
    committee's clerks are told (站内通知 to each), since the correction is published on
    its own, once it is sent. Returns the old publication, None when it was not public."""
    if not correction.supersedes_id:
        return None
    publication = (
        Publication.objects.select_related("reply__unit", "reply__proposal")
        .filter(reply_id=correction.supersedes_id, state=P.PUBLISHED).first()
    )
    if publication is None:
        return None
    old = publication.reply
    _bump_now_and_on_commit(old.unit.committee_id)
    message = _("第%(number)s号提案《%(title)s》的答复%(old)s已由更正答复%(new)s取代，"
                "原答复的公开版本已从公开网站撤下；更正答复发送后，请在“公开答复”中重新发布。") % {
        "number": old.proposal.number, "title": old.proposal.title,
        "old": old.doc_number, "new": correction.doc_number}
    _tell_clerks(old, Notice.Kind.PUBLICATION_REPLACED, message)
    queue_notice_emails()
    return publication


def _tell_clerks(reply: Reply, kind: str, message: str) -> None:
    """A notice to each clerk of the reply's committee (站内通知 addressed to the person)."""
    clerks = CommitteeRole.objects.filter(
        committee_id=reply.unit.committee_id, role=CommitteeRole.Role.CLERK
    ).values_list("user_id", flat=True)
    for user_id in clerks:
        Notice.objects.create(
            unit=reply.unit, assignment_id=reply.assignment_id, recipient_id=user_id,
            kind=kind, message=message[:500],
        )


# --- Overdue.


def public_publications():
    """What the public site shows: published, of a reply still publishable. Nothing else
    of a reply (pending, withdrawn, not for publication, replaced) is ever shown."""
    return Publication.objects.filter(state=P.PUBLISHED, reply__in=publishable_replies())


def overdue_publications(today: dt.date):
    """待发布 past its due date, of a reply still publishable: the one definition of 逾期
    for the clerk's list, the dashboard and the daily notice."""
    return Publication.objects.filter(
        state=P.PENDING, due_on__lt=today, reply__in=publishable_replies()
    )


def publications_notify_overdue(*, today: dt.date, warnings: list[str] | None = None) -> int:
    """The daily scan: tell the committee's clerks, once per reply, that its publication is
    overdue (站内通知 addressed to each clerk). Safe to run twice: the stamp
    `overdue_noticed_on` is set in the same transaction as the notices."""
    publications_ensure_all(today=today, warnings=warnings)
    sent = 0
    ids = list(overdue_publications(today).filter(overdue_noticed_on__isnull=True)
               .values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            publication = (
                Publication.objects.select_for_update(of=("self",))
                .select_related("reply__unit", "reply__proposal", "reply__assignment")
                .filter(pk=pk, overdue_noticed_on__isnull=True).first()
            )
            if publication is None:
                continue
            reply = publication.reply
            message = _("第%(number)s号提案《%(title)s》的答复（%(unit)s）应于%(due)s前公开发布，"
                        "已逾期。") % {
                "number": reply.proposal.number, "title": reply.proposal.title,
                "unit": reply.unit.name, "due": f"{publication.due_on:%Y年%m月%d日}"}
            _tell_clerks(reply, Notice.Kind.PUBLICATION_OVERDUE, message)
            publication.overdue_noticed_on = today
            publication.save(update_fields=["overdue_noticed_on", "updated_at"])
            sent += 1
    if sent:
        queue_notice_emails()
    return sent
