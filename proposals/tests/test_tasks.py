"""Tasks inside a unit: the services (who may hold one, its due date, its states, handing it
over, history), the notices they give and the daily scan's task reminders."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from proposals import selectors, services
from proposals.deadlines import scan_deadlines
from proposals.models import Assignment, Membership, Notice, Task
from proposals.notices import notices_send_emails, notices_visible_to, unread_notice_count
from proposals.transitions import TransitionError

from .factories import MembershipFactory, UserFactory
from .scenario import build_scenario

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = dt.date


@pytest.fixture
def s():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build_scenario()


def _create(s, **kwargs) -> Task:
    args = {
        "assignment": s.lead, "kind": Task.Kind.CONTACT, "assignee": s.users["lead"],
        "due_on": D(2025, 4, 20), "actor": s.users["lead_admin"],
    }
    args.update(kwargs)
    return services.task_create(**args)


# --- Creating --------------------------------------------------------------------------


def test_it_gives_a_task_to_a_person_of_the_unit_titled_by_its_kind(s):
    task = _create(s, note="先电话联系，再约时间走访。")
    assert task.title == "联系提案人"
    assert task.state == Task.State.OPEN
    assert task.created_by == s.users["lead_admin"]
    assert task.note == "先电话联系，再约时间走访。"
    assert task.history.get().history_user == s.users["lead_admin"]


def test_it_keeps_the_free_text_of_an_other_task_and_requires_it(s):
    assert _create(s, kind=Task.Kind.OTHER, title=" 整理历年办理材料 ").title == "整理历年办理材料"
    with pytest.raises(ValidationError) as exc:
        _create(s, kind=Task.Kind.OTHER, title="  ")
    assert exc.value.message_dict == {"title": ["类型为“其他”时，请填写任务事项。"]}


def test_it_refuses_a_person_of_another_unit(s):
    before = Task.objects.count()
    with pytest.raises(ValidationError) as exc:
        _create(s, assignee=s.users["co"])
    assert exc.value.message_dict == {
        "assignee": ["只能把任务交给连云港市市场监督管理局的工作人员。"]
    }
    with pytest.raises(ValidationError):
        _create(s, assignee=s.users["clerk"])  # the committee's clerk is no unit's person
    assert Task.objects.count() == before
    assert not Notice.objects.filter(kind=Notice.Kind.TASK_ASSIGNED).exists()


def test_it_refuses_a_due_date_after_the_assignments(s):
    assert _create(s, due_on=s.lead.due_on).due_on == D(2025, 6, 30)  # on it: fine
    with pytest.raises(ValidationError) as exc:
        _create(s, due_on=D(2025, 7, 1))
    assert exc.value.message_dict == {
        "due_on": ["任务期限（2025年7月1日）不能晚于本单位的办理期限（2025年6月30日）。"]
    }


def test_it_refuses_a_due_date_in_the_past(s):
    assert _create(s, due_on=D(2025, 4, 1)).due_on == D(2025, 4, 1)  # today: fine
    with pytest.raises(ValidationError) as exc:
        _create(s, due_on=D(2025, 3, 31))
    assert exc.value.message_dict == {"due_on": ["任务期限不能早于今天。"]}


def test_it_gives_no_task_on_a_closed_assignment(s):
    Assignment.objects.filter(pk=s.lead.pk).update(state=Assignment.State.COMPLETED)
    with pytest.raises(ValidationError) as exc:
        _create(s)
    assert exc.value.messages == ["这件交办已完成，不能再分派任务。"]


def test_it_tells_the_new_holder_and_only_them(s):
    task = _create(s)
    notice = Notice.objects.get(kind=Notice.Kind.TASK_ASSIGNED)
    assert (notice.task, notice.recipient, notice.unit) == (task, s.users["lead"], s.lead_unit)
    assert notice.text.startswith(
        "市场监管局管理员交给您第44100号提案《关于加快知识产权强市建设的提案》的任务"
        "“联系提案人”，期限2025年4月20日。"
    )
    assert "说明" not in notice.text
    assert notice in notices_visible_to(s.users["lead"])
    assert unread_notice_count(s.users["lead"]) == 1
    # The unit's other people (signer, admin) do not get the holder's notice in their bell.
    assert notice not in notices_visible_to(s.users["signer"])
    assert notice not in notices_visible_to(s.users["lead_admin"])


def test_it_does_not_notify_a_person_who_gives_themselves_a_task(s):
    _create(s, actor=s.users["lead"])
    assert not Notice.objects.exists()


# --- States ----------------------------------------------------------------------------


def test_it_marks_a_task_done(s):
    task = services.task_finish(task=s.lead_task, actor=s.users["lead"])
    assert task.state == Task.State.DONE and task.done_at is not None
    assert task.history.latest().history_user == s.users["lead"]
    with pytest.raises(TransitionError):
        services.task_cancel(task=task, reason="不用了", actor=s.users["lead"])


def test_it_cancels_a_task_only_with_a_reason(s):
    with pytest.raises(ValidationError) as exc:
        services.task_cancel(task=s.lead_task, reason="  ", actor=s.users["lead_admin"])
    assert exc.value.message_dict == {"cancel_reason": ["取消任务时必须说明理由。"]}
    s.lead_task.refresh_from_db()
    assert s.lead_task.state == Task.State.OPEN
    task = services.task_cancel(task=s.lead_task, reason="委员已书面答复。", actor=s.users["lead"])
    assert (task.state, task.cancel_reason) == (Task.State.CANCELLED, "委员已书面答复。")
    assert task.done_at is None


def test_the_database_refuses_a_cancelled_task_without_a_reason(s):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=s.lead_task.pk).update(state=Task.State.CANCELLED)


def test_it_refuses_work_on_a_withdrawn_assignments_tasks(s):
    Assignment.objects.filter(pk=s.lead.pk).update(state=Assignment.State.WITHDRAWN)
    with pytest.raises(ValidationError, match="已撤回"):
        services.task_finish(task=s.lead_task, actor=s.users["lead"])


# --- Handing over ----------------------------------------------------------------------


def test_it_hands_a_task_to_a_colleague_with_history_and_a_notice(s):
    colleague = MembershipFactory(unit=s.lead_unit, user=UserFactory(first_name="李华")).user
    task = services.task_reassign(task=s.lead_task, assignee=colleague,
                                  actor=s.users["lead_admin"])
    assert task.assignee == colleague
    first, last = task.history.order_by("history_id")
    assert last.history_user == s.users["lead_admin"]
    assert last.assignee_id == colleague.pk
    assert first.assignee_id == s.users["lead"].pk
    assert last.history_change_reason == "转交：市场监管局承办人 → 李华"
    notice = Notice.objects.get(recipient=colleague)
    assert notice.kind == Notice.Kind.TASK_ASSIGNED
    assert "市场监管局管理员将第44100号提案" in notice.text and "转交给您" in notice.text
    assert not Notice.objects.filter(recipient=s.users["lead"]).exists()


def test_it_hands_over_only_to_another_person_of_the_unit(s):
    for person, message in [
        (s.users["co"], "只能把任务交给连云港市市场监督管理局的工作人员。"),
        (s.users["lead"], "任务已由市场监管局承办人承办，请选择另一位同事。"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.task_reassign(task=s.lead_task, assignee=person, actor=s.users["lead_admin"])
        assert exc.value.message_dict == {"assignee": [message]}
    s.lead_task.refresh_from_db()
    assert s.lead_task.assignee == s.users["lead"]
    assert s.lead_task.history.count() == 1
    assert not Notice.objects.exists()


def test_it_hands_over_only_open_tasks(s):
    services.task_finish(task=s.lead_task, actor=s.users["lead"])
    with pytest.raises(ValidationError, match="任务已完成，不能转交。"):
        services.task_reassign(task=s.lead_task, assignee=s.users["signer"],
                               actor=s.users["lead_admin"])


def test_it_rolls_back_a_hand_over_whose_notice_fails(s, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("bell down")

    monkeypatch.setattr("proposals.services.tasks.notify_task_assigned", broken)
    with pytest.raises(RuntimeError):
        services.task_reassign(task=s.lead_task, assignee=s.users["signer"],
                               actor=s.users["lead_admin"])
    s.lead_task.refresh_from_db()
    assert s.lead_task.assignee == s.users["lead"]
    assert s.lead_task.history.count() == 1


# --- Reading: flags, the unit admin's late tasks ---------------------------------------


def test_it_flags_overdue_and_due_soon_tasks_on_working_days(s):
    # Session reminder days [7, 3]: due soon within 7 working days of 2025-04-01, i.e. up
    # to 2025-04-11 (the 清明 holiday 04-04..04-06 is not counted); 04-14 is the 8th.
    lead = s.users["lead"]
    Task.objects.create(assignment=s.lead, kind="other", title="近", assignee=lead,
                        due_on=D(2025, 4, 14))
    Task.objects.create(assignment=s.lead, kind="other", title="过", assignee=lead,
                        due_on=D(2025, 3, 31))
    tasks = {t.title: t for t in selectors.flag_tasks(
        selectors.open_tasks_of(s.users["lead"]), today=D(2025, 4, 1))}
    assert list(tasks) == ["过", "电话联系王波委员", "近"]
    assert (tasks["过"].is_overdue, tasks["过"].days_overdue) == (True, 1)
    assert tasks["电话联系王波委员"].is_due_soon and not tasks["电话联系王波委员"].is_overdue
    assert not tasks["近"].is_due_soon
    s.session.reminder_working_days = []
    s.session.save()
    tasks = {t.title: t for t in selectors.flag_tasks(
        selectors.open_tasks_of(s.users["lead"]), today=D(2025, 4, 1))}
    # 3 working days when the session has none: 04-02, 04-03, 04-07.
    assert not tasks["电话联系王波委员"].is_due_soon


def test_it_shows_late_tasks_to_the_unit_admin_only(s):
    late = Task.objects.create(assignment=s.lead, kind="other", title="过期的事",
                               assignee=s.users["lead"], due_on=D(2025, 3, 31))
    today = D(2025, 4, 1)
    assert list(selectors.overdue_tasks_watched_by(s.users["lead_admin"], today=today)) == [late]
    assert not selectors.overdue_tasks_watched_by(s.users["lead"], today=today).exists()
    assert not selectors.overdue_tasks_watched_by(s.users["signer"], today=today).exists()


# --- The daily scan --------------------------------------------------------------------


def _task_notices():
    return sorted(
        Notice.objects.filter(task__isnull=False).values_list("task__title", "milestone", "kind",
                                                              "recipient__username")
    )


def test_the_scan_reminds_the_holder_once_per_milestone(s):
    Assignment.objects.filter(pk__in=[s.co.pk, s.co2.pk]).update(due_on=D(2025, 6, 30))
    Task.objects.exclude(pk__in=[s.lead_task.pk, s.signer_task.pk]).delete()
    # 2025-04-01: lead_task (04-10) is 6 working days away (7-day milestone); signer_task
    # (04-15) is 9 working days away: nothing yet.
    with time_machine.travel(dt.datetime(2025, 4, 1, 7, tzinfo=SHANGHAI), tick=False):
        assert scan_deadlines().created == 1
        assert scan_deadlines().created == 0  # a second run adds nothing
    assert _task_notices() == [("电话联系王波委员", "due_in_7", "task_due_soon", "lead")]
    for day, expected in [
        (D(2025, 4, 2), []),  # still within 7 days, already told
        (D(2025, 4, 7), [("电话联系王波委员", "due_in_3", "task_due_soon", "lead"),
                         ("审阅本单位意见", "due_in_7", "task_due_soon", "signer")]),
        (D(2025, 4, 10), [("电话联系王波委员", "due_today", "task_due_today", "lead"),
                          ("审阅本单位意见", "due_in_3", "task_due_soon", "signer")]),
        (D(2025, 4, 11), [("电话联系王波委员", "overdue", "task_overdue", "lead")]),
        (D(2025, 4, 14), []),  # overdue once, not every day
    ]:
        before = set(_task_notices())
        with time_machine.travel(dt.datetime.combine(day, dt.time(7), SHANGHAI), tick=False):
            scan_deadlines()
            scan_deadlines()
        assert sorted(set(_task_notices()) - before) == sorted(expected), day
    notice = Notice.objects.get(task=s.lead_task, milestone="overdue")
    assert notice.text == (
        "第44100号提案《关于加快知识产权强市建设的提案》的任务“电话联系王波委员”已过期"
        "（期限2025年4月10日），请尽快办理。"
    )
    # The assignment's own reminders are untouched by its tasks' (different constraint).
    assert not Notice.objects.filter(task__isnull=True, assignment=s.lead).exists()


def test_the_scan_leaves_finished_cancelled_and_withdrawn_work_alone(s):
    services.task_finish(task=s.lead_task, actor=s.users["lead"])
    services.task_cancel(task=s.signer_task, reason="不需要了", actor=s.users["lead"])
    Assignment.objects.filter(pk=s.co.pk).update(state=Assignment.State.WITHDRAWN)
    with time_machine.travel(dt.datetime(2025, 4, 30, 7, tzinfo=SHANGHAI), tick=False):
        scan_deadlines()
    assert _task_notices() == [("徐州的任务", "overdue", "task_overdue", "other_handler")]


def test_the_scan_reminds_the_same_day_an_assignment_and_its_task_are_due(s):
    Task.objects.exclude(pk=s.lead_task.pk).delete()
    Assignment.objects.filter(pk__in=[s.co.pk, s.co2.pk]).update(due_on=D(2025, 6, 30))
    Assignment.objects.filter(pk=s.lead.pk).update(due_on=D(2025, 4, 10))
    with time_machine.travel(dt.datetime(2025, 4, 10, 7, tzinfo=SHANGHAI), tick=False):
        assert scan_deadlines().created == 2
    assert set(Notice.objects.values_list("kind", "task_id")) == {
        ("due_today", None), ("task_due_today", s.lead_task.pk)}


def test_it_emails_a_task_notice_to_its_holder_alone(s, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    s.users["lead"].email = "zhu@example.cn"
    s.users["lead"].save()
    other = MembershipFactory(unit=s.lead_unit, role=Membership.Role.HANDLER,
                              user=UserFactory(email="other@example.cn")).user
    _create(s)
    assert notices_send_emails() == 1
    assert [m.to for m in mail.outbox] == [["zhu@example.cn"]]
    assert "联系提案人" in mail.outbox[0].body
    assert other.email not in mail.outbox[0].to
