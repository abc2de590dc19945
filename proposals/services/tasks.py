"""Work inside a unit: tasks for named handlers, and contact records (沟通协商)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..models import Assignment, ContactRecord, Task
from ..transitions import move
from ._common import save_as
from .assignments import assignment_start


@transaction.atomic
def task_create(
    *,
    assignment: Assignment,
    kind: str,
    title: str,
    assignee,
    due_on: dt.date,
    actor=None,
) -> Task:
    if not access.is_member_of(assignee, assignment.unit_id):
        raise ValidationError(
            {"assignee": _("承办人必须是%(unit)s的工作人员。") % {"unit": assignment.unit}},
            code="other_unit",
        )
    if due_on > assignment.due_on:
        raise ValidationError(
            {"due_on": _("任务期限不能晚于交办期限（%(due)s）。") % {"due": assignment.due_on}},
            code="after_assignment_due",
        )
    task = Task(
        assignment=assignment,
        kind=kind,
        title=title.strip(),
        assignee=assignee,
        due_on=due_on,
        created_by=actor,
    )
    save_as(task, actor)
    return task


@transaction.atomic
def task_set_state(*, task: Task, state: str, actor=None) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    move(task, state)
    task.done_at = timezone.now() if state == Task.State.DONE else None
    save_as(task, actor)
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
