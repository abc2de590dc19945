"""Seal images are checked by content (Pillow), in the admin and in the validator."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from proposals.tests.factories import UnitFactory, UserFactory
from proposals.validators import validate_seal_image
from replies.models import UnitLetterSettings

pytestmark = pytest.mark.django_db


def _image(fmt="PNG", size=(300, 300)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA" if fmt == "PNG" else "RGB", size, (200, 0, 0, 128)[: 4 if fmt == "PNG"
                                                                      else 3]).save(buf, fmt)
    return buf.getvalue()


BAD = {
    "xlsx named png": (b"PK\x03\x04" + b"\x00" * 200, "不是有效的图片"),
    "truncated png": (_image()[:60], "不是有效的图片"),
    "jpeg named png": (_image("JPEG"), "PNG"),
    "too small": (_image(size=(20, 20)), "尺寸"),
    "text": (b"<svg onload=alert(1)>", "不是有效的图片"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_the_validator_refuses_what_is_not_a_real_png_seal(name):
    data, needle = BAD[name]
    with pytest.raises(ValidationError) as info:
        validate_seal_image(SimpleUploadedFile("seal.png", data, content_type="image/png"))
    assert needle in " ".join(info.value.messages)


def test_the_validator_takes_a_real_png():
    validate_seal_image(SimpleUploadedFile("seal.png", _image(), content_type="image/png"))


@pytest.mark.parametrize("name", list(BAD))
def test_the_admin_refuses_a_bad_seal_and_saves_nothing(client, settings, tmp_path, name):
    settings.MEDIA_ROOT = str(tmp_path)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    unit = UnitFactory()
    data, _needle = BAD[name]
    response = client.post(reverse("admin:replies_unitlettersettings_add"), {
        "unit": unit.pk, "cc": "[]", "contact_name": "", "contact_phone": "",
        "seal": SimpleUploadedFile("seal.png", data, content_type="image/png"),
    })
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not UnitLetterSettings.objects.exists()
    assert not any(tmp_path.rglob("*.png"))


def test_the_admin_takes_a_real_png_seal(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    unit = UnitFactory()
    response = client.post(reverse("admin:replies_unitlettersettings_add"), {
        "unit": unit.pk, "cc": "[]", "contact_name": "", "contact_phone": "",
        "seal": SimpleUploadedFile("seal.png", _image(), content_type="image/png"),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert UnitLetterSettings.objects.get(unit=unit).seal.name.startswith("seals/")
