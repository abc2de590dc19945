"""The double-submit guard of create forms (proposals/once.py): a unique row per token in the
transaction of the write, so it holds with or without a cache."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from proposals import once
from proposals.models import FormToken, Section

from .scenario import build_scenario

pytestmark = pytest.mark.django_db


def test_it_lets_a_token_through_once():
    with once.guard("t1") as fresh:
        assert fresh is True
    with once.guard("t1") as fresh:
        assert fresh is False


def test_it_releases_the_token_when_the_block_fails():
    with pytest.raises(RuntimeError), once.guard("t2"):
        raise RuntimeError("the service failed")
    with once.guard("t2") as fresh:
        assert fresh is True


def test_a_repeat_that_fails_does_not_release_the_first_claim():
    with once.guard("t3"):
        pass
    with pytest.raises(RuntimeError), once.guard("t3") as fresh:
        assert fresh is False
        raise RuntimeError("boom")
    with once.guard("t3") as fresh:
        assert fresh is False


def test_an_empty_token_is_never_a_repeat():
    for _ in range(2):
        with once.guard("") as fresh:
            assert fresh is True
    assert not FormToken.objects.exists()


def test_it_keeps_only_a_digest_and_forgets_claims_after_a_day():
    with once.guard("secret-token"):
        pass
    row = FormToken.objects.get()
    assert "secret-token" not in row.digest and len(row.digest) == 64
    assert once.purge(now=timezone.now() + dt.timedelta(hours=23)) == 0
    assert once.purge(now=timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    with once.guard("secret-token") as fresh:
        assert fresh is True


def test_the_same_section_form_posted_twice_with_the_cache_down_saves_one(client, settings):
    """The guard lived in the cache and failed open: with Redis down, a double click made
    two sections. Point the cache at a port where nothing listens and post twice."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "config.cache.ResilientRedisCache",
                    "LOCATION": "redis://127.0.0.1:1/0"}
    }
    caches._settings = None
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        s = build_scenario()
        s.co_section.delete()
        client.force_login(s.users["co"])
        url = reverse("proposals:section_create", args=[s.co.pk])
        token = re.search(r'name="form_token" value="([0-9a-f]+)"',
                          client.get(url).content.decode()).group(1)
        data = {"heading": "市科技局协办意见", "body": "一是加强协同。", "action": "submit",
                "form_token": token}
        first = client.post(url, data)
        second = client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    assert Section.objects.filter(assignment=s.co).count() == 1
