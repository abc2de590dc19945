import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from proposals.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-14,workday,春节调休
"""


def test_it_loads_a_year_from_a_csv_file(tmp_path, capsys):
    path = tmp_path / "holidays.csv"
    path.write_text(CSV_2027, encoding="utf-8")

    call_command("load_holidays", "--year", "2027", "--file", str(path))

    assert CalendarYear.objects.get(year=2027).source == "file:holidays.csv"
    days = dict(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind"))
    assert days == {
        dt.date(2027, 1, 1): "holiday", dt.date(2027, 2, 6): "holiday",
        dt.date(2027, 2, 7): "holiday", dt.date(2027, 2, 14): "workday",
    }
    assert "法定节假日 3 天，调休上班 1 天" in capsys.readouterr().out


def test_it_loads_a_year_from_a_json_file_and_replaces_what_was_there(tmp_path):
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps([{"date": "2027-10-01", "kind": "休", "name": "国庆节"}]))
    csv = tmp_path / "first.csv"
    csv.write_text(CSV_2027)
    call_command("load_holidays", "--year", "2027", "--file", str(csv))

    call_command("load_holidays", "--year", "2027", "--file", str(path))

    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind")) == [
        (dt.date(2027, 10, 1), "holiday")
    ]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("date,kind\n2027-13-01,holiday\n", "第2行：date「2027-13-01」"),
        ("date,kind\n2027-01-01,vacation\n", "kind「vacation」"),
        ("date,kind\n2026-01-01,holiday\n", "不属于 2027 年"),
        ("date,kind\n2027-01-01,holiday\n2027-02-10,workday\n", "应为周六或周日"),
        ("when,kind\n2027-01-01,holiday\n", "date,kind,name"),
    ],
)
def test_it_refuses_a_bad_file_and_loads_nothing(tmp_path, content, error):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=error):
        call_command("load_holidays", "--year", "2027", "--file", str(path))
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_it_reloads_a_year_from_chinese_calendar():
    CalendarDay.objects.filter(date__year=2025).delete()
    call_command("load_holidays", "--year", "2025")
    assert CalendarDay.objects.get(date=dt.date(2025, 10, 1)).kind == "holiday"
    assert CalendarDay.objects.get(date=dt.date(2025, 9, 28)).kind == "workday"


def test_it_asks_for_a_file_when_chinese_calendar_lacks_the_year():
    with pytest.raises(CommandError, match="--file"):
        call_command("load_holidays", "--year", "2099")


@pytest.mark.django_db
def test_it_seeds_only_the_years_that_are_missing():
    from proposals.models import CalendarYear
    from proposals.services import holidays_seed_missing_years, package_years

    assert holidays_seed_missing_years() == []  # the data migration seeded them all
    CalendarYear.objects.filter(year=2026).delete()
    kept = CalendarYear.objects.get(year=2025)
    assert holidays_seed_missing_years() == [2026]
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(package_years())
    assert CalendarYear.objects.get(year=2025).pk == kept.pk  # the others untouched
