"""Validators shared by every form that takes text from people (issue 8, hostile input).

Control characters (NUL, backspace, escape …) have no place in a proposal or a letter: XML
(.docx) and spreadsheets refuse them, and PostgreSQL refuses NUL. Tab and line breaks stay.
A text field without its own max_length gets TEXT_MAX_CHARS, so a pasted book cannot reach
the database (the search index refuses texts over 1 MB).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TEXT_MAX_CHARS = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def validate_no_control_chars(value) -> None:
    if not isinstance(value, str):
        return
    found = _CONTROL.search(value)
    if found:
        raise ValidationError(
            _("含有不可见的控制字符（第%(pos)d个字符，代码 %(code)s），请删除后再提交。")
            % {"pos": found.start() + 1, "code": f"U+{ord(found.group()):04X}"},
            code="control_chars",
        )


class TextGuardMixin:
    """Put before forms.Form / forms.ModelForm: every text field refuses control characters
    and, without a max_length of its own, texts over TEXT_MAX_CHARS."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            field.validators.append(validate_no_control_chars)
            if field.max_length is None:
                field.max_length = TEXT_MAX_CHARS
                field.validators.append(MaxLengthValidator(TEXT_MAX_CHARS))
                field.error_messages.setdefault(
                    "max_length",
                    gettext_lazy("内容过长：最多%(limit_value)d字（现有%(show_value)d字）。"),
                )


def valid_date_range(value, *, field_label: str, years_back: int = 30, years_ahead: int = 5):
    """A date within a plausible window around today (catches 9999-12-31 and 0001-01-01)."""
    from django.utils import timezone

    today = timezone.localdate()
    if value is None:
        return value
    if value.year < today.year - years_back or value.year > today.year + years_ahead:
        raise ValidationError(
            _("%(label)s不在合理范围内（%(from)d年至%(to)d年）。")
            % {"label": field_label, "from": today.year - years_back,
               "to": today.year + years_ahead},
            code="date_range",
        )
    return value
