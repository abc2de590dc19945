"""Login rate limiting (django-axes): five bad passwords lock the sixth try out, even with
the right password, and the page says so in Chinese. Tests elsewhere run with axes off."""

import pytest
from django.test import override_settings
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True)
def test_it_locks_out_the_sixth_login_after_five_failures(client):
    UserFactory(username="wangbo", password="right-pass-123")
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "wangbo", "password": "wrong"})
        assert response.status_code in (200, 429)
        assert "_auth_user_id" not in client.session
    response = client.post(url, {"username": "wangbo", "password": "right-pass-123"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "登录已暂停" in text
    assert "连续5次登录失败" in text


@override_settings(AXES_ENABLED=True)
def test_it_does_not_lock_out_other_users_or_a_right_password_after_few_failures(client):
    UserFactory(username="wangbo", password="right-pass-123")
    UserFactory(username="lina", password="other-pass-123")
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": "wangbo", "password": "wrong"})
    response = client.post(url, {"username": "lina", "password": "other-pass-123"})
    assert response.status_code == 302
    client.logout()
    for _ in range(4):
        client.post(url, {"username": "lina", "password": "wrong"})
    response = client.post(url, {"username": "lina", "password": "other-pass-123"})
    assert response.status_code == 302


def test_production_counts_the_address_the_proxy_added():
    from django.test import RequestFactory

    from config.proxy import client_ip as _client_ip

    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9", REMOTE_ADDR="127.0.0.1"
    )
    assert _client_ip(request) == "10.0.0.9"
    assert _client_ip(RequestFactory().get("/", REMOTE_ADDR="10.1.1.1")) == "10.1.1.1"


@override_settings(AXES_ENABLED=True)
@pytest.mark.parametrize("length", [151, 256, 10_000])
def test_it_refuses_a_username_longer_than_any_account_without_a_server_error(
    client, require_postgres, length
):
    """axes records the failed name in a 255-character column; PostgreSQL refused a longer one
    (DataError, a 500 to an anonymous visitor). Needs PostgreSQL: SQLite ignores lengths."""
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "王" * length, "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "王" * 150


@override_settings(AXES_ENABLED=True)
def test_it_still_locks_out_a_long_username_after_five_failures(client):
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": "x" * 300, "password": "wrong"})
    response = client.post(url, {"username": "x" * 300, "password": "wrong"})
    assert response.status_code == 429


def test_the_login_page_leads_the_public_to_the_published_replies(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("gongkai:index")}"' in html and "查阅已公开的提案答复" in html
    assert client.get(reverse("gongkai:index")).status_code == 200  # no login needed
