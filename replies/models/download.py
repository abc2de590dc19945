"""Who downloaded a signed letter, and when (a reply's file is an official document)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .reply import Reply


class ReplyDownload(models.Model):
    class Via(models.TextChoices):
        STAFF = "staff", _("工作人员")
        PROPOSER = "proposer", _("提案人链接")

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="downloads", verbose_name=_("答复函")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("下载人"),
    )
    via = models.CharField(_("途径"), max_length=10, choices=Via.choices, default=Via.STAFF)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("答复函下载记录")
        verbose_name_plural = _("答复函下载记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reply} {self.at:%Y-%m-%d %H:%M}"
