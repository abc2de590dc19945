import datetime as dt

import pytest

from proposals.dates import MissingHolidayData, WorkingCalendar, add_months, months_after
from proposals.models import CalendarYear
from proposals.services import holidays_replace_year

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 3, 20), 3, D(2025, 6, 20)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
    ],
)
def test_it_adds_calendar_months(start, months, expected):
    assert add_months(start, months) == expected


def test_it_knows_the_seeded_years():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert {2004, 2025, 2026} <= years
    assert 2027 not in years


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 28), False),  # 除夕, Spring Festival
        (D(2025, 2, 4), False),  # last day of the Spring Festival break (a Tuesday)
        (D(2025, 1, 26), True),  # 调休: a Sunday that is a working day
        (D(2025, 2, 8), True),  # 调休 Saturday
        (D(2025, 10, 8), False),  # National Day break, a Wednesday
        (D(2025, 9, 28), True),  # 调休 Sunday before National Day
        (D(2025, 10, 11), True),  # 调休 Saturday after National Day
        (D(2025, 10, 12), False),  # ordinary Sunday
        (D(2025, 3, 19), True),  # ordinary Wednesday
    ],
)
def test_it_knows_holidays_and_make_up_days(day, working):
    assert WorkingCalendar().is_working_day(day) is working


def test_it_counts_working_days_across_spring_festival():
    # From Friday 2025-01-24: Sun 26 is a 调休 working day, 27 is a Monday, then the break
    # runs 28 Jan–4 Feb; Sat 8 Feb is a 调休 working day.
    cal = WorkingCalendar()
    assert cal.add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)
    assert cal.add_working_days(D(2025, 1, 24), 2) == D(2025, 1, 27)
    assert cal.add_working_days(D(2025, 1, 24), 3) == D(2025, 2, 5)
    assert cal.add_working_days(D(2025, 1, 24), 6) == D(2025, 2, 8)
    assert cal.working_days_between(D(2025, 1, 24), D(2025, 2, 8)) == 6


def test_it_counts_five_working_days_across_national_day():
    # 交办 on Friday 2025-09-26: Sun 28, Mon 29, Tue 30 Sep, then the 1–8 Oct break,
    # Thu 9 and Fri 10 Oct; the sixth is the 调休 Saturday 11 Oct.
    cal = WorkingCalendar()
    assert cal.add_working_days(D(2025, 9, 26), 5) == D(2025, 10, 10)
    assert cal.add_working_days(D(2025, 9, 26), 6) == D(2025, 10, 11)


def test_it_moves_a_month_term_ending_in_a_holiday_to_the_next_working_day():
    # One month after 2025-09-01 is 2025-10-01 (National Day) → first working day 10-09.
    assert months_after(D(2025, 9, 1), 1) == D(2025, 10, 9)
    # Three months after 2024-10-28 is 2025-01-28 (除夕) → 2025-02-05.
    assert months_after(D(2024, 10, 28), 3) == D(2025, 2, 5)
    # A term ending on an ordinary Saturday runs to Monday.
    assert months_after(D(2025, 3, 15), 3) == D(2025, 6, 16)


def test_it_keeps_a_term_ending_on_a_make_up_saturday():
    # 2025-10-11 is a Saturday but a 调休 working day.
    assert months_after(D(2025, 9, 11), 1) == D(2025, 10, 11)


def test_it_refuses_a_year_without_data_and_names_it():
    with pytest.raises(MissingHolidayData) as excinfo:
        months_after(D(2026, 11, 20), 3)
    assert excinfo.value.year == 2027
    assert "2027年" in str(excinfo.value)


def test_it_uses_holidays_added_by_an_administrator():
    holidays_replace_year(
        year=2027,
        days=[(D(2027, 2, 22), "holiday", "春节（测试）")],
        source="管理员导入",
    )
    assert months_after(D(2026, 11, 22), 3) == D(2027, 2, 23)
