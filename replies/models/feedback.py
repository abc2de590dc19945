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


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


# Worst last: the overall answer of a two-part feedback is the worse of its parts.
_RANK = {level: n for n, level in enumerate(Satisfaction.values)}


def overall_satisfaction(process: str, result: str) -> str:
    """满意 only when both parts are; 不满意 when either is (it reopens handling)."""
    return max(process, result, key=_RANK.__getitem__)


class Feedback(models.Model):
    """The proposer's answer in two parts (办理过程: contact, attitude; 办理结果), each
    满意 / 基本满意 / 不满意. `satisfaction` is the overall answer, the worse of the two,
    kept as a column because every count of 满意率 and the lifecycle read it; an answer
    given before the split (one level for both) was copied to both parts by migration
    replies 0008."""

    Satisfaction = Satisfaction

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
    process_satisfaction = models.CharField(
        _("办理过程满意度"), max_length=30, choices=Satisfaction.choices,
        help_text=_("联系沟通、办理态度"),
    )
    result_satisfaction = models.CharField(
        _("办理结果满意度"), max_length=30, choices=Satisfaction.choices
    )
    satisfaction = models.CharField(
        _("总体满意度"), max_length=30, choices=Satisfaction.choices, editable=False,
        help_text=_("两项中较低的一项"),
    )
    # 重新办理后的再次答复：其评价为最终评价，不再退回。
    is_final = models.BooleanField(_("重新办理后的评价"), default=False)
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
            models.CheckConstraint(
                condition=Q(process_satisfaction__in=Satisfaction.values)
                & Q(result_satisfaction__in=Satisfaction.values),
                name="feedback_parts_valid",
            ),
            # The overall answer is the worse part: 满意 only if both are, 不满意 if either.
            models.CheckConstraint(
                condition=(
                    Q(satisfaction="unsatisfied")
                    & (Q(process_satisfaction="unsatisfied") | Q(result_satisfaction="unsatisfied"))
                ) | (
                    Q(satisfaction="basically_satisfied")
                    & ~Q(process_satisfaction="unsatisfied") & ~Q(result_satisfaction="unsatisfied")
                    & (Q(process_satisfaction="basically_satisfied")
                       | Q(result_satisfaction="basically_satisfied"))
                ) | Q(satisfaction="satisfied", process_satisfaction="satisfied",
                      result_satisfaction="satisfied"),
                name="feedback_overall_is_worse_part",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reply} {self.get_satisfaction_display()}"

    def save(self, *args, **kwargs) -> None:
        # Code written before the split gives one level: it stands for both parts.
        if not self.process_satisfaction and not self.result_satisfaction:
            self.process_satisfaction = self.result_satisfaction = self.satisfaction
        if self.process_satisfaction and self.result_satisfaction:
            self.satisfaction = overall_satisfaction(
                self.process_satisfaction, self.result_satisfaction
            )
        super().save(*args, **kwargs)

    @property
    def parts_display(self) -> str:
        """办理过程：满意，办理结果：基本满意"""
        return _("办理过程：%(p)s，办理结果：%(r)s") % {
            "p": self.get_process_satisfaction_display(),
            "r": self.get_result_satisfaction_display(),
        }
