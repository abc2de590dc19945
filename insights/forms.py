from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.models import Session


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
