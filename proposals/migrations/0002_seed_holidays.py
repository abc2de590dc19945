"""Seed the holiday table from the chinese_calendar package (the years it ships).

Later years are added with `manage.py load_holidays` once the State Council publishes them.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from chinese_calendar.constants import holidays, workdays

    CalendarYear = apps.get_model("proposals", "CalendarYear")
    CalendarDay = apps.get_model("proposals", "CalendarDay")
    years = sorted({d.year for d in holidays})
    rows = [CalendarDay(date=d, kind="holiday", name=str(n)) for d, n in holidays.items()]
    rows += [CalendarDay(date=d, kind="workday", name=str(n)) for d, n in workdays.items()]
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([r for r in rows if r.date not in existing])
    for year in years:
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinese_calendar"})


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
