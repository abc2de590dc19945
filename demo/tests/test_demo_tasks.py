"""The demo's tasks (demo/tasks.py): every state, one overdue and one due soon for the
handler scjg_zhu, the overdue one on the unit administrator's home, and each made on its
day through the services (history with the actor, the holder's notices)."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from demo.tasks import PLAN
from proposals.models import Notice, Task

from .test_load_demo import SHANGHAI, TODAY, _ensure_holidays


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    traveller = time_machine.travel(dt.datetime.combine(TODAY, dt.time(9), SHANGHAI))
    traveller.start()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _ensure_holidays()
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            traveller.stop()


def _user(username):
    return get_user_model().objects.get(username=username)


def test_it_gives_tasks_in_every_state(demo, db):
    tasks = Task.objects.filter(title__in=[row[1] for row in PLAN])
    assert tasks.count() == len(PLAN)
    assert set(tasks.values_list("state", flat=True)) == set(Task.State.values)
    assert set(tasks.values_list("kind", flat=True)) == set(Task.Kind.values)
    for task in tasks:
        assert task.due_on <= task.assignment.due_on
        assert task.assignee.memberships.filter(unit=task.assignment.unit_id).exists()
        assert task.history.earliest().history_user == task.created_by


def test_it_gives_the_handler_an_overdue_and_a_due_soon_task(demo, db, client):
    client.force_login(_user("scjg_zhu"))
    html = client.get(reverse("home")).content.decode()
    mine = html.split('id="my-tasks"')[1].split("</section>")[0]
    assert "过期" in mine and "临期" in mine
    assert mine.index("电话联系提案人") < mine.index("起草答复函初稿")
    # The task handed over from the signer is the handler's now, with its notice.
    handed = Task.objects.get(title="汇总各科室意见形成本单位意见")
    assert handed.assignee.username == "scjg_zhu"
    assert handed.history.count() == 2
    assert Notice.objects.filter(task=handed, recipient=handed.assignee).exists()
    # Today's scan told the holder of the overdue task, once.
    late = Task.objects.get(title="电话联系提案人，约定走访时间")
    assert Notice.objects.filter(task=late, milestone="overdue").count() == 1


def test_it_shows_the_overdue_task_to_the_unit_administrator(demo, db, client):
    client.force_login(_user("scjg_admin"))
    html = client.get(reverse("home")).content.decode()
    late = html.split('id="late-unit-tasks"')[1].split("</section>")[0]
    assert "电话联系提案人，约定走访时间" in late


def test_it_makes_no_second_set_when_run_again(demo, db):
    before = Task.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Task.objects.count() == before
