"""The task pages: the assignment page's task list and forms, creating, handing over,
cancelling and finishing a task, and a person's home. Who may do what is in the
permission matrix (test_permissions.py); these check what each page says and keeps."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from proposals.models import Notice, Task

from .scenario import build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build_scenario()


def page(s, client, role="lead_admin", assignment=None):
    client.force_login(s.users[role])
    return client.get(reverse("proposals:assignment_detail", args=[(assignment or s.lead).pk]))


def create(s, client, role="lead_admin", **data):
    client.force_login(s.users[role])
    post = {"kind": "survey", "title": "", "assignee": s.users["lead"].pk,
            "due_on": "2025-04-25", "note": "", "form_token": "t-1"}
    post.update(data)
    return client.post(reverse("proposals:task_create", args=[s.lead.pk]), post)


def test_it_lists_the_units_tasks_and_who_holds_what(client, s):
    html = page(s, client).content.decode()
    assert "本单位任务" in html
    assert "电话联系王波委员" in html and "审阅本单位意见" in html
    assert "市场监管局承办人 1项待办" in html and "马盈 1项待办" in html
    assert "分派新任务" in html
    # Another unit's tasks on the same proposal stay with that unit.
    assert "起草科技局意见" not in html


def test_it_shows_the_signer_the_tasks_but_no_forms(client, s):
    html = page(s, client, "signer").content.decode()
    assert "电话联系王波委员" in html
    assert "分派新任务" not in html and "转交" not in html
    # The signer holds 审阅本单位意见 and may mark it done, not the handler's.
    assert html.count("标记完成") == 1
    assert reverse("proposals:task_done", args=[s.lead.pk, s.signer_task.pk]) in html


def test_it_offers_only_the_units_people(client, s):
    html = page(s, client).content.decode()
    form = html.split('id="id_task_assignee"')[1].split("</select>")[0]
    assert "市场监管局承办人" in form and "马盈" in form and "市场监管局管理员" in form
    assert "科技局承办人" not in form and "提案委交办员" not in form


def test_it_creates_a_task_and_tells_the_holder(client, s):
    response = create(s, client, note="请到企业走访。")
    assert response.status_code == 302
    task = Task.objects.get(kind="survey")
    assert (task.title, task.assignee, task.note) == ("实地调研", s.users["lead"], "请到企业走访。")
    assert Notice.objects.get(task=task).recipient == s.users["lead"]
    html = client.get(response["Location"]).content.decode()
    assert "已把任务“实地调研”交给市场监管局承办人。" in html


def test_it_creates_a_task_once_on_a_double_submit(client, s):
    create(s, client)
    response = create(s, client)
    assert response.status_code == 302
    assert Task.objects.filter(kind="survey").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"due_on": "2025-07-01"}, "due_on",
         "任务期限（2025年7月1日）不能晚于本单位的办理期限（2025年6月30日）。"),
        ({"due_on": "2025-03-31"}, "due_on", "任务期限不能早于今天。"),
        ({"due_on": "2025-02-30"}, "due_on", "请填写有效日期，例如 2025-05-10。"),
        ({"due_on": ""}, "due_on", "请填写任务期限。"),
        ({"assignee": ""}, "assignee", "请选择承办人。"),
        ({"kind": "other", "title": ""}, "title", "类型为“其他”时，请填写任务事项。"),
        ({"kind": "review"}, "kind", "选择一个有效的选项"),
    ],
)
def test_it_says_in_chinese_what_is_wrong_and_where(client, s, data, field, message):
    before = Task.objects.count(), Notice.objects.count()
    response = create(s, client, **data)
    assert response.status_code == 400
    html = response.content.decode()
    block = html.split(f'for="id_task_{field}"')[1].split('<div class="field')[0]
    assert message in block
    assert (Task.objects.count(), Notice.objects.count()) == before


def test_it_refuses_a_person_of_another_unit_by_name(client, s):
    response = create(s, client, assignee=s.users["co"].pk)
    assert response.status_code == 400
    assert "只能选择本单位的工作人员。" in response.content.decode()
    assert not Task.objects.filter(kind="survey").exists()


def test_it_hands_a_task_over_in_one_step(client, s):
    client.force_login(s.users["lead"])
    url = reverse("proposals:task_reassign", args=[s.lead.pk, s.lead_task.pk])
    response = client.post(url, {"assignee": s.users["signer"].pk})
    assert response.status_code == 302
    s.lead_task.refresh_from_db()
    assert s.lead_task.assignee == s.users["signer"]
    assert s.lead_task.history.order_by("history_id").last().history_user == s.users["lead"]
    assert Notice.objects.filter(recipient=s.users["signer"], task=s.lead_task).count() == 1


def test_it_keeps_a_refused_hand_over_next_to_its_task(client, s):
    client.force_login(s.users["lead_admin"])
    url = reverse("proposals:task_reassign", args=[s.lead.pk, s.lead_task.pk])
    response = client.post(url, {"assignee": s.users["lead"].pk})
    assert response.status_code == 400
    html = response.content.decode()
    block = html.split(f'id="task-{s.lead_task.pk}"')[1].split("</article>")[0]
    assert "任务已由市场监管局承办人承办，请选择另一位同事。" in block
    assert "未能办理，请查看任务列表中标出的问题。" in html


def test_it_cancels_with_a_reason_and_shows_it(client, s):
    client.force_login(s.users["lead_admin"])
    url = reverse("proposals:task_cancel", args=[s.lead.pk, s.lead_task.pk])
    response = client.post(url, {"cancel_reason": ""})
    assert response.status_code == 400
    block = response.content.decode().split(f'id="task-{s.lead_task.pk}"')[1]
    assert "取消任务时必须说明理由。" in block.split("</article>")[0]
    response = client.post(url, {"cancel_reason": "委员已书面答复。"})
    assert response.status_code == 302
    html = page(s, client).content.decode()
    assert "取消理由：委员已书面答复。" in html
    assert "马盈 1项待办" in html and "市场监管局承办人 1项待办" not in html


def test_the_holder_marks_done_from_home_and_comes_back_home(client, s):
    client.force_login(s.users["lead"])
    home = client.get(reverse("home")).content.decode()
    url = reverse("proposals:task_done", args=[s.lead.pk, s.lead_task.pk])
    assert url in home
    response = client.post(url, {"next": "home"})
    assert response["Location"] == reverse("home")
    s.lead_task.refresh_from_db()
    assert s.lead_task.state == Task.State.DONE
    html = client.get(reverse("home")).content.decode()
    assert "任务“电话联系王波委员”已完成。" in html  # the message, not a row any more
    assert 'id="my-tasks"' not in html


def test_home_marks_overdue_and_due_soon_tasks(client, s):
    Task.objects.create(assignment=s.lead, kind="other", title="补交调研报告",
                        assignee=s.users["lead"], due_on=dt.date(2025, 3, 28))
    Task.objects.create(assignment=s.lead, kind="other", title="月底前整理材料",
                        assignee=s.users["lead"], due_on=dt.date(2025, 4, 30))
    client.force_login(s.users["lead"])
    html = client.get(reverse("home")).content.decode()
    section = html.split('id="my-tasks"')[1].split("</section>")[0]
    rows = section.split("<tr")[2:]
    assert ["补交调研报告" in rows[0], "电话联系王波委员" in rows[1], "月底前整理材料" in rows[2]] \
        == [True, True, True]
    assert 'class="overdue"' in rows[0] and "过期4天" in rows[0]
    assert 'class="due-soon"' in rows[1] and "临期，剩9天" in rows[1]
    assert "临期" not in rows[2] and "过期" not in rows[2]


def test_the_unit_admin_sees_the_units_late_tasks_at_home(client, s):
    Task.objects.create(assignment=s.lead, kind="other", title="补交调研报告",
                        assignee=s.users["lead"], due_on=dt.date(2025, 3, 28))
    client.force_login(s.users["lead_admin"])
    html = client.get(reverse("home")).content.decode()
    assert "本单位过期任务" in html
    late = html.split('id="late-unit-tasks"')[1].split("</section>")[0]
    assert "补交调研报告" in late and "市场监管局承办人" in late and "过期4天" in late
    client.force_login(s.users["lead"])
    assert "本单位过期任务" not in client.get(reverse("home")).content.decode()


def test_the_migration_maps_the_old_kinds():
    from proposals.tests.factories import AssignmentFactory, UserFactory

    assignment, user = AssignmentFactory(), UserFactory()
    old = {"section": "协办意见", "review": "答复函初稿", "contact": "联系委员"}
    made = {}
    for kind, title in old.items():
        made[kind] = Task.objects.create(assignment=assignment, kind="other", title=title,
                                         assignee=user, due_on=assignment.due_on)
        Task.objects.filter(pk=made[kind].pk).update(kind=kind)
    module = importlib.import_module("proposals.migrations.0012_tasks")
    module.map_kinds(apps, None)
    got = {k: Task.objects.values_list("kind", "title").get(pk=t.pk) for k, t in made.items()}
    assert got == {
        "section": ("opinion", "协办意见"),
        "review": ("other", "审核：答复函初稿"),
        "contact": ("contact", "联系委员"),
    }


@pytest.mark.parametrize("role", ["lead_admin", "signer"])
def test_the_pages_do_not_query_per_task(client, s, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        client.get(url)  # warm the session and content types
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    Task.objects.create(assignment=s.lead, kind="other", title="已过期", assignee=s.users["lead"],
                        due_on=dt.date(2025, 3, 20))
    client.force_login(s.users[role])
    detail = reverse("proposals:assignment_detail", args=[s.lead.pk])
    home = reverse("home")
    before = count(detail), count(home)
    for n in range(6):
        holder = s.users["lead"] if n % 2 else s.users["signer"]
        Task.objects.create(assignment=s.lead, kind="other", title=f"任务{n}", assignee=holder,
                            due_on=dt.date(2025, 3, 25 + n))  # some late, some not
    assert (count(detail), count(home)) == before


def test_the_bell_shows_a_task_notice_to_its_holder_only(client, s):
    create(s, client)  # the unit admin gives 市场监管局承办人 a task
    client.force_login(s.users["lead"])
    html = client.get(reverse("notice_list")).content.decode()
    assert "市场监管局管理员交给您第44100号提案" in html and "新任务" in html
    client.force_login(s.users["signer"])
    assert "交给您" not in client.get(reverse("notice_list")).content.decode()
