"""The admin's forms: typed numbers and autocomplete fields given what people (or probes)
really send."""

import pytest
from django.contrib import admin as django_admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from proposals.models import Membership, Session

from .factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form_class(model):
    request = RequestFactory().get("/")
    request.user = UserFactory(username="root", is_staff=True, is_superuser=True)
    return django_admin.site._registry[model].get_form(request)


def test_it_reads_full_width_digits_in_a_whole_number_and_refuses_other_scripts():
    field = _form_class(Session).base_fields["year"]
    assert field.clean("２０２６") == 2026
    with pytest.raises(ValidationError):
        field.clean("٢٠٢٦")


@pytest.mark.parametrize("posted", [" ", "abc", "9" * 30])
def test_it_re_shows_an_autocomplete_field_posted_with_a_non_id(client, posted):
    """Django's autocomplete widget queried the database with the posted text (a 500)."""
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    unit = UnitFactory()
    response = client.post(
        reverse("admin:proposals_membership_add"),
        {"user": admin.pk, "unit": posted, "role": "handler"},
    )
    assert response.status_code == 200
    assert not Membership.objects.exists()
    response = client.post(
        reverse("admin:proposals_membership_add"),
        {"user": admin.pk, "unit": f"{unit.pk}", "role": "nonsense"},
    )
    assert response.status_code == 200
    assert unit.name in response.content.decode()
