import datetime as dt

import pytest
from django.urls import reverse

from proposals.deadlines import scan_deadlines
from proposals.models import CalendarYear
from proposals.tests.factories import AssignmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler():
    membership = MembershipFactory()
    AssignmentFactory(unit=membership.unit, due_on=dt.date(2025, 9, 1))
    AssignmentFactory(unit=membership.unit, due_on=dt.date(2025, 9, 26))
    AssignmentFactory(due_on=dt.date(2025, 9, 1))  # another unit's
    scan_deadlines(today=dt.date(2025, 9, 26))
    return membership.user


def test_it_shows_the_unread_count_in_the_bell(client, handler):
    client.force_login(handler)
    any_page = reverse("jobs:list")
    assert 'class="badge">2</span>' in client.get(any_page).content.decode()

    client.get(reverse("notice_list"))  # reading the list marks them read

    assert 'class="badge">' not in client.get(any_page).content.decode()


def test_it_lists_only_the_units_own_notices(client, handler):
    client.force_login(handler)
    response = client.get(reverse("notice_list"))
    page = response.context["page"]
    assert len(page.object_list) == 2
    assert {n.unit_id for n in page.object_list} == {handler.memberships.get().unit_id}


def test_it_shows_nothing_to_someone_of_another_unit(client, handler):
    client.force_login(MembershipFactory().user)
    response = client.get(reverse("notice_list"))
    assert list(response.context["page"].object_list) == []
    assert "暂无提醒" in response.content.decode()


def test_it_warns_when_a_due_date_is_in_a_year_without_holiday_data(client):
    membership = MembershipFactory()
    AssignmentFactory(unit=membership.unit, due_on=dt.date(2025, 9, 1))
    CalendarYear.objects.filter(year=2025).delete()
    client.force_login(membership.user)
    assert "尚无2025年的节假日数据" in client.get(reverse("notice_list")).content.decode()


def test_it_asks_anonymous_visitors_to_log_in(client):
    assert client.get(reverse("notice_list")).status_code == 302
