"""Notices to a unit: deadline reminders from the daily scan and decisions on its requests.

A reminder goes once per assignment, milestone and due date: the database refuses a second
row (UniqueConstraint), so two overlapping scans cannot both send it. An approved extension
moves the due date, and the reminders for the new date go out again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .handling import Assignment, Task
from .org import Unit


class Notice(models.Model):
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("即将到期")
        DUE_TODAY = "due_today", _("今日到期")
        OVERDUE = "overdue", _("已超期")
        EXTENSION_DECIDED = "extension_decided", _("延期申请已审批")
        REASSIGNMENT_DECIDED = "reassignment_decided", _("调整申请已审批")
        ASSIGNED = "assigned", _("新交办")
        REPLY_SUBMITTED = "reply_submitted", _("答复待签发")
        REPLY_RETURNED = "reply_returned", _("答复被退回")
        FEEDBACK_UNSATISFIED = "feedback_unsatisfied", _("提案人不满意")
        TASK_ASSIGNED = "task_assigned", _("新任务")
        TASK_DUE_SOON = "task_due_soon", _("任务临期")
        TASK_DUE_TODAY = "task_due_today", _("任务今日到期")
        TASK_OVERDUE = "task_overdue", _("任务过期")
        COUNTERSIGN_REQUESTED = "countersign_requested", _("待会签")
        COUNTERSIGN_CONFIRMED = "countersign_confirmed", _("协办单位已会签")
        COUNTERSIGN_RETURNED = "countersign_returned", _("协办单位退回会签")
        COUNTERSIGN_LAPSED = "countersign_lapsed", _("会签逾期视为同意")
        PUBLICATION_OVERDUE = "publication_overdue", _("公开答复逾期未发布")
        PUBLICATION_REPLACED = "publication_replaced", _("公开答复因更正撤下")

    DEADLINE_KINDS = (Kind.DUE_SOON, Kind.DUE_TODAY, Kind.OVERDUE)
    TASK_DEADLINE_KINDS = (Kind.TASK_DUE_SOON, Kind.TASK_DUE_TODAY, Kind.TASK_OVERDUE)

    # Indexed by notice_unit_recent (unit, -id); fewer indexes keep the daily inserts fast.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("单位"),
        db_index=False,
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("交办"),
    )
    # Notices about a task: its reminders and hand-overs. They go to one person of the
    # unit (recipient), not to the whole unit.
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("任务"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    # For deadline reminders: the milestone, e.g. "due_in_7", "due_today", "overdue".
    milestone = models.CharField(_("节点"), max_length=20, blank=True)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    # Deadline reminders leave it empty and are rendered by `text`; other notices store it.
    message = models.CharField(_("内容"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "milestone", "due_on"],
                condition=~Q(milestone="") & Q(task__isnull=True),
                name="notice_once_per_assignment_milestone",
            ),
            models.UniqueConstraint(
                fields=["task", "milestone", "due_on"],
                condition=~Q(milestone="") & Q(task__isnull=False),
                name="notice_once_per_task_milestone",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "-id"], name="notice_unit_recent"),
            models.Index(
                fields=["unit"], condition=Q(emailed_at__isnull=True), name="notice_unsent_mail"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """What the notice says (select_related("assignment__proposal") for lists)."""
        if self.message or not self.milestone:
            return self.message
        from ..notices import deadline_text, task_deadline_text

        if self.task_id:
            return task_deadline_text(task=self.task, milestone=self.milestone,
                                      due_on=self.due_on)
        proposal = self.assignment.proposal
        return deadline_text(
            milestone=self.milestone,
            due_on=self.due_on,
            number=proposal.number,
            title=proposal.title,
            is_co=self.assignment.role == Assignment.Role.CO,
        )


class NoticeCursor(models.Model):
    """The last notice a person has seen: everything newer counts as unread (the bell)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_cursor",
        verbose_name=_("用户"),
    )
    last_seen_id = models.BigIntegerField(_("已读至"), default=0)

    class Meta:
        verbose_name = _("提醒已读位置")
        verbose_name_plural = _("提醒已读位置")

    def __str__(self) -> str:
        return f"{self.user} → {self.last_seen_id}"
