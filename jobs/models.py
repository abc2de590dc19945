"""Long work run by a worker (Job) and the outbox that hands tasks to the broker."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .registry import kinds, label_of


def job_result_path(job: "Job", filename: str) -> str:
    return f"jobs/{job.created_at:%Y/%m}/{job.pk}/{filename}"


class Job(models.Model):
    # The kinds are registered by the apps that own the work (jobs.registry).
    SELFTEST = "selftest"

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("发起人"),
    )
    committee = models.ForeignKey(
        "proposals.Committee",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("政协"),
    )
    unit = models.ForeignKey(
        "proposals.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("单位"),
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        _("进度"), default=0, validators=[MaxValueValidator(100)]
    )
    message = models.CharField(_("说明"), max_length=200, blank=True)
    result = models.FileField(_("结果文件"), upload_to=job_result_path, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Written while it runs (jobs.heartbeat): a running job not heard of for
    # JOB_STALE_AFTER lost its worker and is re-queued, at most JOB_MAX_INTERRUPTIONS times.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    interruptions = models.PositiveSmallIntegerField(_("中断次数"), default=0)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="job_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def clean(self) -> None:
        if self.kind not in kinds():
            raise ValidationError({"kind": _("未知的任务类型：%(kind)s") % {"kind": self.kind}})

    def get_kind_display(self) -> str:
        return label_of(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def is_interrupted(self) -> bool:
        """Running, but its worker has not been heard of for JOB_STALE_AFTER."""
        from .heartbeat import is_stale

        return is_stale(self)


class OutboxMessage(models.Model):
    """A task to queue, written in the same transaction as the write that asks for it.

    Sent after commit; when the broker is unreachable the row stays unsent and
    `flush_outbox` (periodic task and management command) delivers it later.
    """

    task_name = models.CharField(_("任务"), max_length=200)
    kwargs = models.JSONField(_("参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("投递次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("待投递任务")
        verbose_name_plural = _("待投递任务")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["id"], condition=Q(sent_at__isnull=True), name="outbox_unsent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
