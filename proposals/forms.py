"""Forms for the clerk's and the units' pages. Forms validate input; services write."""

import datetime as dt
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access
from .models import (
    Assignment,
    ContactRecord,
    ExtensionRequest,
    Proposal,
    ReassignmentRequest,
    Section,
    SupervisionRecord,
    Task,
    Unit,
)
from .validators import TextGuardMixin, WholeNumberField, valid_date_range

DateInput = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A date typed as text. A browser's date picker (type="date") holds no date that does not
# exist: it posts nothing for 2025-02-30 and blanks the field when the page comes back, so
# the form can neither show what was typed nor say what is wrong with it.
TypedDateInput = forms.DateInput(
    attrs={"inputmode": "numeric", "placeholder": "例如 2025-03-20", "autocomplete": "off"},
    format="%Y-%m-%d",
)


def apply_errors(
    form: forms.Form, exc: ValidationError, fields: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError next to the matching field (`fields` maps model
    field names to form field names where they differ), else on top of the form."""
    fields = fields or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = fields.get(field, field)
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


class OnceTokenMixin(forms.Form):
    """A hidden one-time token so that a double click creates one record, not two (see
    once.py)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["form_token"] = uuid.uuid4().hex


# --- Clerk -----------------------------------------------------------------------------


class ProposalRegisterForm(TextGuardMixin, forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "session",
            "number",
            "title",
            "lead_proposer",
            "co_signers",
            "is_collective",
            "content",
            "reasons",
            "suggestions",
            "suggested_units",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "reasons": forms.Textarea(attrs={"rows": 4}),
            "suggestions": forms.Textarea(attrs={"rows": 4}),
            "co_signers": forms.SelectMultiple(attrs={"size": 6}),
        }
        field_classes = {"number": WholeNumberField}
        error_messages = {
            "number": {
                "required": gettext_lazy("请填写提案号。"),
                "invalid": gettext_lazy("提案号须为正整数。"),
                "min_value": gettext_lazy("提案号须为正整数。"),
            },
            "title": {"required": gettext_lazy("请填写案由。")},
            "session": {"required": gettext_lazy("请选择届次。")},
            "lead_proposer": {"required": gettext_lazy("请选择领衔人。")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = access.sessions_managed_by(user).select_related(
            "committee"
        )
        proposers = access.proposers_managed_by(user)
        self.fields["lead_proposer"].queryset = proposers
        self.fields["co_signers"].queryset = proposers
        self.fields["co_signers"].help_text = _("按住 Ctrl 键可多选。")
        current = self.fields["session"].queryset.filter(is_current=True).first()
        if current and not self.is_bound:
            self.initial.setdefault("session", current.pk)

    def clean(self):
        data = super().clean()
        session, lead = data.get("session"), data.get("lead_proposer")
        if session and lead and lead.committee_id != session.committee_id:
            self.add_error("lead_proposer", _("领衔人不属于该届次所在的政协。"))
        if session:
            for proposer in data.get("co_signers") or []:
                if proposer.committee_id != session.committee_id:
                    self.add_error("co_signers", _("附议人「%s」不属于该政协。") % proposer)
        return data

    def validate_unique(self):
        # The model's UniqueConstraint message is generic; say which number and session.
        session, number = self.cleaned_data.get("session"), self.cleaned_data.get("number")
        if session and number and Proposal.objects.filter(session=session, number=number).exists():
            self.add_error(
                "number",
                _("%(session)s已有第%(number)d号提案，请核对提案号。")
                % {"session": session.name, "number": number},
            )


class DecisionNoteForm(TextGuardMixin, forms.Form):
    note = forms.CharField(
        label=gettext_lazy("立案审查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("不予立案理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("不予立案须说明理由。")},
    )


class MergeForm(TextGuardMixin, forms.Form):
    into = forms.ModelChoiceField(
        label=gettext_lazy("并入提案"),
        queryset=Proposal.objects.none(),
        error_messages={
            "required": gettext_lazy("请选择要并入的提案。"),
            "invalid_choice": gettext_lazy("所选提案不存在或不在同一届次。"),
        },
    )
    note = forms.CharField(label=gettext_lazy("说明"), required=False)

    def __init__(self, *args, proposal: Proposal, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            access.proposals_managed_by(user)
            .filter(session=proposal.session)
            .exclude(pk=proposal.pk)
            .exclude(status__in=[Proposal.Status.MERGED, Proposal.Status.REJECTED])
            .order_by("number")
        )


class AssignRowForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("承办单位"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("所选单位不存在或不属于本政协。")},
    )
    role = forms.ChoiceField(label=gettext_lazy("办理方式"), choices=Assignment.Role.choices)
    due_on = forms.DateField(
        label=gettext_lazy("办理期限"),
        required=False,
        widget=TypedDateInput,
        help_text=gettext_lazy("留空则按届次规定计算"),
        error_messages={"invalid": gettext_lazy("请填写有效日期，例如 2025-06-20。")},
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def clean_due_on(self):
        return valid_date_range(self.cleaned_data.get("due_on"), field_label=_("办理期限"))


class BaseAssignFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.chosen():
            raise ValidationError(_("请至少选择一个承办单位。"))

    def chosen(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("unit")]


AssignFormSet = forms.formset_factory(AssignRowForm, formset=BaseAssignFormSet, extra=0)


class AssignForm(forms.Form):
    assigned_on = forms.DateField(
        label=gettext_lazy("交办日期"),
        widget=TypedDateInput,
        error_messages={
            "required": gettext_lazy("请填写交办日期。"),
            "invalid": gettext_lazy("请填写有效日期，例如 2025-03-20。"),
        },
    )

    def clean_assigned_on(self) -> dt.date:
        value = self.cleaned_data["assigned_on"]
        if value > timezone.localdate():
            raise ValidationError(_("交办日期不能晚于今天。"))
        return value


class ExtensionDecideForm(TextGuardMixin, forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", gettext_lazy("同意")), ("0", gettext_lazy("不同意"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=gettext_lazy("审批意见"), required=False)


class ReassignmentDecideForm(ExtensionDecideForm):
    new_unit = forms.ModelChoiceField(
        label=gettext_lazy("调整后的承办单位"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["new_unit"].queryset = units


class PlainSelect(forms.Select):
    """A flat <select> written with format_html: the markup of Django's select template,
    without rendering a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = (
            (option["value"], mark_safe(" selected") if option["selected"] else "",
             option["label"])
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False)
    session = forms.ModelChoiceField(
        label=gettext_lazy("届次"), queryset=None, required=False, empty_label="全部届次",
        widget=PlainSelect,
    )
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False, widget=PlainSelect)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("承办单位"), queryset=None, required=False, empty_label="全部单位",
        widget=PlainSelect,
    )
    overdue = forms.BooleanField(label=gettext_lazy("仅看超期"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = access.sessions_managed_by(user)
        self.fields["unit"].queryset = access.units_assignable_by(user)
        self.fields["status"].choices = [("", _("全部状态")), *Proposal.Status.choices]


class KeyMarkForm(TextGuardMixin, forms.Form):
    """列为重点提案 (or change its leader and unit). The 督办单位 is typed: it is often not a
    handling unit (提案委员会, a 专委会, 政府督查室); the committee's units are offered."""

    leader = forms.CharField(
        label=gettext_lazy("领衔督办领导"),
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "例如：王建华"}),
        error_messages={"required": gettext_lazy("请填写领衔督办领导的姓名。")},
    )
    leader_title = forms.CharField(
        label=gettext_lazy("职务"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "例如：市政协副主席"}),
    )
    supervising_unit = forms.CharField(
        label=gettext_lazy("督办单位"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "supervising-units", "autocomplete": "off"}),
        help_text=gettext_lazy("可从列表中选择本政协的单位，也可直接填写，例如：市政协提案委员会。"),
        error_messages={"required": gettext_lazy("请填写督办单位。")},
    )

    def __init__(self, *args, proposal: Proposal | None = None, **kwargs):
        if proposal is not None and proposal.supervising_leader and "initial" not in kwargs:
            kwargs["initial"] = {
                "leader": proposal.supervising_leader,
                "leader_title": proposal.supervising_leader_title,
                "supervising_unit": proposal.supervising_unit,
            }
        super().__init__(*args, **kwargs)
        self.unit_names: list[str] = []
        if proposal is not None:
            self.unit_names = list(
                Unit.objects.filter(
                    committee_id=proposal.session.committee_id, is_active=True
                ).values_list("name", flat=True)
            )


class KeyUnmarkForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("取消理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("取消重点提案须说明理由。")},
    )

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise ValidationError(_("取消重点提案须说明理由。"))
        return value


class SupervisionRecordForm(TextGuardMixin, OnceTokenMixin, forms.ModelForm):
    class Meta:
        model = SupervisionRecord
        fields = ["held_on", "kind", "participants", "text"]
        widgets = {"held_on": DateInput, "text": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "held_on": {
                "required": gettext_lazy("请填写督办日期。"),
                "invalid": gettext_lazy("请填写有效日期，例如 2025-05-10。"),
            },
            "kind": {
                "required": gettext_lazy("请选择督办方式。"),
                "invalid_choice": gettext_lazy("请选择走访、座谈会、领导批示或督办意见。"),
            },
            "participants": {"required": gettext_lazy("请填写参加人员。")},
            "text": {"required": gettext_lazy("请填写督办情况。")},
        }

    def clean_held_on(self) -> dt.date:
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise ValidationError(_("督办日期不能晚于今天。"))
        return value

    def clean_text(self) -> str:
        value = self.cleaned_data["text"].strip()
        if not value:
            raise ValidationError(_("请填写督办情况。"))
        return value


# --- Units -----------------------------------------------------------------------------


class ContactRecordForm(TextGuardMixin, OnceTokenMixin, forms.ModelForm):
    class Meta:
        model = ContactRecord
        fields = ["contacted_on", "method", "participants", "summary"]
        widgets = {"contacted_on": DateInput, "summary": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "contacted_on": {
                "required": gettext_lazy("请填写沟通日期。"),
                "invalid": gettext_lazy("请填写有效日期，例如 2025-05-10。"),
            },
            "method": {"required": gettext_lazy("请选择沟通方式。")},
            "summary": {"required": gettext_lazy("请填写沟通情况。")},
        }

    def clean_summary(self) -> str:
        value = self.cleaned_data["summary"].strip()
        if not value:
            raise ValidationError(_("请填写沟通情况。"))
        return value


class SectionForm(TextGuardMixin, OnceTokenMixin, forms.Form):
    heading = forms.CharField(label=gettext_lazy("标题"), max_length=200, required=False)
    body = forms.CharField(
        label=gettext_lazy("正文"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy("每段另起一行（段间空行可有可无）。"),
        error_messages={"required": gettext_lazy("请填写正文。")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(section: Section) -> dict:
        return {
            "heading": section.heading,
            "body": "\n\n".join(section.paragraphs),
            "version": section.version,
        }

    def paragraphs(self) -> list[str]:
        # Chinese paragraphs are not hard-wrapped: every line is a paragraph.
        return [p.strip() for p in self.cleaned_data.get("body", "").splitlines() if p.strip()]


class SectionReturnForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("退回理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("退回时必须说明理由。")},
    )


class ExtensionRequestForm(TextGuardMixin, OnceTokenMixin, forms.ModelForm):
    class Meta:
        model = ExtensionRequest
        fields = ["requested_due_on", "reason"]
        widgets = {"requested_due_on": DateInput, "reason": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "requested_due_on": {
                "required": gettext_lazy("请填写申请延至的日期。"),
                "invalid": gettext_lazy("请填写有效日期，例如 2025-08-20。"),
            },
            "reason": {"required": gettext_lazy("请说明延期理由。")},
        }


class ReassignmentRequestForm(TextGuardMixin, OnceTokenMixin, forms.ModelForm):
    class Meta:
        model = ReassignmentRequest
        fields = ["reason", "suggested_unit"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"reason": {"required": gettext_lazy("请说明申请调整的理由。")}}

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_unit"].queryset = Unit.objects.filter(
            committee_id=assignment.unit.committee_id, is_active=True
        ).exclude(pk=assignment.unit_id)


# --- Tasks inside a unit ---------------------------------------------------------------


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def _assignee_field(assignment: Assignment, label) -> AssigneeChoiceField:
    return AssigneeChoiceField(
        label=label,
        queryset=access.task_assignees_for(assignment),
        empty_label=gettext_lazy("（请选择）"),
        error_messages={
            "required": gettext_lazy("请选择承办人。"),
            "invalid_choice": gettext_lazy("只能选择本单位的工作人员。"),
        },
    )


class TaskForm(TextGuardMixin, OnceTokenMixin, forms.Form):
    """A task for a named person of the unit. The service checks the rest (the person is
    the unit's, the due date is not after the assignment's)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("任务类型"),
        choices=Task.Kind.choices,
        error_messages={"required": gettext_lazy("请选择任务类型。")},
    )
    title = forms.CharField(
        label=gettext_lazy("事项"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("类型为“其他”时必填；不填则用类型名称。"),
    )
    due_on = forms.DateField(
        label=gettext_lazy("期限"),
        widget=TypedDateInput,
        error_messages={
            "required": gettext_lazy("请填写任务期限。"),
            "invalid": gettext_lazy("请填写有效日期，例如 2025-05-10。"),
        },
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=500, required=False)

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _assignee_field(assignment, gettext_lazy("承办人"))
        self.order_fields(["kind", "title", "assignee", "due_on", "note"])
        self.fields["due_on"].help_text = _("不晚于办理期限 %(due)s。") % {
            "due": assignment.due_on.isoformat()}

    def clean_due_on(self):
        return valid_date_range(self.cleaned_data["due_on"], field_label=_("任务期限"))


class TaskReassignForm(forms.Form):
    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _assignee_field(assignment, gettext_lazy("转交给"))
        self.fields["assignee"].empty_label = gettext_lazy("（转交给…）")


class TaskCancelForm(TextGuardMixin, forms.Form):
    cancel_reason = forms.CharField(
        label=gettext_lazy("取消理由"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("取消理由（必填）")}),
        error_messages={"required": gettext_lazy("取消任务时必须说明理由。")},
    )

    def clean_cancel_reason(self) -> str:
        value = self.cleaned_data["cancel_reason"].strip()
        if not value:
            raise ValidationError(_("取消任务时必须说明理由。"))
        return value
