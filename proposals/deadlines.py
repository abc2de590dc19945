"""The daily deadline scan: reminders before, on and after each open assignment's due date,
and each open task's (to the person holding it).

Set-based: the milestone of every open assignment is computed in SQL (a CASE over the due
date and the session's reminder days, with the working-day thresholds computed once from
one preloaded WorkingCalendar), and the notices are written by one INSERT ... SELECT that
leaves out those already sent (NOT EXISTS) and skips, ON CONFLICT DO NOTHING, any that an
overlapping scan writes at the same moment, against the unique (assignment, milestone,
due date) constraint. No row passes through Python: the number of queries is a small
constant whatever the number of assignments.

Tasks follow the same milestones, on their own due date, with their session's reminder days
(TASK_REMINDER_DAYS when the session has none); a reminder goes once per task, milestone and
due date (notice_once_per_task_milestone).

A missed day is caught up: a due date 2 working days away that never got its "7 days"
reminder gets the tightest milestone that applies ("3 days"), not both.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .dates import MissingHolidayData, WorkingCalendar
from .models import Assignment, CalendarYear, Notice, Section, Session, Task
from .notices import queue_notice_emails

logger = logging.getLogger(__name__)

OVERDUE = "overdue"
DUE_TODAY = "due_today"
# Tasks are short: a session without reminder days still warns 3 working days ahead.
TASK_REMINDER_DAYS = (3,)


def due_in(days: int) -> str:
    return f"due_in_{days}"


@dataclass
class ScanResult:
    today: dt.date
    created: int = 0
    warnings: list[str] = field(default_factory=list)
    # What each registered daily step did (name -> rows changed).
    steps: dict[str, int] = field(default_factory=dict)


# Other apps' daily steps, run by the scan after the reminders (registered in their
# AppConfig.ready(), as proposals imports no other app): e.g. replies lapses the 会签
# requests not answered in time. A step takes (today, warnings) and returns how many rows
# it changed; it must be safe to run twice on the same day.
DailyStep = Callable[[dt.date, list[str]], int]
DAILY_STEPS: dict[str, DailyStep] = {}


def register_daily_step(name: str, step: DailyStep) -> None:
    DAILY_STEPS[name] = step


def _reminder_groups() -> dict[tuple[int, ...], list[int]]:
    """Sessions grouped by their reminder days, e.g. {(3, 7): [1, 2]}."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for pk, days in Session.objects.values_list("pk", "reminder_working_days"):
        try:
            key = tuple(sorted({int(d) for d in (days or []) if int(d) > 0}))
        except (TypeError, ValueError):
            logger.warning("session %s has invalid reminder_working_days %r", pk, days)
            continue
        groups.setdefault(key, []).append(pk)
    return groups


def _thresholds(today: dt.date, days: Iterable[int], result: ScanResult) -> dict[int, dt.date]:
    """The due date that is N working days from today, for each N."""
    days = sorted(set(days))
    if not days:
        return {}
    calendar = WorkingCalendar()
    calendar.preload({today.year, today.year + 1})
    found: dict[int, dt.date] = {}
    try:
        for n in days:
            found[n] = calendar.add_working_days(today, n)
    except MissingHolidayData as exc:
        # Never guess working days: the reminders that need the missing year are skipped
        # and the scan says so; due-today and overdue notices still go out.
        if str(exc) not in result.warnings:  # tasks and assignments ask for the same year
            result.warnings.append(str(exc))
            logger.warning("deadline scan: %s", exc)
    return found


def task_reminder_groups(groups=None) -> dict[tuple[int, ...], list[int]]:
    """_reminder_groups for tasks: a session without reminder days gets TASK_REMINDER_DAYS."""
    found: dict[tuple[int, ...], list[int]] = {}
    for key, ids in (_reminder_groups() if groups is None else groups).items():
        found.setdefault(key or TASK_REMINDER_DAYS, []).extend(ids)
    return found


def _milestone(today, groups, thresholds, session_field: str, overdue: Q) -> Case:
    whens = [When(overdue, then=Value(OVERDUE)), When(due_on=today, then=Value(DUE_TODAY))]
    for days, session_ids in groups.items():
        for n in days:  # smallest first: the tightest milestone that applies wins
            if n in thresholds:
                whens.append(
                    When(
                        **{f"{session_field}__in": session_ids},
                        due_on__gt=today,
                        due_on__lte=thresholds[n],
                        then=Value(due_in(n)),
                    )
                )
    return Case(*whens, default=Value(""), output_field=CharField())


def pending_task_rows(today: dt.date, result: ScanResult | None = None):
    """Open tasks (of open assignments) that have reached a milestone today."""
    result = result or ScanResult(today=today)
    groups = task_reminder_groups()
    thresholds = _thresholds(today, (n for key in groups for n in key), result)
    horizon = max(thresholds.values(), default=today)
    return (
        Task.objects.filter(
            state=Task.State.OPEN,
            due_on__lte=horizon,
            assignment__state__in=Assignment.OPEN_STATES,
        )
        .annotate(
            milestone=_milestone(
                today, groups, thresholds, "assignment__session_id", Task.overdue_condition(today)
            )
        )
        .exclude(milestone="")
        .order_by()
    )


def pending_deadline_rows(today: dt.date, result: ScanResult | None = None):
    """Open assignments that have reached a milestone today, notified or not."""
    result = result or ScanResult(today=today)
    groups = _reminder_groups()
    thresholds = _thresholds(today, (n for key in groups for n in key), result)
    horizon = max(thresholds.values(), default=today)
    section_in = Section.objects.filter(
        assignment=OuterRef("pk"),
        state__in=[Section.State.SUBMITTED, Section.State.ACCEPTED],
    )
    return (
        Assignment.objects.filter(state__in=Assignment.OPEN_STATES, due_on__lte=horizon)
        # A co-handling unit is done once its section is in (submitted or accepted).
        .exclude(Q(role=Assignment.Role.CO) & Exists(section_in))
        .annotate(
            milestone=_milestone(
                today, groups, thresholds, "proposal__session_id",
                Assignment.overdue_condition(today),
            )
        )
        .exclude(milestone="")
        .order_by()
        .values("pk", "unit_id", "due_on", "milestone")
    )


def scan_deadlines(*, today: dt.date | None = None) -> ScanResult:
    """Create the day's deadline notices and queue their e-mail. Safe to run twice, and
    two scans at once write each notice once."""
    today = today or timezone.localdate()
    result = ScanResult(today=today)
    with transaction.atomic():
        result.created = _insert_notices(pending_deadline_rows(today, result))
        result.created += _insert_task_notices(pending_task_rows(today, result))
        if result.created > 0:
            queue_notice_emails()
    for name, step in DAILY_STEPS.items():
        with transaction.atomic():
            result.steps[name] = step(today, result.warnings)
    logger.info("deadline scan %s: %d notices created, steps %s", today, result.created,
                result.steps)
    return result


def _insert_notices(rows) -> int:
    """INSERT ... SELECT the notices of `rows` not sent yet; returns how many were written.

    The text is not stored: Notice.text renders it from the milestone and the proposal,
    which keeps the rows (and the scan) small."""
    already = Notice.objects.filter(
        assignment=OuterRef("pk"), milestone=OuterRef("milestone"), due_on=OuterRef("due_on"),
        task__isnull=True,
    )
    kind = Case(
        When(milestone=OVERDUE, then=Value(Notice.Kind.OVERDUE.value)),
        When(milestone=DUE_TODAY, then=Value(Notice.Kind.DUE_TODAY.value)),
        default=Value(Notice.Kind.DUE_SOON.value),
        output_field=CharField(),
    )
    select = rows.exclude(Exists(already)).values(
        n_assignment=F("pk"), n_unit=F("unit_id"), n_due=F("due_on"),
        n_milestone=F("milestone"), n_kind=kind,
    )
    return _insert_select(
        select, ("assignment", "unit", "due_on", "milestone", "kind"),
        ("n_assignment", "n_unit", "n_due", "n_milestone", "n_kind"),
    )


def _insert_task_notices(rows) -> int:
    """As _insert_notices, for tasks: each reminder goes to the person holding the task."""
    already = Notice.objects.filter(
        task=OuterRef("pk"), milestone=OuterRef("milestone"), due_on=OuterRef("due_on")
    )
    kind = Case(
        When(milestone=OVERDUE, then=Value(Notice.Kind.TASK_OVERDUE.value)),
        When(milestone=DUE_TODAY, then=Value(Notice.Kind.TASK_DUE_TODAY.value)),
        default=Value(Notice.Kind.TASK_DUE_SOON.value),
        output_field=CharField(),
    )
    select = rows.exclude(Exists(already)).values(
        n_task=F("pk"), n_assignment=F("assignment_id"), n_unit=F("assignment__unit_id"),
        n_recipient=F("assignee_id"), n_due=F("due_on"), n_milestone=F("milestone"),
        n_kind=kind,
    )
    return _insert_select(
        select, ("task", "assignment", "unit", "recipient", "due_on", "milestone", "kind"),
        ("n_task", "n_assignment", "n_unit", "n_recipient", "n_due", "n_milestone", "n_kind"),
    )


def _insert_select(select, fields: tuple[str, ...], aliases: tuple[str, ...]) -> int:
    """INSERT INTO notices (fields, message, created_at) SELECT aliases FROM `select`,
    skipping rows a concurrent scan has just written (ON CONFLICT DO NOTHING)."""
    sql, params = select.query.sql_with_params()
    meta, qn = Notice._meta, connection.ops.quote_name
    columns = ", ".join(
        qn(meta.get_field(name).column) for name in (*fields, "message", "created_at")
    )
    picked = ", ".join(f"p.{alias}" for alias in aliases)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # "WHERE 1 = 1" keeps SQLite from reading ON CONFLICT as part of the SELECT.
    statement = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) "
        f"SELECT {picked}, %s, %s "
        f"FROM ({sql}) AS p WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, ["", now, *params])
        return max(cursor.rowcount, 0)


def due_date_warnings(dates: Iterable[dt.date | None]) -> list[str]:
    """One message per year among `dates` that has no holiday data (one query)."""
    years = sorted({d.year for d in dates if d is not None})
    if not years:
        return []
    known = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return [
        _(
            "有办理期限落在%(year)d年，系统尚无%(year)d年的节假日数据，按工作日计算的期限和提醒"
            "可能不准确。请管理员在管理后台“节假日年度 › 导入节假日安排”中导入%(year)d年的安排。"
        ) % {"year": year}
        for year in years
        if year not in known
    ]
