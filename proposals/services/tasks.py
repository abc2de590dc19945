"""Work inside a unit: tasks for named people of the unit, and contact records (沟通协商)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..models import Assignment, ContactRecord, Task
from ..notices import notify_task_assigned
from ..transitions import move
from ._common import save_as
from .assignments import assignment_start


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _check_assignee(assignment: Assignment, assignee) -> None:
    if assignee is None or not access.is_member_of(assignee, assignment.unit_id):
        raise ValidationError(
            {"assignee": _("只能把任务交给%(unit)s的工作人员。") % {"unit": assignment.unit}},
            code="other_unit",
        )
    if not assignee.is_active:
        raise ValidationError(
            {"assignee": _("%(name)s的账号已停用，不能接收任务。") % {"name": _name(assignee)}},
            code="inactive",
        )


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _check_open(task: Task) -> None:
    if task.assignment.state == Assignment.State.WITHDRAWN:
        raise ValidationError(_("这件交办已撤回，其任务不能再办理。"), code="withdrawn")


@transaction.atomic
def task_create(
    *,
    assignment: Assignment,
    kind: str,
    assignee,
    due_on: dt.date,
    title: str = "",
    note: str = "",
    actor=None,
) -> Task:
    """Give a person of the unit a task on its assignment (and tell them in the bell)."""
    assignment = Assignment.objects.select_related("unit", "proposal").get(pk=assignment.pk)
    if not assignment.is_open:
        raise ValidationError(
            _("这件交办%(state)s，不能再分派任务。") % {"state": assignment.get_state_display()},
            code="assignment_closed",
        )
    _check_assignee(assignment, assignee)
    title = title.strip()
    if kind == Task.Kind.OTHER and not title:
        raise ValidationError(
            {"title": _("类型为“其他”时，请填写任务事项。")}, code="title_required"
        )
    if due_on > assignment.due_on:
        raise ValidationError(
            {
                "due_on": _("任务期限（%(task)s）不能晚于本单位的办理期限（%(due)s）。")
                % {"task": _date_text(due_on), "due": _date_text(assignment.due_on)}
            },
            code="after_assignment_due",
        )
    if due_on < timezone.localdate():
        raise ValidationError(
            {"due_on": _("任务期限不能早于今天。")}, code="in_the_past"
        )
    task = Task(
        assignment=assignment,
        kind=kind,
        title=title or Task.Kind(kind).label,
        assignee=assignee,
        due_on=due_on,
        note=note.strip(),
        created_by=actor,
    )
    save_as(task, actor)
    if assignee != actor:
        notify_task_assigned(task=task, actor=actor)
    return task


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related(
        "assignment__unit", "assignment__proposal"
    ).get(pk=task.pk)


@transaction.atomic
def task_set_state(*, task: Task, state: str, actor=None, reason: str = "") -> Task:
    """Move a task along Task's row of transitions.ALLOWED: done, or cancelled with a
    reason (kept on the task; history keeps every earlier one)."""
    task = _locked(task)
    _check_open(task)
    move(task, state)
    reason = reason.strip()
    if state == Task.State.CANCELLED:
        if not reason:
            raise ValidationError(
                {"cancel_reason": _("取消任务时必须说明理由。")}, code="reason_required"
            )
        task.cancel_reason = reason
    elif state == Task.State.OPEN:
        task.cancel_reason = ""
    task.done_at = timezone.now() if state == Task.State.DONE else None
    save_as(task, actor)
    return task


def task_finish(*, task: Task, actor=None) -> Task:
    return task_set_state(task=task, state=Task.State.DONE, actor=actor)


def task_cancel(*, task: Task, reason: str, actor=None) -> Task:
    return task_set_state(task=task, state=Task.State.CANCELLED, reason=reason, actor=actor)


@transaction.atomic
def task_reassign(*, task: Task, assignee, actor=None) -> Task:
    """Hand an open task to a colleague of the same unit: one history row with the actor,
    one notice to the new holder."""
    task = _locked(task)
    _check_open(task)
    if not task.is_open:
        raise ValidationError(
            _("任务%(state)s，不能转交。") % {"state": task.get_state_display()},
            code="not_open",
        )
    _check_assignee(task.assignment, assignee)
    if assignee.pk == task.assignee_id:
        raise ValidationError(
            {"assignee": _("任务已由%(name)s承办，请选择另一位同事。") % {"name": _name(assignee)}},
            code="same_assignee",
        )
    previous = task.assignee
    task.assignee = assignee
    task._change_reason = f"转交：{_name(previous)} → {_name(assignee)}"
    save_as(task, actor)
    if assignee != actor:
        notify_task_assigned(task=task, actor=actor, previous=previous)
    return task


@transaction.atomic
def contact_record_create(
    *,
    assignment: Assignment,
    contacted_on: dt.date,
    method: str,
    summary: str,
    participants: str = "",
    actor=None,
) -> ContactRecord:
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("沟通日期不能晚于今天。")}, code="future")
    if contacted_on < assignment.assigned_on:
        raise ValidationError(
            {
                "contacted_on": _("沟通日期不能早于交办日期（%(d)s）。")
                % {"d": assignment.assigned_on}
            },
            code="before_assigned",
        )
    record = ContactRecord(
        assignment=assignment,
        contacted_on=contacted_on,
        method=method,
        summary=summary.strip(),
        participants=participants.strip(),
        recorded_by=actor,
    )
    save_as(record, actor)
    if assignment.state == Assignment.State.ASSIGNED:
        assignment_start(assignment=assignment, actor=actor)
    return record
