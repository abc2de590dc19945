"""Notices to units: creating them, reading them (the bell) and e-mailing them.

E-mail never goes out inline: whoever creates notices queues `proposals.notices_email`
through the outbox, and that task sends one digest per unit to the unit's handlers.
"""

import datetime as dt

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.outbox import enqueue

from . import access
from .models import Assignment, Membership, Notice, NoticeCursor, Task, Unit

EMAIL_TASK = "proposals.notices_email"


def deadline_text(
    *, milestone: str, due_on: dt.date, number: int, title: str, is_co: bool
) -> str:
    what = (
        _("第%(number)s号提案《%(title)s》的协办意见")
        if is_co
        else _("第%(number)s号提案《%(title)s》")
    ) % {"number": number, "title": title}
    due = f"{due_on.year}年{due_on.month}月{due_on.day}日"
    if milestone == "overdue":
        return _("%(what)s已超过办理期限（%(due)s），请尽快办理。") % {"what": what, "due": due}
    if milestone == "due_today":
        return _("%(what)s今天（%(due)s）到期。") % {"what": what, "due": due}
    days = milestone.removeprefix("due_in_")
    return _("%(what)s将于%(due)s到期，还有%(days)s个工作日。") % {
        "what": what, "due": due, "days": days}


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _task_about(task: Task) -> str:
    proposal = task.assignment.proposal
    return _("第%(number)s号提案《%(title)s》的任务“%(task)s”") % {
        "number": proposal.number, "title": proposal.title, "task": task.title}


def task_deadline_text(*, task: Task, milestone: str, due_on: dt.date) -> str:
    what, due = _task_about(task), _day(due_on)
    if milestone == "overdue":
        return _("%(what)s已过期（期限%(due)s），请尽快办理。") % {"what": what, "due": due}
    if milestone == "due_today":
        return _("%(what)s今天（%(due)s）到期。") % {"what": what, "due": due}
    days = milestone.removeprefix("due_in_")
    return _("%(what)s将于%(due)s到期，还有%(days)s个工作日。") % {
        "what": what, "due": due, "days": days}


def notices_visible_to(user) -> QuerySet[Notice]:
    """A person sees their units' notices, except those meant for one colleague (a task's
    hand-over and reminders), which only that colleague sees; and those addressed to them."""
    if not user.is_authenticated:
        return Notice.objects.none()
    # A notice addressed to one person reaches them wherever they work: a committee clerk
    # (no unit) is told about a unit's reply, e.g. a publication overdue.
    return Notice.objects.filter(
        Q(recipient__isnull=True, unit__in=access.unit_ids_of(user)) | Q(recipient=user)
    ).select_related("unit", "assignment__proposal", "task__assignment__proposal")


def unread_notice_count(user) -> int:
    cursor = NoticeCursor.objects.filter(user=user).values_list("last_seen_id", flat=True)
    last_seen = next(iter(cursor), 0)
    return notices_visible_to(user).filter(pk__gt=last_seen).count()


def notices_mark_seen(*, user, up_to_id: int) -> None:
    """Everything up to `up_to_id` is read; the cursor never moves back."""
    cursor, _created = NoticeCursor.objects.get_or_create(user=user)
    if up_to_id > cursor.last_seen_id:
        NoticeCursor.objects.filter(pk=cursor.pk, last_seen_id__lt=up_to_id).update(
            last_seen_id=up_to_id
        )


def queue_notice_emails() -> None:
    """Ask the worker (after commit, through the outbox) to e-mail unsent notices."""
    enqueue(EMAIL_TASK)


@transaction.atomic
def notice_create(
    *, unit: Unit, kind: str, message: str, assignment: Assignment | None = None
) -> Notice:
    notice = Notice(unit=unit, kind=kind, message=message[:500], assignment=assignment)
    notice.full_clean()
    notice.save()
    queue_notice_emails()
    return notice


def notify_task_assigned(*, task: Task, actor=None, previous=None) -> Notice:
    """Tell the person who now holds `task` (same transaction as the hand-over)."""
    by = (actor.get_full_name() or actor.get_username()) if actor else _("本单位")
    if previous is None:
        text = _("%(by)s交给您%(what)s，期限%(due)s。")
    else:
        text = _("%(by)s将%(what)s转交给您，期限%(due)s。")
    text = text % {"by": by, "what": _task_about(task), "due": _day(task.due_on)}
    if task.note:
        text += _("说明：%(note)s") % {"note": task.note}
    notice = Notice(
        unit_id=task.assignment.unit_id, assignment_id=task.assignment_id, task=task,
        recipient=task.assignee, kind=Notice.Kind.TASK_ASSIGNED, message=text[:500],
    )
    notice.full_clean()
    notice.save()
    queue_notice_emails()
    return notice


def unit_handler_emails(unit_ids: list[int]) -> dict[int, list[str]]:
    rows = (
        Membership.objects.filter(unit_id__in=unit_ids, role=Membership.Role.HANDLER)
        .exclude(user__email="")
        .values_list("unit_id", "user__email")
        .order_by("unit_id", "user__email")
    )
    found: dict[int, list[str]] = {}
    for unit_id, email in rows:
        found.setdefault(unit_id, [])
        if email not in found[unit_id]:
            found[unit_id].append(email)
    return found


def notices_send_emails(*, batch_units: int = 200, now: dt.datetime | None = None) -> int:
    """Send every unit its unsent notices as one e-mail; returns the number of e-mails.

    Each unit is its own transaction with its notices locked (SKIP LOCKED), so two workers
    never send the same notice and a failure leaves the unit's notices for the retry.
    """
    sent = 0
    done_units: set[int] = set()
    while True:
        unit_ids = list(
            Notice.objects.filter(emailed_at__isnull=True)
            .exclude(unit_id__in=done_units)
            .values_list("unit_id", flat=True)
            .distinct()
            .order_by("unit_id")[:batch_units]
        )
        if not unit_ids:
            return sent
        recipients = unit_handler_emails(unit_ids)
        connection = get_connection()
        for unit_id in unit_ids:
            done_units.add(unit_id)
            sent += _send_unit(unit_id, recipients.get(unit_id, []), connection, now)


def _send_unit(unit_id: int, to: list[str], connection, now) -> int:
    with transaction.atomic():
        notices = list(
            Notice.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(unit_id=unit_id, emailed_at__isnull=True)
            .select_related("assignment__proposal", "task__assignment__proposal", "recipient")
            .order_by("pk")
        )
        if not notices:
            return 0
        count = _send_personal([n for n in notices if n.recipient_id], connection)
        notices_for_unit = [n for n in notices if not n.recipient_id]
        if to and notices_for_unit:
            unit_name = Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first()
            _send_digest(unit_name, notices_for_unit, to, connection)
            count += 1
        # A unit without a handler's address still has its notices in the bell.
        Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(
            emailed_at=now or timezone.now()
        )
        return count


def _send_digest(addressee: str, notices: list[Notice], to: list[str], connection) -> None:
    lines = [f"{i}. {notice.text}" for i, notice in enumerate(notices, 1)]
    body = "\n".join(
        [_("%(unit)s：") % {"unit": addressee}, "", *lines, "", _("请登录提案办理系统查看。")]
    )
    subject = _("提案办理提醒（%(n)d条）") % {"n": len(notices)}
    EmailMessage(subject, body, to=to, connection=connection).send()


def _send_personal(notices: list[Notice], connection) -> int:
    """A person's own notices (their tasks) go to them alone, one e-mail each person."""
    by_person: dict[int, list[Notice]] = {}
    for notice in notices:
        by_person.setdefault(notice.recipient_id, []).append(notice)
    sent = 0
    for mine in by_person.values():
        person = mine[0].recipient
        if person.email:
            name = person.get_full_name() or person.get_username()
            _send_digest(name, mine, [person.email], connection)
            sent += 1
    return sent


def _about(assignment: Assignment) -> str:
    proposal = assignment.proposal
    return _("第%(number)s号提案《%(title)s》") % {
        "number": proposal.number, "title": proposal.title}


def notify_extension_decided(*, request, assignment: Assignment) -> Notice:
    """Tell the unit how its 申请延期 was decided (same transaction as the decision)."""
    if request.state == request.State.APPROVED:
        text = _("%(what)s的延期申请已同意，办理期限延至%(due)s。") % {
            "what": _about(assignment), "due": request.requested_due_on.isoformat()}
    else:
        text = _("%(what)s的延期申请未同意，办理期限仍为%(due)s。") % {
            "what": _about(assignment), "due": assignment.due_on.isoformat()}
    if request.decision_note:
        text += _("审批意见：%(note)s") % {"note": request.decision_note}
    return notice_create(
        unit=assignment.unit, assignment=assignment, kind=Notice.Kind.EXTENSION_DECIDED,
        message=text,
    )


def notify_reassignment_decided(*, request) -> list[Notice]:
    """Tell the asking unit the decision and, when approved, the new unit its new work."""
    old = request.assignment
    approved = request.state == request.State.APPROVED
    if approved:
        text = _("%(what)s的调整申请已同意，已改由%(unit)s办理。") % {
            "what": _about(old), "unit": request.new_assignment.unit.name}
    else:
        text = _("%(what)s的调整申请未同意，请继续办理。") % {"what": _about(old)}
    if request.decision_note:
        text += _("审批意见：%(note)s") % {"note": request.decision_note}
    created = [notice_create(
        unit=old.unit, assignment=old, kind=Notice.Kind.REASSIGNMENT_DECIDED, message=text)]
    if approved:
        new = request.new_assignment
        created.append(notice_create(
            unit=new.unit, assignment=new, kind=Notice.Kind.ASSIGNED,
            message=_("%(what)s经调整交由本单位%(role)s，办理期限为%(due)s。") % {
                "what": _about(new), "role": new.get_role_display(),
                "due": new.due_on.isoformat()},
        ))
    return created
