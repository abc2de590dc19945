"""The admin page that imports a year's holidays (导入节假日安排)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.dates import WorkingCalendar
from proposals.models import CalendarDay, CalendarYear

from .factories import UserFactory
from .html_refs import dangling_references

pytestmark = pytest.mark.django_db

URL = reverse("admin:proposals_calendaryear_import")
PASTED = """2027-01-01,休,元旦
2027-02-06~2027-02-12,休,春节
2027-02-14,班,春节调休
2027-10-01至2027-10-07,holiday,国庆节
"""


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _days(year: int) -> dict:
    return dict(CalendarDay.objects.filter(date__year=year).values_list("date", "kind"))


def test_it_imports_pasted_lines_with_ranges_and_counts_working_days_with_them(admin_client):
    response = admin_client.post(URL, {"year": 2027, "text": PASTED}, follow=True)
    assert "已导入2027年的节假日安排：法定节假日15天，调休上班1天。" in response.content.decode()
    days = _days(2027)
    assert len(days) == 16 and days[dt.date(2027, 2, 14)] == "workday"
    assert all(days[dt.date(2027, 2, d)] == "holiday" for d in range(6, 13))
    assert CalendarYear.objects.get(year=2027).source == "admin:粘贴"
    calendar = WorkingCalendar()
    # Friday 2027-02-05 + 1 working day: the Spring Festival week is skipped, and the
    # make-up Sunday 02-14 is the next working day.
    assert calendar.add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 14)


def test_it_links_each_field_to_its_help_text(admin_client):
    page = admin_client.get(URL).content.decode()
    assert 'aria-describedby="id_text_helptext"' in page
    assert dangling_references(page) == []


def test_it_imports_an_uploaded_csv_and_replaces_the_year(admin_client):
    admin_client.post(URL, {"year": 2027, "text": PASTED})
    upload = SimpleUploadedFile(
        "2027.csv", "date,kind,name\n2027-05-01~2027-05-05,休,劳动节\n".encode(), "text/csv"
    )
    response = admin_client.post(URL, {"year": 2027, "file": upload})
    assert response.status_code == 302
    assert sorted(_days(2027)) == [dt.date(2027, 5, d) for d in range(1, 6)]
    assert CalendarYear.objects.get(year=2027).source == "admin:2027.csv"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": 2027, "text": "2027-01-01,休,元旦\n2027-02-30,休,春节"},
         "第2行：date「2027-02-30」"),  # numbered as pasted
        ({"year": 2027, "text": "date,kind,name\n2027-02-30,休,春节"}, "第2行：date「2027"),
        ({"year": 2027, "text": "2027-02-10,班,调休"}, "应为周六或周日"),
        ({"year": 2027, "text": "2026-12-31,休,元旦"}, "不属于 2027 年"),
        ({"year": 2027, "text": "2027-02-12~2027-02-06,休,春节"}, "结束日期早于开始日期"),
        ({"year": 2027, "text": "2027-01-01,休,元旦\n2027-01-01,休,元旦"}, "出现了不止一次"),
        ({"year": 2027, "text": "2027-01-01,vacation,元旦"}, "kind「vacation」"),
        ({"year": 2027}, "请上传文件或粘贴内容"),
    ],
)
def test_it_refuses_a_bad_line_and_keeps_what_was_there(admin_client, data, message):
    admin_client.post(URL, {"year": 2027, "text": PASTED})
    before = _days(2027)
    response = admin_client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _days(2027) == before


def test_it_refuses_a_file_that_is_not_text(admin_client):
    upload = SimpleUploadedFile("2027.csv", b"\xff\xfe\x00\x01garbage", "text/csv")
    response = admin_client.post(URL, {"year": 2027, "file": upload})
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_only_people_allowed_to_edit_the_calendar_may_import(client):
    client.force_login(UserFactory(is_staff=False))
    assert client.get(URL).status_code == 302  # to the admin login
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.post(URL, {"year": 2027, "text": PASTED}).status_code == 403
    staff.user_permissions.add(*Permission.objects.filter(
        codename__in=["add_calendaryear", "change_calendaryear"]))
    client.force_login(staff)
    assert client.post(URL, {"year": 2027, "text": PASTED}).status_code == 302
    assert len(_days(2027)) == 16


def test_the_year_list_links_to_the_import(admin_client):
    html = admin_client.get(reverse("admin:proposals_calendaryear_changelist")).content.decode()
    assert URL in html and "导入节假日安排" in html
