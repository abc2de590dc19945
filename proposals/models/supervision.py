"""督办: what the committee does to push a key proposal (重点提案) along."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .proposal import Proposal


class SupervisionRecord(models.Model):
    """One 督办 entry on a key proposal: a visit, a meeting, the leader's note or an
    opinion, with its date, who took part and what was said. Recorded by the committee's
    clerks; the units handling the proposal read them."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("走访")
        MEETING = "meeting", _("座谈会")
        LEADER_NOTE = "leader_note", _("领导批示")
        OPINION = "opinion", _("督办意见")

    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        related_name="supervision_records",
        verbose_name=_("提案"),
    )
    kind = models.CharField(_("督办方式"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("日期"))
    participants = models.CharField(
        _("参加人员"), max_length=200, help_text=_("例如：王副主席、提案委、市市场监管局")
    )
    text = models.TextField(_("督办情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.proposal.display_number} {self.held_on} {self.get_kind_display()}"
