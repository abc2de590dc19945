"""The proposer's feedback (征询意见) on a sent reply, through a personal link."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .reply import Reply


class FeedbackLink(models.Model):
    """A link for the proposer. Only the SHA-256 of its random token is stored."""

    reply = models.ForeignKey(
        Reply, on_delete=models.PROTECT, related_name="feedback_links", verbose_name=_("答复函")
    )
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("失效时间"))
    use_count = models.PositiveIntegerField(_("使用次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked = models.BooleanField(_("已作废"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("征询意见链接")
        verbose_name_plural = _("征询意见链接")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reply} {self.token_hash[:8]}"


class Feedback(models.Model):
    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    reply = models.OneToOneField(
        Reply, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("答复函")
    )
    link = models.ForeignKey(
        FeedbackLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedbacks",
        verbose_name=_("链接"),
    )
    satisfaction = models.CharField(_("满意度"), max_length=30, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("提案人反馈")
        verbose_name_plural = _("提案人反馈")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    satisfaction__in=["satisfied", "basically_satisfied", "unsatisfied"]
                ),
                name="feedback_satisfaction_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reply} {self.get_satisfaction_display()}"
