import datetime as dt
import threading
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from jobs.models import OutboxMessage
from proposals.deadlines import due_date_warnings, scan_deadlines
from proposals.models import Assignment, CalendarYear, Notice, Section
from proposals.tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    SectionFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Friday before the 2025 National Day holiday (10-01..10-08; 09-28 and 10-11 are 调休
# working days). Working days after it: 09-28 (1), 09-29 (2), 09-30 (3), 10-09 (4),
# 10-10 (5), 10-11 (6), 10-13 (7).
FRIDAY = dt.datetime(2025, 9, 26, 7, 0, tzinfo=SHANGHAI)


def _assignment(due_on: dt.date, **kwargs) -> Assignment:
    kwargs.setdefault("assigned_on", min(due_on, dt.date(2025, 3, 20)))
    return AssignmentFactory(due_on=due_on, **kwargs)


def _milestones() -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for assignment_id, milestone in Notice.objects.values_list("assignment_id", "milestone"):
        found.setdefault(assignment_id, set()).add(milestone)
    return found


@time_machine.travel(FRIDAY, tick=False)
def test_it_counts_working_days_across_the_national_day_holiday():
    in_3 = _assignment(dt.date(2025, 9, 30))
    in_7 = _assignment(dt.date(2025, 10, 13))
    after_holiday = _assignment(dt.date(2025, 10, 9))  # 4 working days: the 7-day milestone
    too_far = _assignment(dt.date(2025, 10, 14))

    result = scan_deadlines()

    assert result.today == dt.date(2025, 9, 26)
    assert _milestones() == {
        in_3.pk: {"due_in_3"},
        in_7.pk: {"due_in_7"},
        after_holiday.pk: {"due_in_7"},
    }
    assert too_far.pk not in _milestones()
    assert result.created == 3


@time_machine.travel(FRIDAY, tick=False)
def test_it_sends_due_today_and_overdue():
    today = _assignment(dt.date(2025, 9, 26))
    late = _assignment(dt.date(2025, 9, 1))

    scan_deadlines()

    assert _milestones() == {today.pk: {"due_today"}, late.pk: {"overdue"}}
    notice = Notice.objects.get(assignment=late)
    assert notice.kind == Notice.Kind.OVERDUE
    assert notice.unit_id == late.unit_id
    assert str(late.proposal.number) in notice.text and "已超过办理期限" in notice.text


def test_it_sends_each_milestone_once_when_the_scan_runs_twice():
    assignment = _assignment(dt.date(2025, 9, 30))

    first = scan_deadlines(today=dt.date(2025, 9, 26))
    second = scan_deadlines(today=dt.date(2025, 9, 26))
    next_day = scan_deadlines(today=dt.date(2025, 9, 28))  # still within 3 working days

    assert (first.created, second.created, next_day.created) == (1, 0, 0)
    assert Notice.objects.filter(assignment=assignment).count() == 1
    scan_deadlines(today=dt.date(2025, 9, 30))
    scan_deadlines(today=dt.date(2025, 10, 9))
    assert _milestones()[assignment.pk] == {"due_in_3", "due_today", "overdue"}


def test_it_reminds_again_after_an_extension_moves_the_due_date():
    assignment = _assignment(dt.date(2025, 9, 30))
    scan_deadlines(today=dt.date(2025, 9, 26))
    Assignment.objects.filter(pk=assignment.pk).update(due_on=dt.date(2025, 10, 13))

    scan_deadlines(today=dt.date(2025, 9, 26))

    assert sorted(
        Notice.objects.filter(assignment=assignment).values_list("milestone", "due_on")
    ) == [("due_in_3", dt.date(2025, 9, 30)), ("due_in_7", dt.date(2025, 10, 13))]


def test_it_uses_the_sessions_reminder_days():
    session = SessionFactory(reminder_working_days=[10])
    assignment = _assignment(dt.date(2025, 10, 14), proposal__session=session)  # 8 days
    default = _assignment(dt.date(2025, 10, 14))

    scan_deadlines(today=dt.date(2025, 9, 26))

    assert _milestones() == {assignment.pk: {"due_in_10"}}
    assert default.pk not in _milestones()


def test_it_ignores_closed_assignments():
    _assignment(dt.date(2025, 9, 1), state=Assignment.State.COMPLETED)
    _assignment(dt.date(2025, 9, 1), state=Assignment.State.WITHDRAWN)
    open_one = _assignment(dt.date(2025, 9, 1), state=Assignment.State.IN_PROGRESS)

    scan_deadlines(today=dt.date(2025, 9, 26))

    assert set(_milestones()) == {open_one.pk}


def test_it_reminds_co_units_until_their_section_is_submitted():
    due = dt.date(2025, 9, 30)
    no_section = _assignment(due, role=Assignment.Role.CO)
    draft = SectionFactory(assignment=_assignment(due, role=Assignment.Role.CO))
    returned = SectionFactory(
        assignment=_assignment(due, role=Assignment.Role.CO),
        state=Section.State.RETURNED,
        return_reason="请补充数据",
    )
    submitted = SectionFactory(
        assignment=_assignment(due, role=Assignment.Role.CO), state=Section.State.SUBMITTED
    )
    accepted = SectionFactory(
        assignment=_assignment(due, role=Assignment.Role.CO), state=Section.State.ACCEPTED
    )

    scan_deadlines(today=dt.date(2025, 9, 26))

    reminded = set(_milestones())
    assert reminded == {no_section.pk, draft.assignment_id, returned.assignment_id}
    assert submitted.assignment_id not in reminded and accepted.assignment_id not in reminded
    assert "协办意见" in Notice.objects.get(assignment=no_section).text


def test_it_emails_the_units_handlers_through_the_outbox(django_capture_on_commit_callbacks):
    assignment = _assignment(dt.date(2025, 9, 1))
    handler = MembershipFactory(unit=assignment.unit, user=UserFactory(email="h@example.cn"))
    MembershipFactory(unit=assignment.unit, role="signer", user=UserFactory(email="s@x.cn"))
    MembershipFactory(user=UserFactory(email="other-unit@example.cn"))

    with django_capture_on_commit_callbacks(execute=True):
        scan_deadlines(today=dt.date(2025, 9, 26))

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [handler.user.email]
    assert str(assignment.proposal.number) in mail.outbox[0].body
    assert OutboxMessage.objects.get().sent_at is not None
    assert not Notice.objects.filter(emailed_at__isnull=True).exists()


def test_it_sends_no_email_before_the_scan_commits():
    _assignment(dt.date(2025, 9, 1))
    MembershipFactory(user=UserFactory(email="h@example.cn"))

    scan_deadlines(today=dt.date(2025, 9, 26))  # the test's transaction never commits

    assert mail.outbox == []
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1


def test_it_skips_working_day_reminders_when_a_year_has_no_holiday_data():
    CalendarYear.objects.filter(year=2026).delete()
    today = dt.date(2025, 12, 26)
    late = _assignment(dt.date(2025, 12, 1))
    soon = _assignment(dt.date(2025, 12, 30))  # 3 working days, all in 2025: still known
    next_year = _assignment(dt.date(2026, 1, 6))  # needs 2026's holidays: not guessed

    result = scan_deadlines(today=today)

    assert result.warnings and "2026" in result.warnings[0]
    assert _milestones() == {late.pk: {"overdue"}, soon.pk: {"due_in_3"}}
    assert next_year.pk not in _milestones()


def test_it_warns_about_due_dates_in_years_without_holiday_data():
    assert due_date_warnings([dt.date(2025, 6, 1)]) == []
    warnings = due_date_warnings([dt.date(2025, 6, 1), dt.date(2030, 2, 1), None])
    assert len(warnings) == 1 and "2030" in warnings[0]


def test_it_makes_the_same_number_of_queries_whatever_the_number_of_assignments():
    def queries(n: int) -> int:
        Notice.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            result = scan_deadlines(today=dt.date(2025, 9, 26))
        assert result.created == n
        return len(ctx.captured_queries)

    session = SessionFactory()
    AssignmentFactory.create_batch(
        20, proposal__session=session, due_on=dt.date(2025, 9, 1),
        unit__committee=session.committee,
    )
    small = queries(20)
    AssignmentFactory.create_batch(
        80, proposal__session=session, due_on=dt.date(2025, 9, 1),
        unit__committee=session.committee,
    )
    large = queries(100)
    # One INSERT ... SELECT writes them all: no query per row or per batch.
    assert large == small


def test_it_runs_from_the_command_with_a_given_day(capsys):
    _assignment(dt.date(2025, 9, 26))
    call_command("scan_deadlines", "--today", "2025-09-26")
    assert "新建提醒 1 条" in capsys.readouterr().out
    assert Notice.objects.get().milestone == "due_today"


@pytest.mark.django_db(transaction=True)
def test_it_sends_once_when_two_scans_overlap(require_postgres):
    assignments = [_assignment(dt.date(2025, 9, 1)) for _ in range(30)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            scan_deadlines(today=dt.date(2025, 9, 26))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert Notice.objects.count() == len(assignments)
    assert set(Notice.objects.values_list("assignment_id", flat=True)) == {
        a.pk for a in assignments
    }
