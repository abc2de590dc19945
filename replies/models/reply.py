"""The reply letter (答复函) and its paragraphs, each remembering the unit that wrote it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from proposals.models import Assignment, Proposal, Section, Unit

_user_fk = {"on_delete": models.PROTECT, "related_name": "+"}


class ReplyState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    SIGNED = "signed", _("已签发")
    SENT = "sent", _("已发送")


class Disclosure(models.TextChoices):
    PUBLIC = "public", _("公开")
    ON_REQUEST = "on_request", _("依申请公开")
    NOT_PUBLIC = "not_public", _("不予公开")


# The 附注 line each disclosure prints on the letter (the generator adds the brackets).
DISCLOSURE_NOTES = {
    Disclosure.PUBLIC: "此件公开发布",
    Disclosure.ON_REQUEST: "此件依申请公开",
    Disclosure.NOT_PUBLIC: "此件不予公开",
}

FROZEN_STATES = (ReplyState.SIGNED, ReplyState.SENT)


class ReplyQuerySet(models.QuerySet):
    def in_force(self) -> ReplyQuerySet:
        """The replies in force (答复 that counts): signed or sent, and not replaced by a
        signed correction. A correction still in draft or review replaces nothing until it
        is signed. Written as NOT EXISTS: the planner misjudges the reverse one-to-one's
        IS NULL and would probe every reply."""
        corrected = Reply.objects.filter(supersedes=models.OuterRef("pk"),
                                         state__in=FROZEN_STATES)
        return self.filter(state__in=FROZEN_STATES).exclude(models.Exists(corrected))

    def open(self) -> ReplyQuerySet:
        """Drafts and replies in review: being written, not yet signed."""
        return self.filter(state__in=(ReplyState.DRAFT, ReplyState.IN_REVIEW))


class FrozenReplyError(ValidationError):
    """Someone tried to change a signed reply; a correction must supersede it instead."""


def signed_file_path(instance: Reply, filename: str) -> str:
    year = instance.doc_year or "draft"
    return f"replies/{year}/unit{instance.unit_id}/{filename}"


def default_cc() -> list[str]:
    return ["市政协提案委员会", "市政府办公室"]


class Reply(models.Model):
    """A reply letter of one answering assignment (主办 or 分办) to one proposal.

    Once signed (已签发) nothing but the move to 已发送 may change: ``save()`` compares with
    the stored row and refuses. A correction is a new reply whose ``supersedes`` points here.
    """

    State = ReplyState
    Disclosure = Disclosure

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="replies", verbose_name=_("提案")
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="replies", verbose_name=_("交办")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="replies", verbose_name=_("答复单位")
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=ReplyState.choices, default=ReplyState.DRAFT,
        db_index=True,
    )
    title = models.CharField(_("标题"), max_length=300)
    addressee = models.CharField(_("主送"), max_length=200)
    category = models.CharField(_("办理类别"), max_length=1, blank=True)
    disclosure = models.CharField(
        _("公开属性"), max_length=20, choices=Disclosure.choices, default=Disclosure.PUBLIC
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    cc = models.JSONField(_("抄送"), default=default_cc, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("签发人"), **_user_fk
    )
    signer_name = models.CharField(_("签发人姓名"), max_length=50, blank=True)
    doc_year = models.PositiveSmallIntegerField(_("发文年度"), null=True, blank=True)
    doc_seq = models.PositiveIntegerField(_("发文序号"), null=True, blank=True)
    signed_on = models.DateField(_("成文日期"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("更正的答复"),
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    signed_file = models.FileField(
        _("签发文件"), upload_to=signed_file_path, blank=True, max_length=255
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    signature = models.BinaryField(_("签名"), null=True, blank=True)
    signature_payload = models.TextField(
        _("签名内容"), blank=True, help_text=_("签名所覆盖的记录（JSON），逐字节保存")
    )
    signed_spec = models.JSONField(_("签发时的公文数据"), null=True, blank=True)
    signing_key = models.ForeignKey(
        "replies.UnitSigningKey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("签名密钥"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("起草人"), **_user_fk
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    objects = ReplyQuerySet.as_manager()

    # What may still change once the reply is signed.
    MUTABLE_WHEN_FROZEN = frozenset({"state", "sent_at", "updated_at"})

    class Meta:
        verbose_name = _("答复函")
        verbose_name_plural = _("答复函")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "doc_year", "doc_seq"],
                condition=Q(doc_seq__isnull=False),
                name="reply_unique_doc_number",
                violation_error_message=_("本单位该年度已有同号答复"),
            ),
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~Q(sha256=""),
                name="reply_unique_sha256",
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(state__in=["draft", "in_review"]),
                name="reply_one_open_per_assignment",
                violation_error_message=_("该交办已有一份未签发的答复"),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["signed", "sent"])
                | (
                    Q(doc_year__isnull=False, doc_seq__isnull=False, signed_on__isnull=False)
                    & Q(signature__isnull=False, signing_key__isnull=False)
                    & ~Q(sha256="")
                    & ~Q(signed_file="")
                ),
                name="reply_signed_is_complete",
                violation_error_message=_("已签发的答复必须有文号、文件、摘要和签名"),
            ),
            models.CheckConstraint(
                condition=Q(doc_seq__isnull=True) | Q(doc_seq__gte=1),
                name="reply_doc_seq_positive",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=models.F("id")),
                name="reply_not_superseding_itself",
            ),
        ]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return self.doc_number or f"{self.title}（{self.get_state_display()}）"

    def save(self, *args, **kwargs) -> None:
        changed = self.frozen_changes()
        if changed:
            raise FrozenReplyError(
                gettext("已签发的答复不能修改（%(fields)s）；如需更正，请新建更正答复。")
                % {"fields": "、".join(changed)},
                code="frozen",
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored_state = type(self).objects.filter(pk=self.pk).values_list("state", flat=True)
        if self.is_frozen or any(s in FROZEN_STATES for s in stored_state):
            raise FrozenReplyError(gettext("已签发的答复不能删除。"), code="frozen")
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES

    @property
    def doc_number(self) -> str:
        """连市监办复〔2025〕86号, or '' before sign-off."""
        if self.doc_year is None or self.doc_seq is None:
            return ""
        return format_doc_number(self.unit.doc_prefix, self.doc_year, self.doc_seq)

    @property
    def disclosure_note(self) -> str:
        return DISCLOSURE_NOTES[Disclosure(self.disclosure)]

    def clean(self) -> None:
        errors = {}
        if self.assignment_id and self.unit_id and self.assignment.unit_id != self.unit_id:
            errors["unit"] = gettext("答复单位必须是该交办的承办单位。")
        if self.assignment_id and self.proposal_id and (
            self.assignment.proposal_id != self.proposal_id
        ):
            errors["assignment"] = gettext("该交办不属于此提案。")
        if self.category and self.proposal_id:
            classes = self.proposal.session.answer_classes or []
            if self.category not in classes:
                errors["category"] = gettext("办理类别“%(c)s”不在本届次的类别 %(all)s 之中。") % {
                    "c": self.category,
                    "all": "/".join(classes),
                }
        if not isinstance(self.cc, list) or not all(isinstance(c, str) for c in self.cc):
            errors["cc"] = gettext("抄送应为单位名称列表。")
        if errors:
            raise ValidationError(errors)

    def frozen_changes(self) -> list[str]:
        """Fields that differ from the stored row while the stored row is signed/sent."""
        if self.pk is None:
            return []
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored is None or stored.state not in FROZEN_STATES:
            return []
        changed = []
        for field in self._meta.concrete_fields:
            if field.name in self.MUTABLE_WHEN_FROZEN:
                continue
            if _comparable(field.value_from_object(self)) != _comparable(
                field.value_from_object(stored)
            ):
                changed.append(field.name)
        allowed = {stored.state, ReplyState.SENT}
        if self.state not in allowed:
            changed.append("state")
        return changed


def _comparable(value):
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    if hasattr(value, "name") and not isinstance(value, str):  # FieldFile
        return value.name or ""
    return value


def format_doc_number(prefix: str, year: int, seq: int) -> str:
    """发文字号: prefix + 〔year〕 + seq + 号, with full-width brackets and no leading zeros."""
    prefix = (prefix or "").strip().translate(str.maketrans({"(": "（", ")": "）"}))
    return f"{prefix}〔{year}〕{seq}号"


class ReplyParagraph(models.Model):
    """One heading or paragraph of a reply, in order, with the unit that wrote it.

    ``part`` places it before the numbered headings (intro), among them (body) or after
    them (closing). Body headings carry their level (1 一、 … 4 （1）); a body paragraph
    belongs to the nearest heading above it.
    """

    class Part(models.TextChoices):
        INTRO = "intro", _("开头")
        BODY = "body", _("正文")
        CLOSING = "closing", _("结尾")

    class Kind(models.TextChoices):
        HEADING = "heading", _("标题")
        PARAGRAPH = "paragraph", _("段落")

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="paragraphs", verbose_name=_("答复函")
    )
    order = models.PositiveIntegerField(_("顺序"))
    part = models.CharField(_("位置"), max_length=10, choices=Part.choices, default=Part.BODY)
    kind = models.CharField(
        _("类型"), max_length=10, choices=Kind.choices, default=Kind.PARAGRAPH
    )
    level = models.PositiveSmallIntegerField(
        _("标题层级"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    text = models.TextField(_("内容"))
    source_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("撰写单位")
    )
    source_section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reply_paragraphs",
        verbose_name=_("来源意见"),
    )
    # A paragraph copied from an earlier signed reply keeps where it came from.
    source_paragraph = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("引用段落"),
    )
    # Set when the lead unit changed the text of another unit's section (or quoted
    # paragraph): the text that unit wrote, so the signer sees both and whose words are whose.
    original_text = models.TextField(_("修改前原文"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("答复段落")
        verbose_name_plural = _("答复段落")
        ordering = ["reply", "order"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "order"], name="reply_paragraph_order"),
            models.CheckConstraint(
                condition=(
                    Q(kind="heading", part="body", level__gte=1, level__lte=4)
                    | Q(kind="paragraph", level__isnull=True)
                ),
                name="reply_paragraph_heading_level",
                violation_error_message=_("标题必须在正文中并有1至4级层级；段落没有层级"),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:30]

    def save(self, *args, **kwargs) -> None:
        if self._reply_is_frozen():
            raise FrozenReplyError(gettext("已签发答复的段落不能修改。"), code="frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._reply_is_frozen():
            raise FrozenReplyError(gettext("已签发答复的段落不能删除。"), code="frozen")
        return super().delete(*args, **kwargs)

    def _reply_is_frozen(self) -> bool:
        return Reply.objects.filter(pk=self.reply_id, state__in=FROZEN_STATES).exists()

    @property
    def edited_by_lead(self) -> bool:
        return bool(self.original_text)

