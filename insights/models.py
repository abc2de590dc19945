"""A proposal import: the uploaded workbook, its dry-run findings and its outcome."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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


class AssessmentScheme(models.Model):
    """How the units of one session are scored (承办单位考评): its rules are rows the
    committee's clerk edits (AssessmentRule); the code only measures the indicators."""

    session = models.OneToOneField(
        "proposals.Session", on_delete=models.CASCADE, related_name="assessment_scheme",
        verbose_name=_("届次"),
    )
    name = models.CharField(_("方案名称"), max_length=100)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考评方案")
        verbose_name_plural = _("考评方案")

    def __str__(self) -> str:
        return self.name


class AssessmentRule(models.Model):
    """One line of a scheme: an indicator the code measures (insights.assessment.INDICATORS),
    and what it is worth: weight × rate, or points per count up to a cap."""

    class Kind(models.TextChoices):
        RATE = "rate", _("比率×权重")
        DEDUCTION = "deduction", _("按次扣分")

    class NoBase(models.TextChoices):
        """A unit with nothing to measure the rate on (no 会签 asked of it, say)."""

        FULL = "full", _("得满分")
        ZERO = "zero", _("得零分")
        AVERAGE = "average", _("按各单位平均")

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="rules", verbose_name=_("方案")
    )
    indicator = models.CharField(_("指标"), max_length=40)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("计分方式"), max_length=20, choices=Kind.choices)
    # Rate rules: the points of a 100% rate. Deduction rules: the points taken per count.
    weight = models.DecimalField(_("权重/每次扣分"), max_digits=6, decimal_places=2)
    # Deduction rules: at most this many points taken (blank: no cap).
    cap = models.DecimalField(
        _("扣分上限"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    no_base = models.CharField(
        _("无计算基数时"), max_length=20, choices=NoBase.choices, default=NoBase.FULL
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    enabled = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考评规则")
        verbose_name_plural = _("考评规则")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="assessmentrule_weight_not_negative",
                violation_error_message=_("权重/每次扣分不能为负数"),
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=0),
                name="assessmentrule_cap_not_negative",
                violation_error_message=_("扣分上限不能为负数"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScoreAdjustment(models.Model):
    """The clerk's adjustment of one unit's score in one session, with the reason; every
    change is kept (history), removing it too."""

    session = models.ForeignKey(
        "proposals.Session", on_delete=models.CASCADE, related_name="+", verbose_name=_("届次")
    )
    unit = models.ForeignKey(
        "proposals.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    points = models.DecimalField(_("调整分值"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("调整理由"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("调整人"),
    )
    changed_at = models.DateTimeField(_("调整时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考评分调整")
        verbose_name_plural = _("考评分调整")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "unit"], name="scoreadjustment_one_per_unit",
                violation_error_message=_("该单位本届次已有一条调整"),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="scoreadjustment_has_reason",
                violation_error_message=_("调整必须填写理由"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.points:+}"
