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


SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_MAX_SIDE = 3000
SEAL_MIN_SIDE = 100


def validate_seal_image(upload) -> None:
    """A unit's seal (印章图片) must really be a PNG, by content not by name: Pillow opens
    and verifies it; at most 2 MB and 3000 pixels a side, at least 100."""
    from PIL import Image, UnidentifiedImageError

    if upload is None or upload is False:
        return
    size = getattr(upload, "size", None)
    if size is not None and size > SEAL_MAX_BYTES:
        raise ValidationError(_("印章图片不能超过2MB。"), code="seal_size")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise ValidationError(_("印章文件不是有效的图片或已损坏。"), code="seal_corrupt") from exc
    finally:
        upload.seek(0)
    if fmt != "PNG":
        raise ValidationError(
            _("印章图片须为透明背景的 PNG 文件（上传的是 %(fmt)s）。") % {"fmt": fmt or "未知格式"},
            code="seal_format",
        )
    if max(width, height) > SEAL_MAX_SIDE or min(width, height) < SEAL_MIN_SIDE:
        raise ValidationError(
            _("印章图片尺寸须在%(min)d至%(max)d像素之间（上传的是 %(w)d×%(h)d）。")
            % {"min": SEAL_MIN_SIDE, "max": SEAL_MAX_SIDE, "w": width, "h": height},
            code="seal_dimensions",
        )


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def half_width_digits(text: str) -> str:
    """１２３ → 123 (a Chinese input method's full-width digits); other characters as they are."""
    return text.translate(_FULL_WIDTH_DIGITS)


class WholeNumberField(forms.IntegerField):
    """A whole number as people type it. Digits typed in full width by a Chinese input method
    (１２３) are read as 123 and the field keeps what was typed in `converted_from`, so the
    page can say what it stored; digits of other scripts, which int() would also read
    (١٢٣), are refused."""

    converted_from: str | None = None

    def to_python(self, value):
        if isinstance(value, str):
            typed = value.strip()
            value = half_width_digits(typed)
            if not value.isascii():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            self.converted_from = typed if value != typed else None
        return super().to_python(value)


def converted_numbers(form: forms.Form) -> str:
    """「１２３」→123 for each number field of a valid form that read full-width digits."""
    return "；".join(
        _("%(label)s「%(typed)s」已按半角数字%(value)s保存")
        % {"label": field.label, "typed": field.converted_from, "value": form.cleaned_data[name]}
        for name, field in form.fields.items()
        if isinstance(field, WholeNumberField) and field.converted_from
    )
