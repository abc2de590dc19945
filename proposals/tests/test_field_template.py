"""proposals/_field.html, the label-field-help-errors block of every work form."""

import datetime as dt

import pytest
import time_machine
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from .html_refs import dangling_references
from .scenario import build_scenario

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    body = forms.CharField(help_text="每段另起一行。")


def test_it_gives_the_help_text_the_id_that_the_field_is_described_by():
    form = _Form(data={})
    form.is_valid()
    html = render_to_string("proposals/_field.html", {"field": form["body"]})
    assert 'aria-describedby="id_body_helptext id_body_error"' in html
    assert dangling_references(html) == []


@time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False)
def test_it_leaves_no_reference_dangling_on_the_register_and_section_pages(client):
    s = build_scenario()
    client.force_login(s.users["clerk"])
    register = client.get(reverse("proposals:proposal_register")).content.decode()
    assert "aria-describedby" in register
    assert dangling_references(register) == []
    client.force_login(s.users["lead"])
    response = client.get(reverse("proposals:section_create", args=[s.lead.pk]))
    assert response.status_code == 200
    section = response.content.decode()
    assert "aria-describedby" in section
    assert dangling_references(section) == []
