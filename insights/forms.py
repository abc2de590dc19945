from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.models import Session

from .assessment import COUNT, INDICATORS, RATE
from .models import AssessmentRule


class ImportUploadForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("导入到届次"), queryset=Session.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        help_text=_("请使用导入模板；上传后先检查，确认无误再导入。"),
    )

    def __init__(self, *args, sessions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if sessions is not None:
            self.fields["session"].queryset = sessions


class ProvinceSearchForm(forms.Form):
    q = forms.CharField(label=_("检索"), max_length=200, required=False)
    committee = forms.TypedChoiceField(
        label=_("政协"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, committees=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.committees = {c.pk: c for c in committees}
        self.fields["committee"].choices = [("", _("全部下级政协"))] + [
            (c.pk, c.name) for c in committees
        ]

    def clean_committee(self):
        pk = self.cleaned_data["committee"]
        return self.committees[pk] if pk is not None else None


class SearchForm(forms.Form):
    q = forms.CharField(label=_("检索"), max_length=200, required=False)
    session = forms.ModelChoiceField(
        label=_("届次"), queryset=Session.objects.none(), required=False, empty_label=_("全部届次")
    )

    def __init__(self, *args, sessions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if sessions is not None:
            self.fields["session"].queryset = sessions


# --- 承办单位考评 ----------------------------------------------------------------------------


class AssessmentRuleForm(forms.ModelForm):
    """One row of the rules page. The indicator is a choice of the code's registry
    (INDICATORS); the messages say which row is wrong (the formset numbers the rows)."""

    indicator = forms.ChoiceField(label=_("指标"), choices=())

    class Meta:
        model = AssessmentRule
        fields = ["order", "name", "indicator", "kind", "weight", "cap", "no_base", "enabled"]
        widgets = {
            "order": forms.NumberInput(attrs={"class": "rule-num", "min": 0}),
            "weight": forms.NumberInput(attrs={"class": "rule-num", "step": "0.01", "min": 0}),
            "cap": forms.NumberInput(attrs={"class": "rule-num", "step": "0.01", "min": 0}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "---------")] + [
            (key, indicator.label) for key, indicator in INDICATORS.items()
        ]
        # The registry's own message names the unknown value and the row (see the formset).
        self.fields["indicator"].error_messages["invalid_choice"] = _(
            "“%(value)s”不是系统能计算的指标，请从列表中选择"
        )


class BaseRuleFormSet(forms.BaseModelFormSet):
    def clean(self) -> None:
        super().clean()
        names: dict[str, int] = {}
        self.rate_weights = Decimal(0)
        for row, form in enumerate(self.forms, 1):
            if self.can_delete and self._should_delete_form(form):
                continue
            for field, errors in list(form.errors.items()):
                form.errors[field] = form.error_class(
                    [_("第%(row)d行：%(error)s") % {"row": row, "error": e} for e in errors]
                )
            if form.errors or not form.has_changed() and form.instance.pk is None:
                continue
            self._check_row(form, row, form.cleaned_data, names)

    def _check_row(self, form, row: int, data: dict, names: dict[str, int]) -> None:
        # add_error() takes a field out of cleaned_data: read them all first.
        indicator = INDICATORS[data["indicator"]]
        kind, cap, weight, enabled = data["kind"], data.get("cap"), data["weight"], data["enabled"]
        Kind = AssessmentRule.Kind

        def error(field: str, message: str) -> None:
            form.add_error(field, _("第%(row)d行：") % {"row": row} + message)

        name = data["name"].strip()
        if name in names:
            error("name", _("名称“%(name)s”与第%(other)d行重复") % {
                "name": name, "other": names[name]})
        names.setdefault(name, row)
        if indicator.measures == RATE and kind != Kind.RATE:
            error("kind", _("“%(indicator)s”是比率，只能按“比率×权重”计分") % {
                "indicator": indicator.label})
        if indicator.measures == COUNT and kind != Kind.DEDUCTION:
            error("kind", _("“%(indicator)s”是次数（天数），只能按“按次扣分”计分") % {
                "indicator": indicator.label})
        if kind == Kind.RATE and cap is not None:
            error("cap", _("“比率×权重”的规则不设扣分上限，请留空"))
        if kind == Kind.RATE and enabled:
            self.rate_weights += weight


def rule_formset_class():
    return forms.modelformset_factory(
        AssessmentRule, form=AssessmentRuleForm, formset=BaseRuleFormSet, extra=1,
        can_delete=True,
    )


class ScoreAdjustmentForm(forms.Form):
    points = forms.DecimalField(
        label=_("调整分值"), max_digits=6, decimal_places=2, min_value=-100, max_value=100,
        help_text=_("加分填正数，减分填负数，如 -2 或 1.5；范围 -100 至 100。"),
        error_messages={
            "required": _("请填写调整分值"),
            "invalid": _("调整分值必须是数字，如 -2 或 1.5"),
            "min_value": _("调整分值不能小于 -100"),
            "max_value": _("调整分值不能大于 100"),
            "max_decimal_places": _("调整分值最多两位小数"),
        },
    )
    reason = forms.CharField(
        label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
        help_text=_("必填：理由会记入调整记录，在考评表中显示。撤销调整也须说明理由。"),
        error_messages={"required": _("请填写调整理由")},
    )

    def __init__(self, *args, removing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if removing:  # only the reason is asked for
            self.fields["points"].required = False

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写调整理由（不能只有空格）"))
        return reason

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(_("调整分值不能为 0；不再调整请点“撤销调整”"))
        return points
