"""公开答复: a reply in force marked 此件公开发布, published on the public site with the
members' contact details and what the clerk marks 不宜公开 removed (国办发〔2014〕46号:
within 20 working days of answering the proposer)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .reply import Reply

PUBLISH_WITHIN_WORKING_DAYS = 20


class PublicationState(models.TextChoices):
    PENDING = "pending", _("待发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class PublicationMode(models.TextChoices):
    FULL = "full", _("全文公开")
    SUMMARY = "summary", _("摘要公开")


def publication_file_path(instance: Publication, filename: str) -> str:
    return f"public/{instance.reply.doc_year or 'na'}/unit{instance.reply.unit_id}/{filename}"


class PublicationQuerySet(models.QuerySet):
    def published(self) -> PublicationQuerySet:
        return self.filter(state=PublicationState.PUBLISHED)

    def pending(self) -> PublicationQuerySet:
        return self.filter(state=PublicationState.PENDING)


class Publication(models.Model):
    """The public version of one reply. The signed original is never touched: what is
    published (redacted title, text, summary and .docx) is computed at confirmation and
    stored here, beside the clerk's choices that produced it."""

    State = PublicationState
    Mode = PublicationMode

    reply = models.OneToOneField(
        Reply, on_delete=models.PROTECT, related_name="publication", verbose_name=_("答复函")
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=PublicationState.choices,
        default=PublicationState.PENDING, db_index=True,
    )
    mode = models.CharField(
        _("公开方式"), max_length=10, choices=PublicationMode.choices,
        default=PublicationMode.FULL,
    )
    summary = models.TextField(_("答复摘要"), blank=True)
    marks = models.TextField(
        _("不宜公开内容"), blank=True, help_text=_("每行一个词句，公开版中逐一删除")
    )
    title = models.CharField(_("公开标题"), max_length=300, blank=True)
    text = models.TextField(_("公开正文"), blank=True)
    public_file = models.FileField(
        _("公开版文件"), upload_to=publication_file_path, blank=True, max_length=255
    )
    public_sha256 = models.CharField(_("公开版SHA-256"), max_length=64, blank=True)
    # Null only while the reply is not sent or the holiday calendar lacks the year.
    due_on = models.DateField(_("公开期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("发布人"),
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("撤回人"),
    )
    withdraw_reason = models.TextField(_("撤回理由"), blank=True)
    # The daily scan tells the clerks once when the publication is overdue.
    overdue_noticed_on = models.DateField(_("逾期提醒日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开答复")
        verbose_name_plural = _("公开答复")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="published")
                | (
                    Q(published_at__isnull=False)
                    & ~Q(title="") & ~Q(text="") & ~Q(public_file="") & ~Q(public_sha256="")
                ),
                name="publication_published_is_complete",
                violation_error_message=_("已发布的公开答复必须有公开标题、正文和公开版文件"),
            ),
            models.CheckConstraint(
                condition=~Q(mode="summary") | ~Q(state="published") | ~Q(summary=""),
                name="publication_summary_has_text",
                violation_error_message=_("摘要公开必须填写摘要"),
            ),
            models.CheckConstraint(
                condition=~Q(state="withdrawn")
                | (~Q(withdraw_reason="") & Q(withdrawn_at__isnull=False)),
                name="publication_withdrawn_has_reason",
                violation_error_message=_("撤回公开答复必须填写理由"),
            ),
        ]
        indexes = [models.Index(fields=["state", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.reply} · {self.get_state_display()}"

    def mark_lines(self) -> list[str]:
        return [line.strip() for line in self.marks.splitlines() if line.strip()]
