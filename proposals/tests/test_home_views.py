import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Task

from .scenario import PASSWORD, build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build_scenario()


@pytest.fixture
def clerk(client, s):
    client.force_login(s.users["clerk"])
    return client


def test_it_logs_in_and_lands_a_unit_handler_on_the_work_list(client, s):
    response = client.post(
        reverse("login"), {"username": "co", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "我的工作" in response.content.decode()


def test_it_says_in_chinese_when_the_password_is_wrong(client, s):
    response = client.post(reverse("login"), {"username": "co", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


# --- work list ------------------------------------------------------------------------------


def test_it_sends_a_clerk_home_to_the_proposal_list(clerk):
    response = clerk.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:proposal_list")


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_a_unit_its_work_list_with_overdue_and_due_soon_marked(client, s):
    s.co.due_on = dt.date(2025, 3, 31)  # yesterday
    s.co.save()
    client.force_login(s.users["co"])
    html = client.get(reverse("home")).content.decode()
    assert s.proposal.title in html
    assert "已超期" in html
    client.force_login(s.users["lead"])
    s.lead.due_on = dt.date(2025, 4, 5)
    s.lead.save()
    html = client.get(reverse("home")).content.decode()
    assert 'class="due-soon"' in html
    assert "剩4天" in html
    assert "已超期" not in html.split("<tbody>")[1]


def test_it_lists_tasks_given_to_the_person(client, s):
    Task.objects.create(
        assignment=s.lead, kind="contact", assignee=s.users["lead"], title="电话联系王波委员",
        due_on=dt.date(2025, 4, 10),
    )
    client.force_login(s.users["lead"])
    assert "电话联系王波委员" in client.get(reverse("home")).content.decode()
    client.force_login(s.users["signer"])
    assert "电话联系王波委员" not in client.get(reverse("home")).content.decode()




def test_it_warns_when_a_due_date_falls_in_a_year_without_holiday_data(client, s):
    client.force_login(s.users["co"])
    assert "节假日" not in client.get(reverse("home")).content.decode()
    s.co.due_on = dt.date(2027, 2, 26)
    s.co.save()
    html = client.get(reverse("home")).content.decode()
    assert "2027" in html and "节假日" in html


def test_it_counts_all_open_work_but_lists_the_most_urgent(client, s, monkeypatch):
    from proposals import views
    from proposals.tests.factories import AssignmentFactory, ProposalFactory

    later = AssignmentFactory(
        unit=s.co.unit,
        proposal=ProposalFactory(session=s.proposal.session, title="关于较晚到期事项的提案"),
        due_on=s.co.due_on + dt.timedelta(days=30),
    )
    monkeypatch.setattr(views, "WORK_LIST_ROWS", 1)
    client.force_login(s.users["co"])
    html = client.get(reverse("home")).content.decode()
    assert "共2件待办" in html
    assert s.proposal.title in html
    assert later.proposal.title not in html
