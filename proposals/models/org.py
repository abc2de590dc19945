"""Who is who: committees, their sessions, units, people and proposers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def default_answer_classes() -> list[str]:
    return ["A", "B", "C"]


def default_reminder_days() -> list[int]:
    return [7, 3]


class Committee(models.Model):
    """A CPPCC body (e.g. 连云港市政协). Nothing crosses from one committee to another."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    # Province → city → county. On PostgreSQL the row-level security policies (rls/) let a
    # committee's staff with `reads_descendants` read, never write, the committees below.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级政协"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政协")
        verbose_name_plural = _("政协")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("上级政协不能是本政协或其下级政协。")})
            ancestor = ancestor.parent


class Session(models.Model):
    """A plenary session (届次/会议), with the local rules for handling its proposals."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("政协")
    )
    name = models.CharField(_("名称"), max_length=50, help_text=_("例如：十四届四次会议"))
    term = models.PositiveSmallIntegerField(_("届"), validators=[MinValueValidator(1)])
    sitting = models.PositiveSmallIntegerField(_("次"), validators=[MinValueValidator(1)])
    year = models.PositiveSmallIntegerField(_("年度"))
    opened_on = models.DateField(_("开幕日期"), null=True, blank=True)
    answer_classes = models.JSONField(
        _("办理类别"), default=default_answer_classes, help_text=_("例如 [\"A\", \"B\", \"C\"]")
    )
    lead_term_months = models.PositiveSmallIntegerField(
        _("主办期限（月）"), default=3, validators=[MinValueValidator(1)]
    )
    co_term_months = models.PositiveSmallIntegerField(
        _("协办期限（月）"), default=1, validators=[MinValueValidator(1)]
    )
    reassign_request_working_days = models.PositiveSmallIntegerField(
        _("申请调整期限（工作日）"), default=5, validators=[MinValueValidator(1)]
    )
    extension_cap_months = models.PositiveSmallIntegerField(
        _("延期上限（自交办起，月）"), default=6, validators=[MinValueValidator(1)]
    )
    reminder_working_days = models.JSONField(
        _("提前提醒（工作日）"), default=default_reminder_days
    )
    # 会签: before the lead unit's reply is signed, each co-handling unit whose section it
    # uses confirms the final text; no answer within the working days counts as consent.
    countersign_required = models.BooleanField(
        _("答复签发前须协办单位会签"), default=True,
        help_text=_("开启后，主办单位送审的答复如采用了协办单位的意见，须经该协办单位会签后才能签发。"),
    )
    countersign_working_days = models.PositiveSmallIntegerField(
        _("会签期限（工作日）"), default=3, validators=[MinValueValidator(1)],
        help_text=_("协办单位逾期未会签的，视为同意。"),
    )
    key_requires_leader_note = models.BooleanField(
        _("重点提案须有领导批示方可签发"),
        default=False,
        help_text=_("勾选后，重点提案的答复函须在督办记录中录入领衔督办领导的批示后才能签发。"),
    )
    # 重新办理: 不满意 on either part of the proposer's answer reopens the unit's handling
    # with this many working days from the day of the answer.
    reopen_working_days = models.PositiveSmallIntegerField(
        _("重新办理期限（工作日）"), default=20, validators=[MinValueValidator(1)],
        help_text=_("提案人对办理过程或办理结果表示不满意时，承办单位重新办理并再次答复的期限。"),
    )
    is_current = models.BooleanField(_("当前会议"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["-year", "-term", "-sitting"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="session_unique_name"),
            models.UniqueConstraint(
                fields=["committee", "term", "sitting"], name="session_unique_term_sitting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee.short_name or self.committee.name}{self.name}"

    def clean(self) -> None:
        errors = {}
        classes = self.answer_classes
        if (
            not isinstance(classes, list)
            or not classes
            or not all(isinstance(c, str) and len(c) == 1 and "A" <= c <= "Z" for c in classes)
            or len(set(classes)) != len(classes)
        ):
            errors["answer_classes"] = _(
                "办理类别须为不重复的大写字母列表，例如 [\"A\", \"B\", \"C\"]。"
            )
        days = self.reminder_working_days
        if not isinstance(days, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 < d <= 60 for d in days
        ):
            errors["reminder_working_days"] = _(
                "提前提醒天数须为1至60之间的整数列表，例如 [7, 3]。"
            )
        if errors:
            raise ValidationError(errors)


class Unit(models.Model):
    """A handling unit (承办单位), e.g. 连云港市市场监督管理局."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="units", verbose_name=_("政协")
    )
    name = models.CharField(_("全称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    doc_prefix = models.CharField(
        _("发文字号前缀"), max_length=30, blank=True, help_text=_("例如：连市监办复")
    )
    email = models.EmailField(_("联系邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="unit_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in a unit."""

    class Role(models.TextChoices):
        HANDLER = "handler", _("承办人")
        SIGNER = "signer", _("签发人")
        UNIT_ADMIN = "unit_admin", _("单位管理员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("用户"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("单位")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class CommitteeRole(models.Model):
    """A person working for the committee or the government office, not for a unit."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("交办员")
        ADMINISTRATOR = "administrator", _("系统管理员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="committee_roles",
        verbose_name=_("用户"),
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="staff", verbose_name=_("政协")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    office = models.CharField(
        _("所在机构"), max_length=50, blank=True, help_text=_("例如：提案委员会、政府办公室")
    )
    reads_descendants = models.BooleanField(
        _("可查阅下级政协"),
        default=False,
        help_text=_("上级政协工作人员可查阅下级政协的提案、答复和统计，不能修改。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政协工作人员")
        verbose_name_plural = _("政协工作人员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "committee", "role"], name="committee_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.committee} · {self.get_role_display()}"


class Proposer(models.Model):
    """A member (委员) or a body (党派、界别、专委会…) who hands in proposals."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("委员")
        BODY = "body", _("集体")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="proposers", verbose_name=_("政协")
    )
    name = models.CharField(_("姓名或名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    sector = models.CharField(_("界别"), max_length=50, blank=True)
    party = models.CharField(_("党派"), max_length=50, blank=True)
    organisation = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=10, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("提案人")
        verbose_name_plural = _("提案人")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def salutation(self) -> str:
        """How a reply letter addresses the proposer (主送): 王波委员, or the body's name."""
        return f"{self.name}委员" if self.kind == self.Kind.MEMBER else self.name
