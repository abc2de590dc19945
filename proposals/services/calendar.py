"""Loading a year's holidays and make-up working days into the database."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import CalendarDay, CalendarYear

Kind = CalendarDay.Kind


@transaction.atomic
def holidays_replace_year(
    *, year: int, days: Iterable[tuple[dt.date, str, str]], source: str, actor=None
) -> CalendarYear:
    """Replace everything known about `year` with `days` ((date, kind, name) triples)."""
    days = list(days)
    for day, kind, _name in days:
        if day.year != year:
            raise ValidationError(
                _("%(day)s不属于%(year)d年。") % {"day": day.isoformat(), "year": year}
            )
        if kind not in Kind.values:
            raise ValidationError(_("未知的日期类型：%(kind)s") % {"kind": kind})
    seen: set[dt.date] = set()
    for day, _kind, _name in days:
        if day in seen:
            raise ValidationError(_("%(day)s重复出现。") % {"day": day.isoformat()})
        seen.add(day)
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name=name) for day, kind, name in sorted(days)
    )
    calendar_year, _created = CalendarYear.objects.get_or_create(year=year)
    calendar_year.source = source
    calendar_year._history_user = actor
    calendar_year.save()
    return calendar_year


def package_days(year: int) -> list[tuple[dt.date, str, str]] | None:
    """The year's days from the chinese_calendar package, or None if it does not know it."""
    from chinese_calendar.constants import holidays, workdays

    found = [(d, Kind.HOLIDAY, str(n)) for d, n in holidays.items() if d.year == year]
    found += [(d, Kind.WORKDAY, str(n)) for d, n in workdays.items() if d.year == year]
    return sorted(found) or None


def package_years() -> list[int]:
    from chinese_calendar.constants import holidays

    return sorted({d.year for d in holidays})


def holidays_seed_missing_years() -> list[int]:
    """Load each year the chinese_calendar package knows and the database lacks (what the
    data migration seeds; a test database flushed by a transactional test, or a year a
    test removed, gets it back). Returns the years loaded."""
    from proposals.models import CalendarYear

    have = set(CalendarYear.objects.values_list("year", flat=True))
    missing = [year for year in package_years() if year not in have]
    for year in missing:
        holidays_replace_year(year=year, days=package_days(year), source="chinese_calendar")
    return missing
