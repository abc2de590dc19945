"""The daily deadline scan: reminders before, on and after each open assignment's due date.

Set-based: the milestone of every open assignment is computed in SQL (a CASE over the due
date and the session's reminder days, with the working-day thresholds computed once from
one preloaded WorkingCalendar); the rows are streamed in batches, those that already have
their notice are dropped, and the rest are inserted with ON CONFLICT DO NOTHING
against the unique (assignment, milestone, due date) constraint. The number of queries is
a small constant plus two per batch (look up existing notices, INSERT), whatever the
number of assignments.

A missed day is caught up: a due date 2 working days away that never got its "7 days"
reminder gets the tightest milestone that applies ("3 days"), not both.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .dates import MissingHolidayData, WorkingCalendar
from .models import Assignment, CalendarYear, Notice, Section, Session
from .notices import queue_notice_emails

logger = logging.getLogger(__name__)

OVERDUE = "overdue"
DUE_TODAY = "due_today"


def due_in(days: int) -> str:
    return f"due_in_{days}"


@dataclass
class ScanResult:
    today: dt.date
    created: int = 0
    candidates: int = 0
    batches: int = 0
    warnings: list[str] = field(default_factory=list)


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
        result.warnings.append(str(exc))
        logger.warning("deadline scan: %s", exc)
    return found


def _kind(milestone: str) -> str:
    if milestone == OVERDUE:
        return Notice.Kind.OVERDUE
    if milestone == DUE_TODAY:
        return Notice.Kind.DUE_TODAY
    return Notice.Kind.DUE_SOON


def pending_deadline_rows(today: dt.date, result: ScanResult | None = None):
    """Open assignments that have reached a milestone today (notified or not: the scan
    skips those already notified batch by batch)."""
    result = result or ScanResult(today=today)
    groups = _reminder_groups()
    thresholds = _thresholds(today, (n for key in groups for n in key), result)
    whens = [
        When(due_on__lt=today, then=Value(OVERDUE)),
        When(due_on=today, then=Value(DUE_TODAY)),
    ]
    for days, session_ids in groups.items():
        for n in days:  # smallest first: the tightest milestone that applies wins
            if n in thresholds:
                whens.append(
                    When(
                        proposal__session_id__in=session_ids,
                        due_on__gt=today,
                        due_on__lte=thresholds[n],
                        then=Value(due_in(n)),
                    )
                )
    horizon = max(thresholds.values(), default=today)
    section_in = Section.objects.filter(
        assignment=OuterRef("pk"),
        state__in=[Section.State.SUBMITTED, Section.State.ACCEPTED],
    )
    return (
        Assignment.objects.filter(state__in=Assignment.OPEN_STATES, due_on__lte=horizon)
        # A co-handling unit is done once its section is in (submitted or accepted).
        .exclude(Q(role=Assignment.Role.CO) & Exists(section_in))
        .annotate(milestone=Case(*whens, default=Value(""), output_field=CharField()))
        .exclude(milestone="")
        .order_by("pk")  # batches are pk ranges: cheap to check for existing notices
        .values("pk", "unit_id", "due_on", "milestone")
    )


def scan_deadlines(*, today: dt.date | None = None, batch_size: int = 5000) -> ScanResult:
    """Create the day's deadline notices and queue their e-mail. Safe to run twice."""
    today = today or timezone.localdate()
    result = ScanResult(today=today)
    with transaction.atomic():
        before = Notice.objects.count()
        rows = pending_deadline_rows(today, result)
        batch: list[dict] = []
        for row in rows.iterator(chunk_size=batch_size):
            result.candidates += 1
            batch.append(row)
            if len(batch) >= batch_size:
                _insert(batch, result)
                batch = []
        if batch:
            _insert(batch, result)
        result.created = Notice.objects.count() - before
        if result.created > 0:
            queue_notice_emails()
    logger.info(
        "deadline scan %s: %d candidates, %d notices created in %d batches",
        today, result.candidates, result.created, result.batches,
    )
    return result


def _insert(rows: list[dict], result: ScanResult) -> None:
    """Insert the batch's notices that do not exist yet: one SELECT (the batch's range of
    assignment ids, on the foreign-key index) and one INSERT per batch. Checking per batch
    rather than with a correlated NOT EXISTS keeps the plan cheap even when the notice
    table's statistics are stale (right after a big first scan)."""
    existing = set(
        Notice.objects.filter(
            assignment_id__gte=rows[0]["pk"], assignment_id__lte=rows[-1]["pk"], milestone__gt=""
        ).values_list("assignment_id", "milestone", "due_on")
    )
    # The text is not stored: Notice.text renders it from the milestone and the proposal,
    # which keeps the rows (and the scan) small.
    notices = [
        Notice(
            unit_id=row["unit_id"],
            assignment_id=row["pk"],
            kind=_kind(row["milestone"]),
            milestone=row["milestone"],
            due_on=row["due_on"],
        )
        for row in rows
        if (row["pk"], row["milestone"], row["due_on"]) not in existing
    ]
    result.batches += 1
    if notices:
        # ignore_conflicts: a notice an overlapping scan has just written is skipped.
        Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=len(notices))


def due_date_warnings(dates: Iterable[dt.date | None]) -> list[str]:
    """One message per year among `dates` that has no holiday data (one query)."""
    years = sorted({d.year for d in dates if d is not None})
    if not years:
        return []
    known = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return [
        _(
            "有办理期限落在%(year)d年，系统尚无%(year)d年的节假日数据，按工作日计算的期限和提醒"
            "可能不准确。请管理员用 load_holidays 导入%(year)d年的节假日安排。"
        ) % {"year": year}
        for year in years
        if year not in known
    ]
