"""Due-date arithmetic on China's working calendar.

Holidays and make-up working days (调休) come from the database (CalendarDay), seeded from
the chinese_calendar package and editable by an administrator. A date in a year without
data raises MissingHolidayData naming the year: guessing would give wrong due dates.
"""

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarYear


class MissingHolidayData(Exception):
    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _("缺少%(year)d年的节假日数据，无法计算工作日。请管理员在管理后台“节假日年度 › "
              "导入节假日安排”中导入%(year)d年的安排。")
            % {"year": year}
        )


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day N calendar months later; the month's last day when it has no such day
    (3 months after 11-30 is 02-28/29)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, _calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


class WorkingCalendar:
    """Loads the holiday table one year at a time and answers working-day questions.

    One instance per computation (or per scan of many assignments): it caches what it read.
    """

    def __init__(self) -> None:
        self._years: dict[int, tuple[set[dt.date], set[dt.date]]] = {}

    def preload(self, years: Iterable[int]) -> None:
        wanted = sorted(set(years) - set(self._years))
        if not wanted:
            return
        known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
        for year in wanted:
            if year in known:
                self._years[year] = (set(), set())
        rows = CalendarDay.objects.filter(date__year__in=list(known)).values_list("date", "kind")
        for day, kind in rows:
            holidays, workdays = self._years[day.year]
            (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)

    def _year(self, year: int) -> tuple[set[dt.date], set[dt.date]]:
        if year not in self._years:
            self.preload([year])
        if year not in self._years:
            raise MissingHolidayData(year)
        return self._years[year]

    def has_year(self, year: int) -> bool:
        try:
            self._year(year)
        except MissingHolidayData:
            return False
        return True

    def is_working_day(self, day: dt.date) -> bool:
        holidays, workdays = self._year(day.year)
        if day in workdays:
            return True
        if day in holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The Nth working day after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        while days:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                days -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            count += self.is_working_day(current)
        return count

    def next_working_day_on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def months_after(self, start: dt.date, months: int) -> dt.date:
        """A term of N calendar months; when it ends on a rest day it runs to the next
        working day, as periods do in Chinese law (民法典第二百零三条)."""
        return self.next_working_day_on_or_after(add_months(start, months))


def add_working_days(start: dt.date, days: int) -> dt.date:
    return WorkingCalendar().add_working_days(start, days)


def months_after(start: dt.date, months: int) -> dt.date:
    return WorkingCalendar().months_after(start, months)


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar().is_working_day(day)
