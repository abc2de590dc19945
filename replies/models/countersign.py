"""会签: a co-handling unit confirms the final draft that uses its section before the lead
unit's signer may sign it off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proposals.models import Assignment, Unit

from .reply import Reply


class CountersignState(models.TextChoices):
    PENDING = "pending", _("待会签")
    CONFIRMED = "confirmed", _("已会签")
    RETURNED = "returned", _("已退回")
    LAPSED = "lapsed", _("逾期视为同意")
    # The draft went back to the lead (returned by the signer or another co unit) before
    # this unit answered: the next submission asks again.
    WITHDRAWN = "withdrawn", _("已撤回")


class CountersignQuerySet(models.QuerySet):
    def pending(self) -> CountersignQuerySet:
        return self.filter(state=CountersignState.PENDING)


class Countersign(models.Model):
    """One co-handling unit's 会签 of one submission of a reply draft.

    Every submission for review asks afresh; the requests of earlier rounds stay (with
    their history) and are shown as such.
    """

    State = CountersignState
    # Answered states: the signer may sign once no request of the reply is pending.
    DONE_STATES = (CountersignState.CONFIRMED, CountersignState.LAPSED)

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="countersigns", verbose_name=_("答复函")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="countersigns", verbose_name=_("会签单位")
    )
    # The unit's co-handling assignment on the proposal (its notices point there).
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="countersigns",
        verbose_name=_("协办交办"),
    )
    # The submission for review that asked (1, 2, ...): each one asks afresh.
    round = models.PositiveSmallIntegerField(_("送审轮次"), default=1)
    state = models.CharField(
        _("状态"), max_length=20, choices=CountersignState.choices,
        default=CountersignState.PENDING, db_index=True,
    )
    reason = models.TextField(_("退回理由"), blank=True)
    requested_on = models.DateField(_("送会签日期"))
    # Null only while the holiday calendar lacks the year: the daily scan sets it.
    due_on = models.DateField(_("会签期限"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("送会签人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("处理人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CountersignQuerySet.as_manager()

    class Meta:
        verbose_name = _("会签")
        verbose_name_plural = _("会签")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reply", "unit"],
                condition=Q(state="pending"),
                name="countersign_one_pending_per_unit",
                violation_error_message=_("该单位已有一份待会签的请求"),
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(reason=""),
                name="countersign_return_has_reason",
                violation_error_message=_("退回会签必须填写理由"),
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False),
                name="countersign_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_state_display()}"

    @property
    def is_pending(self) -> bool:
        return self.state == CountersignState.PENDING
