"""会签: the co-handling units whose sections a reply uses confirm its final text.

Submitting a draft for review asks each such unit (in the same transaction); the unit
confirms, or returns the draft to the lead with a reason; a unit that does not answer
within the session's working days counts as consenting (the daily scan records it as
逾期视为同意). The signer cannot sign while a request is open (``countersign_check``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.access import is_member_of
from proposals.dates import MissingHolidayData, WorkingCalendar
from proposals.models import Assignment, Notice, Unit
from proposals.notices import notice_create

from ..models import Countersign, Reply
from ._common import move, save_as

logger = logging.getLogger(__name__)

S = Countersign.State
# The one table of allowed moves of a 会签 request.
ALLOWED: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.CONFIRMED, S.RETURNED, S.LAPSED, S.WITHDRAWN}),
    S.CONFIRMED: frozenset(),
    S.RETURNED: frozenset(),
    S.LAPSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def _move(countersign: Countersign, target: str) -> None:
    if target not in ALLOWED[countersign.state]:
        raise ValidationError(
            _("%(unit)s的会签已是「%(current)s」，不能再改为「%(target)s」。")
            % {"unit": _unit_name(countersign.unit), "current": S(countersign.state).label,
               "target": S(target).label},
            code="invalid_transition",
        )
    countersign.state = target


def _unit_name(unit: Unit) -> str:
    return unit.short_name or unit.name


def units_to_countersign(reply: Reply) -> list[Assignment]:
    """The co-handling assignments (not withdrawn) whose unit's section the reply uses:
    a paragraph or heading taken from that unit's section. One per unit, in unit order."""
    used = (
        reply.paragraphs.filter(
            source_section__assignment__role=Assignment.Role.CO,
            source_section__assignment__proposal_id=reply.proposal_id,
        )
        .exclude(source_unit_id=reply.unit_id)
        .values("source_section__assignment_id")
    )
    return list(
        Assignment.objects.filter(pk__in=used)
        .exclude(state=Assignment.State.WITHDRAWN)
        .select_related("unit")
        .order_by("unit__name", "pk")
    )


def _due_on(session, requested_on: dt.date, calendar: WorkingCalendar | None = None):
    try:
        return (calendar or WorkingCalendar()).add_working_days(
            requested_on, session.countersign_working_days
        )
    except MissingHolidayData as exc:
        # Never guess working days: the scan sets the date once the year is loaded.
        logger.warning("countersign due date unknown: %s", exc)
        return None


def countersigns_request(*, reply: Reply, actor=None, today: dt.date | None = None
                         ) -> list[Countersign]:
    """Ask each co unit whose section the reply uses (called when the draft is submitted,
    inside that transaction). Nothing when the session does not require 会签."""
    countersigns_withdraw(reply=reply, actor=actor)
    session = reply.proposal.session
    if not session.countersign_required:
        return []
    today = today or timezone.localdate()
    due_on = _due_on(session, today)
    last = reply.countersigns.order_by("-round").values_list("round", flat=True).first()
    created = []
    for assignment in units_to_countersign(reply):
        countersign = Countersign(
            reply=reply, unit=assignment.unit, assignment=assignment, requested_on=today,
            due_on=due_on, requested_by=actor, round=(last or 0) + 1,
        )
        save_as(countersign, actor)
        created.append(countersign)
        due = _("，请于%(due)s前处理（逾期视为同意）") % {"due": _day(due_on)} if due_on else ""
        notice_create(
            unit=assignment.unit, assignment=assignment,
            kind=Notice.Kind.COUNTERSIGN_REQUESTED,
            message=_("%(lead)s对第%(number)s号提案《%(title)s》的答复采用了本单位的协办意见，"
                      "送请会签%(due)s。")
            % {"lead": _unit_name(reply.unit), "number": reply.proposal.number,
               "title": reply.proposal.title, "due": due},
        )
    return created


def countersigns_withdraw(*, reply: Reply | None = None, assignment=None, actor=None) -> int:
    """Requests not answered yet are withdrawn (kept): of the reply whose draft went back to
    the lead, or of a co unit's assignment that was withdrawn (no unit is left to answer)."""
    now = timezone.now()
    count = 0
    of = {"reply": reply} if reply is not None else {"assignment": assignment}
    for countersign in Countersign.objects.select_for_update().filter(**of, state=S.PENDING):
        _move(countersign, S.WITHDRAWN)
        countersign.decided_at = now
        countersign.decided_on = timezone.localdate()
        save_as(countersign, actor)
        count += 1
    return count


def _day(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _lock(countersign: Countersign, actor) -> Countersign:
    countersign = Countersign.objects.select_for_update(of=("self",)).select_related(
        "unit", "reply__proposal", "reply__unit"
    ).get(pk=countersign.pk)
    if not is_member_of(actor, countersign.unit_id):
        raise PermissionDenied(_("只有会签单位的工作人员才能处理会签。"))
    return countersign


def _decide(countersign: Countersign, target: str, actor, now=None) -> None:
    _move(countersign, target)
    countersign.decided_at = now or timezone.now()
    countersign.decided_on = timezone.localdate(countersign.decided_at)
    countersign.decided_by = actor
    save_as(countersign, actor)


def _tell_lead(countersign: Countersign, kind: str, message: str) -> None:
    reply = countersign.reply
    notice_create(unit=reply.unit, assignment=reply.assignment, kind=kind, message=message)


def _what(countersign: Countersign) -> str:
    proposal = countersign.reply.proposal
    return _("第%(number)s号提案《%(title)s》的答复") % {
        "number": proposal.number, "title": proposal.title}


def _all_done_note(reply: Reply) -> str:
    if Countersign.objects.filter(reply=reply, state=S.PENDING).exists():
        return ""
    return _("各协办单位均已会签，可以签发。")


@transaction.atomic
def countersign_confirm(*, countersign: Countersign, actor) -> Countersign:
    """The co unit agrees with the final text."""
    countersign = _lock(countersign, actor)
    _decide(countersign, S.CONFIRMED, actor)
    _tell_lead(
        countersign, Notice.Kind.COUNTERSIGN_CONFIRMED,
        _("%(unit)s已会签%(what)s。") % {
            "unit": _unit_name(countersign.unit), "what": _what(countersign)}
        + _all_done_note(countersign.reply),
    )
    return countersign


@transaction.atomic
def countersign_return(*, countersign: Countersign, reason: str, actor) -> Countersign:
    """The co unit does not agree: the draft goes back to the lead (待审核 → 草稿) with the
    reason; the other units' open requests are withdrawn (the next submission asks again)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回会签时必须填写理由，说明哪里需要修改。")},
                              code="required")
    # The reply first, then the request: the order of reply_return (the signer's), which
    # withdraws the requests under the reply's lock; the other order could deadlock.
    reply = Reply.objects.select_for_update().get(pk=countersign.reply_id)
    countersign = _lock(countersign, actor)
    if not countersign.is_pending:
        _move(countersign, S.RETURNED)  # raises the standard message
    countersign.reason = reason
    _decide(countersign, S.RETURNED, actor)
    move(reply, Reply.State.DRAFT)
    reply.version += 1
    save_as(reply, actor)
    countersigns_withdraw(reply=reply, actor=actor)
    _tell_lead(
        countersign, Notice.Kind.COUNTERSIGN_RETURNED,
        _("%(unit)s退回了%(what)s，未会签。理由：") % {
            "unit": _unit_name(countersign.unit), "what": _what(countersign)}
        + reason[:300],
    )
    return countersign


def countersign_check(reply: Reply) -> None:
    """Refuse (ValidationError) while a co unit holds a 会签 of the reply."""
    holding = list(
        Countersign.objects.filter(reply=reply, state=S.PENDING)
        .select_related("unit").order_by("unit__name")
    )
    if holding:
        raise ValidationError(
            _("%(units)s尚未会签（协办未会签），不能签发。请待其会签，或待会签期限届满后视为同意再签发。")
            % {"units": "、".join(_unit_name(c.unit) for c in holding)},
            code="countersign_open",
        )


def countersigns_lapse_due(*, today: dt.date, warnings: list[str] | None = None) -> int:
    """The daily scan: each request still open after its last working day counts as
    consent (逾期视为同意), recorded with the day. Safe to run twice: only open requests
    move, each under its row lock."""
    calendar = WorkingCalendar()
    lapsed = 0
    undated = Countersign.objects.pending().filter(due_on__isnull=True).select_related(
        "reply__proposal__session"
    )
    for countersign in undated:
        due_on = _due_on(countersign.reply.proposal.session, countersign.requested_on, calendar)
        if due_on is None:
            message = _("有会签请求的期限因缺少节假日数据尚未确定（%(on)s送会签）。") % {
                "on": countersign.requested_on.isoformat()}
            if warnings is not None and message not in warnings:
                warnings.append(message)
            continue
        Countersign.objects.filter(pk=countersign.pk, due_on__isnull=True).update(due_on=due_on)
    due = Countersign.objects.pending().filter(due_on__lt=today).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            countersign = (
                Countersign.objects.select_for_update(of=("self",))
                .select_related("unit", "reply__proposal", "reply__unit", "reply__assignment")
                .filter(pk=pk, state=S.PENDING).first()
            )
            if countersign is None:
                continue  # answered, or lapsed by an overlapping scan
            _move(countersign, S.LAPSED)
            countersign.decided_at = timezone.now()
            countersign.decided_on = today
            countersign.decided_by = None
            save_as(countersign, None)
            _tell_lead(
                countersign, Notice.Kind.COUNTERSIGN_LAPSED,
                _("%(unit)s未在期限（%(due)s）内会签%(what)s，视为同意。") % {
                    "unit": _unit_name(countersign.unit), "due": _day(countersign.due_on),
                    "what": _what(countersign)}
                + _all_done_note(countersign.reply),
            )
            lapsed += 1
    return lapsed


def countersign_rounds(reply: Reply) -> list[list[Countersign]]:
    """The reply's requests by submission, latest first."""
    rounds: dict[int, list[Countersign]] = {}
    for c in reply.countersigns.select_related("unit", "decided_by").order_by(
        "-round", "unit__name"
    ):
        rounds.setdefault(c.round, []).append(c)
    return list(rounds.values())


def countersign_returns(reply: Reply) -> list[Countersign]:
    """The returns of the latest submission, while the draft is back with the lead: what
    the co units asked to change (shown on the reply page and the compose page)."""
    if reply.state != Reply.State.DRAFT:
        return []
    rounds = countersign_rounds(reply)
    return [c for c in rounds[0] if c.state == S.RETURNED] if rounds else []
