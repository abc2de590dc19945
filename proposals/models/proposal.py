"""The proposal (提案) and its lifecycle state."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from .org import Proposer, Session


class ProposalStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ACCEPTED = "accepted", _("已立案")
    REJECTED = "rejected", _("不予立案")
    MERGED = "merged", _("已并案")
    ASSIGNED = "assigned", _("已交办")
    IN_PROGRESS = "in_progress", _("办理中")
    ANSWERED = "answered", _("已答复")
    FEEDBACK = "feedback", _("已反馈")
    CLOSED = "closed", _("办结")


class Proposal(models.Model):
    Status = ProposalStatus

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("届次")
    )
    number = models.PositiveIntegerField(_("提案号"), validators=[MinValueValidator(1)])
    title = models.CharField(_("案由"), max_length=200)
    content = models.TextField(_("提案内容"), blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    suggestions = models.TextField(_("建议"), blank=True)
    lead_proposer = models.ForeignKey(
        Proposer,
        on_delete=models.PROTECT,
        related_name="led_proposals",
        verbose_name=_("领衔人"),
    )
    co_signers = models.ManyToManyField(
        Proposer, blank=True, related_name="cosigned_proposals", verbose_name=_("附议人")
    )
    is_collective = models.BooleanField(_("集体提案"), default=False)
    suggested_units = models.CharField(_("建议承办单位"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.REGISTERED,
        db_index=True,
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_proposals",
        verbose_name=_("并入提案"),
    )
    decision_note = models.TextField(_("立案审查意见"), blank=True)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    # 重点提案: picked by the committee each session, led by a named leader (领衔督办, a
    # vice chair or a deputy mayor: a name and title, not an account) with a supervising
    # unit (督办单位, often not a handling unit: 提案委, a 专委会, 政府督查室). Marked and
    # unmarked through proposals.services.key_proposals; the history keeps every change.
    is_key = models.BooleanField(_("重点提案"), default=False)
    supervising_leader = models.CharField(_("领衔督办领导"), max_length=50, blank=True)
    supervising_leader_title = models.CharField(
        _("领衔督办领导职务"), max_length=100, blank=True, help_text=_("例如：市政协副主席")
    )
    supervising_unit = models.CharField(_("督办单位"), max_length=100, blank=True)
    key_unmark_reason = models.TextField(_("取消重点理由"), blank=True)
    history = HistoricalRecords(m2m_fields=[co_signers])

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                name="proposal_unique_number_in_session",
                violation_error_message=_("本届次已有同号提案"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="proposal_number_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ProposalStatus.MERGED, merged_into__isnull=False)
                    | (~Q(status=ProposalStatus.MERGED) & Q(merged_into__isnull=True))
                ),
                name="proposal_merged_iff_merged_into",
                violation_error_message=_("只有已并案的提案才有并入提案"),
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")),
                name="proposal_not_merged_into_itself",
            ),
            models.CheckConstraint(
                condition=Q(is_key=False) | (~Q(supervising_leader="") & ~Q(supervising_unit="")),
                name="proposal_key_has_leader_and_unit",
                violation_error_message=_("重点提案须有领衔督办领导和督办单位"),
            ),
        ]
        indexes = [
            # Work lists show key proposals first (the clerk's list of a session: key ones,
            # then by number), read in this order from the index.
            models.Index(fields=["session", "-is_key", "number"], name="proposal_key_first"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}号 {self.title}"

    def save(self, *args, **kwargs) -> None:
        """Saves; a proposal moved to another session takes its assignments along (their
        copy of the session, Assignment.session), with a history row each. On PostgreSQL
        the foreign key has moved them already (ON UPDATE CASCADE, migration 0009)."""
        super().save(*args, **kwargs)
        before = getattr(self, "_saved_session_id", None)
        if before is not None and before != self.session_id:
            # With a history row each (one bulk update, one insert): that is how the cached
            # statistics learn which units' figures changed (insights.stats).
            assignments = list(self.assignments.all())
            for assignment in assignments:
                assignment.session_id = self.session_id
            bulk_update_with_history(
                assignments, self.assignments.model, ["session"],
                default_user=getattr(self, "_history_user", None),
            )
        self._saved_session_id = self.session_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_session_id = instance.__dict__.get("session_id")
        return instance

    @property
    def display_number(self) -> str:
        return f"第{self.number}号"
