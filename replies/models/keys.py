"""Document numbering, signing keys and per-unit letter settings."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proposals.models import Unit


class DocumentCounter(models.Model):
    """The last document number a unit gave in a year. Sign-off locks this row."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="document_counters", verbose_name=_("单位")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    last_seq = models.PositiveIntegerField(_("已用最大序号"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("发文字号计数")
        verbose_name_plural = _("发文字号计数")
        ordering = ["unit", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="document_counter_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年：{self.last_seq}"


class UnitSigningKey(models.Model):
    """A unit's Ed25519 key. The private key is stored only encrypted (see replies.signing);
    old keys stay, inactive, so that letters signed with them can still be verified."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="signing_keys", verbose_name=_("单位")
    )
    public_key = models.BinaryField(_("公钥"))
    encrypted_private_key = models.BinaryField(_("私钥（加密）"), editable=False)
    fingerprint = models.CharField(_("公钥指纹"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    active = models.BooleanField(_("启用"), default=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["encrypted_private_key"])

    class Meta:
        verbose_name = _("签发密钥")
        verbose_name_plural = _("签发密钥")
        ordering = ["unit", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(active=True),
                name="signing_key_one_active_per_unit",
                violation_error_message=_("每个单位只能有一把启用的签发密钥"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.fingerprint[:16]}"


class UnitLetterSettings(models.Model):
    """What a unit's letters carry by default: seal image, 抄送, contact person."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="letter_settings", verbose_name=_("单位")
    )
    seal = models.ImageField(
        _("印章图片"),
        upload_to="seals/",
        blank=True,
        help_text=_("透明背景的 PNG 图片"),
    )
    cc = models.JSONField(_("默认抄送"), default=list, blank=True)
    contact_name = models.CharField(_("默认联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("默认联系电话"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位公文设置")
        verbose_name_plural = _("单位公文设置")

    def __str__(self) -> str:
        return str(self.unit)
