"""Demo tasks inside the units (issue 20): the 市场监管局's administrator gives its handler
work on its open assignments — one overdue, one due soon, one done, one cancelled, one handed
over from a colleague — and the 科技局's handler keeps one of their own. Each is made through
the services on the day it happened, so history and notices read as if people did it.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

from proposals import services
from proposals.models import Assignment, Task

# (unit, title, kind, holder, given by, given: working days ago, due: working days from
# today (negative: past), then what happened: (working days ago, action, who, detail))
PLAN = [
    ("scjg", "电话联系提案人，约定走访时间", Task.Kind.CONTACT, "scjg_zhu", "scjg_admin",
     8, -2, None),
    ("scjg", "起草答复函初稿，送分管领导审阅", Task.Kind.REPLY, "scjg_zhu", "scjg_admin",
     3, 2, None),
    ("scjg", "到连云港经济技术开发区企业实地调研", Task.Kind.SURVEY, "scjg_zhu", "scjg_admin",
     6, 6, (2, "done", "scjg_zhu", "")),
    ("scjg", "汇总各科室意见形成本单位意见", Task.Kind.OPINION, "scjg_ma", "scjg_admin",
     5, 8, (4, "reassign", "scjg_admin", "scjg_zhu")),
    ("scjg", "整理近三年知识产权质押融资数据", Task.Kind.OTHER, "scjg_zhu", "scjg_admin",
     7, 5, (3, "cancel", "scjg_admin", "数据已由统计科提供，无需另行整理。")),
    ("kj", "起草科技局协办意见", Task.Kind.OPINION, "kj_li", "kj_li", 2, 4, None),
]


@contextmanager
def _clock(day: dt.date, hour: int):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    with mock.patch.object(timezone, "now", return_value=at):
        yield


def _assignment(unit, given: dt.date, due: dt.date) -> Assignment | None:
    """An open assignment of the unit, handed over by `given`, due no earlier than `due`."""
    return (
        Assignment.objects.filter(
            unit=unit, state__in=Assignment.OPEN_STATES, assigned_on__lt=given, due_on__gte=due
        )
        .order_by("due_on", "pk")
        .first()
    )


def load_demo_tasks(*, units: dict, users: dict, days) -> int:
    """Give out the demo's tasks (`days`: load_demo's working-day helper around today);
    returns how many were made. Does nothing when they exist already."""
    titles = [row[1] for row in PLAN]
    if Task.objects.filter(title__in=titles).exists():
        return 0
    made = 0
    for unit_key, title, kind, holder, by, given_ago, due_in, then in PLAN:
        given = days.ago(given_ago)
        due = days.after(days.today, due_in) if due_in >= 0 else days.ago(-due_in)
        assignment = _assignment(units[unit_key], given, due)
        if assignment is None:
            continue
        with _clock(given, 9):
            task = services.task_create(
                assignment=assignment, kind=kind, title=title, assignee=users[holder],
                due_on=due, actor=users[by],
                note="请于期限前在系统中标记完成。" if kind == Task.Kind.REPLY else "",
            )
        made += 1
        if then is None:
            continue
        ago, action, who, detail = then
        with _clock(days.ago(ago), 15):
            if action == "done":
                services.task_finish(task=task, actor=users[who])
            elif action == "cancel":
                services.task_cancel(task=task, reason=detail, actor=users[who])
            else:
                services.task_reassign(task=task, assignee=users[detail], actor=users[who])
    return made
