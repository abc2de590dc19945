"""Forms of the reply pages. Forms check the shape of the input; the services decide."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proposals.validators import TextGuardMixin

from .models import Disclosure, Feedback, Reply, ReplyParagraph

Part = ReplyParagraph.Part
Kind = ReplyParagraph.Kind

# One select instead of three fields: where an item sits and what it is.
ITEM_KINDS = [
    ("intro", gettext_lazy("开头段落")),
    ("h1", gettext_lazy("一级标题（一、）")),
    ("h2", gettext_lazy("二级标题（（一））")),
    ("h3", gettext_lazy("三级标题（1.）")),
    ("h4", gettext_lazy("四级标题（（1））")),
    ("p", gettext_lazy("正文段落")),
    ("closing", gettext_lazy("结尾段落")),
]


def item_kind(part: str, kind: str, level: int | None) -> str:
    if part == Part.INTRO:
        return "intro"
    if part == Part.CLOSING:
        return "closing"
    if kind == Kind.HEADING:
        return f"h{level or 1}"
    return "p"


def split_kind(value: str) -> tuple[str, str, int | None]:
    """item kind → (part, kind, level)."""
    if value == "intro":
        return Part.INTRO, Kind.PARAGRAPH, None
    if value == "closing":
        return Part.CLOSING, Kind.PARAGRAPH, None
    if value.startswith("h"):
        return Part.BODY, Kind.HEADING, int(value[1])
    return Part.BODY, Kind.PARAGRAPH, None


class ReplyForm(TextGuardMixin, forms.Form):
    """The letter's head and foot fields, plus the version the editor started from."""

    title = forms.CharField(
        label=gettext_lazy("标题"),
        max_length=300,
        error_messages={"required": gettext_lazy("请填写标题。")},
    )
    addressee = forms.CharField(
        label=gettext_lazy("主送"),
        max_length=200,
        error_messages={"required": gettext_lazy("请填写主送（如：王波委员）。")},
    )
    category = forms.ChoiceField(label=gettext_lazy("办理类别"), required=False)
    disclosure = forms.ChoiceField(label=gettext_lazy("公开属性"), choices=Disclosure.choices)
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    cc = forms.CharField(
        label=gettext_lazy("抄送"),
        required=False,
        help_text=gettext_lazy("单位名称，用顿号或逗号分隔。"),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, answer_classes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("（请选择）"))] + [
            (c, c) for c in answer_classes
        ]
        self.fields["category"].error_messages["invalid_choice"] = _(
            "办理类别只能是 %(all)s 之一。"
        ) % {"all": "/".join(answer_classes)}
        self.fields["disclosure"].error_messages["invalid_choice"] = _("请选择公开属性。")
        self.fields["version"].error_messages["required"] = _("缺少版本号，请刷新页面。")

    @staticmethod
    def initial_for(reply: Reply) -> dict:
        return {
            "title": reply.title,
            "addressee": reply.addressee,
            "category": reply.category,
            "disclosure": reply.disclosure,
            "contact_name": reply.contact_name,
            "contact_phone": reply.contact_phone,
            "cc": "、".join(reply.cc or []),
            "version": reply.version,
        }

    def clean_cc(self) -> list[str]:
        value = self.cleaned_data.get("cc", "")
        return [c.strip() for c in re.split(r"[、，,;；\n]", value) if c.strip()]


class ItemForm(TextGuardMixin, forms.Form):
    """One heading or paragraph of the body, with the unit (and section, or the earlier
    reply's paragraph) it came from."""

    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=ITEM_KINDS)
    text = forms.CharField(
        label=gettext_lazy("内容"),
        required=False,  # clean_text says it in Chinese, also for blank-only text
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    source_unit = forms.IntegerField(widget=forms.HiddenInput, required=False)
    source_section = forms.IntegerField(widget=forms.HiddenInput, required=False)
    source_paragraph = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_text(self) -> str:
        value = (self.cleaned_data.get("text") or "").strip()
        if not value:
            raise ValidationError(_("请填写内容，或删除这一项。"))
        return value

    def as_input(self) -> dict:
        data = self.cleaned_data
        part, kind, level = split_kind(data["kind"])
        return {
            "text": data["text"],
            "part": part,
            "kind": kind,
            "level": level,
            "source_unit_id": data.get("source_unit"),
            "source_section_id": data.get("source_section"),
            "source_paragraph_id": data.get("source_paragraph"),
        }


ItemFormSet = forms.formset_factory(ItemForm, extra=0, max_num=500, validate_max=True)


def item_initial(
    *, text: str, part: str, kind: str, level: int | None, unit_id, section_id,
    paragraph_id=None,
):
    return {
        "kind": item_kind(part, kind, level),
        "text": text,
        "source_unit": unit_id,
        "source_section": section_id,
        "source_paragraph": paragraph_id,
    }


class ReturnForm(TextGuardMixin, forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("审核意见"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("退回时必须填写审核意见。")},
    )


class CountersignReturnForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("退回理由"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("请写明不同意之处和修改意见，主办单位将在答复函页面看到。"),
        error_messages={"required": gettext_lazy("退回会签时必须填写理由，说明哪里需要修改。")},
    )


def _satisfaction_field(label: str, what: str) -> forms.ChoiceField:
    message = gettext_lazy("请对%(what)s选择满意、基本满意或不满意。") % {"what": what}
    return forms.ChoiceField(
        label=label, choices=Feedback.Satisfaction.choices, widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class FeedbackForm(TextGuardMixin, forms.Form):
    """Two answers (办理过程, 办理结果) and a comment; 不满意 on either reopens handling."""

    process_satisfaction = _satisfaction_field(
        gettext_lazy("办理过程（联系沟通、办理态度）"), gettext_lazy("办理过程")
    )
    result_satisfaction = _satisfaction_field(
        gettext_lazy("办理结果（答复内容、落实情况）"), gettext_lazy("办理结果")
    )
    comment = forms.CharField(
        label=gettext_lazy("意见和建议（可选）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": gettext_lazy("意见不能超过%(limit_value)d字。")},
    )


class PublicationForm(TextGuardMixin, forms.Form):
    """The clerk's choices for a 公开答复; the service computes and stores the result."""

    mode = forms.ChoiceField(
        label=gettext_lazy("公开方式"), widget=forms.RadioSelect,
        choices=[("full", gettext_lazy("全文公开")), ("summary", gettext_lazy("摘要公开"))],
        initial="full",
        error_messages={"required": gettext_lazy("请选择公开方式：全文公开或摘要公开。")},
    )
    summary = forms.CharField(
        label=gettext_lazy("答复摘要"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("摘要公开时必填；摘要同样按规则删除个人信息。"),
    )
    marks = forms.CharField(
        label=gettext_lazy("不宜公开的词句"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("每行一个，须与原文完全一致（至少两个字）；公开版中每处都替换为"
                               "〔不宜公开内容已删除〕。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("mode") == "summary" and not (data.get("summary") or "").strip():
            self.add_error("summary", _("选择摘要公开时，必须填写答复摘要。"))
        return data


class PublicationWithdrawForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤回理由"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("撤回公开答复时必须填写理由。")},
    )
