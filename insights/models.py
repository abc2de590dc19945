"""A proposal import: the uploaded workbook, its dry-run findings and its outcome."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalImport(models.Model):
    """One upload of an .xlsx of proposals into a session.

    The file is kept (as bytes: imports are small) so that the confirmed import writes
    exactly the rows the dry run checked, and a large one can run in a worker.
    """

    class State(models.TextChoices):
        CHECKED = "checked", _("已检查")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")

    session = models.ForeignKey(
        "proposals.Session",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("届次"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("导入人"),
    )
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"))
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.CHECKED, db_index=True
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("进度"), default=0, validators=[MaxValueValidator(100)]
    )
    imported_count = models.PositiveIntegerField(_("已导入件数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Written while a worker imports (jobs.heartbeat): an import not heard of for
    # JOB_STALE_AFTER lost its worker and is re-queued, at most JOB_MAX_INTERRUPTIONS times.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    interruptions = models.PositiveSmallIntegerField(_("中断次数"), default=0)

    class Meta:
        verbose_name = _("提案导入")
        verbose_name_plural = _("提案导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_state_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def is_interrupted(self) -> bool:
        """Importing, but its worker has not been heard of for JOB_STALE_AFTER."""
        from jobs.heartbeat import is_stale

        return is_stale(self)
