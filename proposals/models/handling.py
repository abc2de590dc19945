"""Handling a proposal inside units: assignments, tasks, contact, sections, requests."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .org import Session, Unit
from .proposal import Proposal

_user_fk = {"on_delete": models.PROTECT, "related_name": "+"}


def _fill_sessions(assignments) -> None:
    """Give each assignment without one its proposal's session (one query for those whose
    proposal is not loaded)."""
    loaded = Assignment.proposal.is_cached
    unknown = {a.proposal_id for a in assignments if a.session_id is None and not loaded(a)}
    sessions = {}
    if unknown:
        sessions = dict(Proposal.objects.filter(pk__in=unknown).values_list("pk", "session_id"))
    for a in assignments:
        if a.session_id is None:
            a.session_id = a.proposal.session_id if loaded(a) else sessions.get(a.proposal_id)


# How a proposal's units are listed, everywhere (list, proposal page, exports): the unit
# that answers the proposer (主办, or each 分办) first, then the co-handling units, withdrawn
# ones last, each group in the order it was assigned.
_CO_LAST = models.Case(
    models.When(role="co", then=models.Value(1)),
    default=models.Value(0),
    output_field=models.IntegerField(),
)
_WITHDRAWN_LAST = models.Case(
    models.When(state="withdrawn", then=models.Value(1)),
    default=models.Value(0),
    output_field=models.IntegerField(),
)


class AssignmentQuerySet(models.QuerySet):
    def in_reading_order(self, *first) -> "AssignmentQuerySet":
        """Lead and split units before co-handling units (see _CO_LAST); `first` are
        orderings that come before it, e.g. "proposal__number" in a list of many."""
        return self.order_by(*first, _CO_LAST, _WITHDRAWN_LAST, "pk")

    def overdue(self, *, on) -> "AssignmentQuerySet":
        """Open work past its due date on the day `on` (超期): the one definition, also as
        Assignment.overdue_condition and Assignment.is_overdue_on."""
        return self.filter(Assignment.overdue_condition(on))

    def answering(self) -> "AssignmentQuerySet":
        """Lead and split assignments: the units that answer the proposer with a letter."""
        return self.filter(role__in=Assignment.ANSWERING_ROLES)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _fill_sessions(objs)
        return super().bulk_create(objs, *args, **kwargs)


class Assignment(models.Model):
    """A proposal handed to a unit (交办), with the unit's role and due date."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")
        SPLIT = "split", _("分办")

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("已交办")
        IN_PROGRESS = "in_progress", _("办理中")
        COMPLETED = "completed", _("已完成")
        WITHDRAWN = "withdrawn", _("已撤回")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("提案")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("承办单位")
    )
    # The proposal's session, copied here so that a session's assignments are read from
    # this table's own indexes (statistics, overdue lists), without joining the proposals.
    # Filled from the proposal on save and bulk_create; Proposal.save carries a move to
    # another session over; PostgreSQL also holds it equal to the proposal's with a
    # foreign key on (proposal_id, session_id), ON UPDATE CASCADE (migration 0009).
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="+", editable=False,
        verbose_name=_("届次"),
    )
    role = models.CharField(_("办理方式"), max_length=10, choices=Role.choices)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.ASSIGNED, db_index=True
    )
    assigned_on = models.DateField(_("交办日期"))
    due_on = models.DateField(_("办理期限"), db_index=True)
    # 重新办理 moves due_on to the new date; the first answer was due by this one, which
    # 按期办复 keeps measuring against (insights.stats).
    first_due_on = models.DateField(
        _("首次答复期限"), null=True, blank=True,
        help_text=_("重新办理前的办理期限；按期办复率按此计算。"),
    )
    assigned_at = models.DateTimeField(_("交办时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("交办人"), **_user_fk
    )
    note = models.CharField(_("交办说明"), max_length=500, blank=True)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    OPEN_STATES = (State.ASSIGNED, State.IN_PROGRESS)
    # The roles that answer the proposer with a reply letter (co-handling units write a
    # section for the lead's letter instead).
    ANSWERING_ROLES = (Role.LEAD, Role.SPLIT)

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(role="lead") & ~Q(state="withdrawn"),
                name="assignment_one_lead_per_proposal",
                violation_error_message=_("一件提案只能有一个主办单位（分办除外）"),
            ),
            models.UniqueConstraint(
                fields=["proposal", "unit"],
                condition=~Q(state="withdrawn"),
                name="assignment_unit_once_per_proposal",
                violation_error_message=_("同一单位不能重复承办同一件提案"),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("assigned_on")),
                name="assignment_due_after_assigned",
                violation_error_message=_("办理期限不能早于交办日期"),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "state", "due_on"]),
            # Open work by due date (OPEN_STATES): the overdue list, earliest first, and
            # the daily deadline scan read only these rows.
            models.Index(
                fields=["due_on"],
                condition=Q(state__in=["assigned", "in_progress"]),
                name="assignment_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.unit}（{self.get_role_display()}）"

    def save(self, *args, **kwargs) -> None:
        if self.session_id is None and self.proposal_id is not None:
            _fill_sessions([self])
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @classmethod
    def overdue_condition(cls, day, prefix: str = "") -> Q:
        """Assignment.objects.overdue as a condition; `prefix` applies it from a related
        model (e.g. "assignments__" on Proposal) or inside an aggregate's filter."""
        return Q(**{f"{prefix}state__in": cls.OPEN_STATES, f"{prefix}due_on__lt": day})

    def is_overdue_on(self, day) -> bool:
        """Open work past its due date on `day` (the 超期 flag)."""
        return self.is_open and self.due_on < day

    @property
    def answers_proposer(self) -> bool:
        """Lead and split units write a reply letter; co-handling units write a section."""
        return self.role in self.ANSWERING_ROLES


class TaskQuerySet(models.QuerySet):
    def overdue(self, *, on) -> "TaskQuerySet":
        """Open tasks past their due date on the day `on` (过期): the one definition, also
        as Task.overdue_condition and Task.is_overdue_on."""
        return self.filter(Task.overdue_condition(on))


class Task(models.Model):
    """A piece of work inside a unit on an assignment, given to one person of the unit."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("联系提案人")
        OPINION = "opinion", _("起草本单位意见")
        REPLY = "reply", _("起草答复函")
        SURVEY = "survey", _("实地调研")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("交办")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("事项"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), **_user_fk
    )
    due_on = models.DateField(_("期限"), db_index=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.OPEN, db_index=True
    )
    cancel_reason = models.CharField(_("取消理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("分派人"), **_user_fk
    )
    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理任务")
        verbose_name_plural = _("办理任务")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="cancelled") | ~Q(cancel_reason=""),
                name="task_cancelled_has_reason",
                violation_error_message=_("取消任务时必须说明理由"),
            ),
        ]
        indexes = [
            # A person's open tasks by due date (the home page) and the daily scan.
            models.Index(
                fields=["assignee", "due_on"],
                condition=Q(state="open"),
                name="task_open_by_assignee",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @classmethod
    def overdue_condition(cls, day, prefix: str = "") -> Q:
        return Q(**{f"{prefix}state": cls.State.OPEN, f"{prefix}due_on__lt": day})

    def is_overdue_on(self, day) -> bool:
        """Open and past its due date on `day` (the 过期 flag)."""
        return self.is_open and self.due_on < day


class ContactRecord(models.Model):
    """沟通协商: how and when the unit talked to the proposer, and what came of it."""

    class Method(models.TextChoices):
        PHONE = "phone", _("电话")
        VISIT = "visit", _("走访")
        MEETING = "meeting", _("座谈")
        LETTER = "letter", _("书面")
        ONLINE = "online", _("网络")

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="contact_records",
        verbose_name=_("交办"),
    )
    contacted_on = models.DateField(_("沟通日期"))
    method = models.CharField(_("方式"), max_length=20, choices=Method.choices)
    participants = models.CharField(_("参加人员"), max_length=200, blank=True)
    summary = models.TextField(_("沟通情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("记录人"), **_user_fk
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("沟通协商记录")
        verbose_name_plural = _("沟通协商记录")
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.assignment.unit} {self.contacted_on} {self.get_method_display()}"


class Section(models.Model):
    """A unit's contribution to the reply: a heading with paragraphs (协办意见).

    Co-handling units submit theirs to the lead unit, which accepts or returns them; the lead
    unit's own sections are kept here too, so every paragraph of a reply knows its unit.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已采纳")
        RETURNED = "returned", _("退回")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="sections", verbose_name=_("交办")
    )
    heading = models.CharField(_("标题"), max_length=200, blank=True)
    paragraphs = models.JSONField(_("段落"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("撰写人"), **_user_fk
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("处理人"), **_user_fk
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("协办意见")
        verbose_name_plural = _("协办意见")
        ordering = ["assignment", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="section_returned_has_reason",
                violation_error_message=_("退回时必须说明理由"),
            ),
        ]

    def __str__(self) -> str:
        return self.heading or f"{self.assignment.unit}的意见"

    @property
    def unit(self) -> Unit:
        return self.assignment.unit


class _Request(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        REJECTED = "rejected", _("不同意")

    reason = models.TextField(_("理由"))
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("申请人"), **_user_fk
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("审批人"), **_user_fk
    )
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        abstract = True


class ExtensionRequest(_Request):
    """申请延期: a unit asks, before its due date, for more time."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="extension_requests",
        verbose_name=_("交办"),
    )
    current_due_on = models.DateField(_("原期限"))
    requested_due_on = models.DateField(_("申请延至"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(state="pending"),
                name="extension_one_pending_per_assignment",
                violation_error_message=_("已有一条待审批的延期申请"),
            ),
            models.CheckConstraint(
                condition=Q(requested_due_on__gt=models.F("current_due_on")),
                name="extension_moves_due_date_later",
                violation_error_message=_("申请延至的日期必须晚于原期限"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} 延期至 {self.requested_due_on}"


class ReassignmentRequest(_Request):
    """申请调整: a unit says the proposal was handed to the wrong unit."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="reassignment_requests",
        verbose_name=_("交办"),
    )
    suggested_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建议承办单位"),
    )
    new_assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("调整后的交办"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调整申请")
        verbose_name_plural = _("调整申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(state="pending"),
                name="reassignment_one_pending_per_assignment",
                violation_error_message=_("已有一条待审批的调整申请"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} 申请调整"
