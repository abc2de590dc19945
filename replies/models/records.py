"""The record copy (存档件): a signed PDF/A-2b of a signed reply, and the X.509 certificates
that sign it — one CA per committee issuing each unit's certificate, or a unit's
certificate imported from a real CA."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from proposals.models import Committee, Unit


class CommitteeCA(models.Model):
    """A committee's root certificate; its key is stored only encrypted (replies.signing).
    Retired CAs stay so that what they issued can still be verified."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="certificate_authorities",
        verbose_name=_("委员会"),
    )
    certificate_pem = models.TextField(_("根证书（PEM）"))
    fingerprint = models.CharField(_("证书指纹（SHA-256）"), max_length=64, unique=True)
    encrypted_private_key = models.BinaryField(_("私钥（加密）"), editable=False)
    crl_number = models.PositiveIntegerField(_("CRL 序号"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("委员会根证书")
        verbose_name_plural = _("委员会根证书")
        ordering = ["committee", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee"], condition=Q(active=True),
                name="committee_ca_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.fingerprint[:16]}"


class UnitCertificate(models.Model):
    """A unit's RSA signing certificate: issued by its committee's CA (``ca`` set) or
    imported from a PKCS#12 (``ca`` empty, ``chain_pem`` holds the issuers, root last)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("单位")
    )
    ca = models.ForeignKey(
        CommitteeCA, on_delete=models.PROTECT, null=True, blank=True,
        related_name="issued", verbose_name=_("签发机构"),
    )
    certificate_pem = models.TextField(_("证书（PEM）"))
    chain_pem = models.TextField(_("上级证书（PEM）"), blank=True)
    serial = models.CharField(_("序列号"), max_length=64)
    fingerprint = models.CharField(_("证书指纹（SHA-256）"), max_length=64, unique=True)
    encrypted_private_key = models.BinaryField(_("私钥（加密）"), editable=False)
    not_after = models.DateTimeField(_("有效期至"))
    active = models.BooleanField(_("启用"), default=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位签名证书")
        verbose_name_plural = _("单位签名证书")
        ordering = ["unit", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(active=True), name="unit_certificate_one_active",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(active=False),
                name="unit_certificate_revoked_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.serial[:16]}"

    @property
    def imported(self) -> bool:
        return self.ca_id is None


class RecordCopyState(models.TextChoices):
    PENDING = "pending", _("生成中")
    READY = "ready", _("可下载")
    FAILED = "failed", _("失败")


class RecordCopy(models.Model):
    """The signed PDF/A-2b of a signed reply, made after sign-off by a task. Its committee
    is the reply's unit's (``reply.unit.committee``)."""

    State = RecordCopyState

    reply = models.OneToOneField(
        "replies.Reply", on_delete=models.PROTECT, related_name="record_copy",
        verbose_name=_("答复函"),
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=RecordCopyState.choices,
        default=RecordCopyState.PENDING, db_index=True,
    )
    reason = models.TextField(_("失败原因"), blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    file = models.FileField(_("存档 PDF"), upload_to="record-copies/%Y/", blank=True,
                            max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    certificate = models.ForeignKey(
        UnitCertificate, on_delete=models.PROTECT, null=True, blank=True,
        related_name="record_copies", verbose_name=_("签名证书"),
    )
    level = models.CharField(_("PAdES 级别"), max_length=8, blank=True)
    signed_at = models.DateTimeField(_("签名时间"), null=True, blank=True)
    convert_seconds = models.FloatField(_("转换耗时（秒）"), null=True, blank=True)
    sign_seconds = models.FloatField(_("签名耗时（秒）"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("存档件")
        verbose_name_plural = _("存档件")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="ready")
                | (~Q(file="") & ~Q(sha256="") & Q(certificate__isnull=False)),
                name="record_copy_ready_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reply} {self.get_state_display()}"
