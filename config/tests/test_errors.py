"""The error pages: Chinese, in the site's frame, with a way back that never leaves the
site; 404 and 403 in the same words."""

import re
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client, RequestFactory

from config.errors import back_url
from proposals.models import Membership
from proposals.tests.factories import AssignmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ENGLISH = ("Not Found", "Forbidden", "Server Error", "CSRF verification failed", "Bad Request")


def page(response) -> str:
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    for sentence in ENGLISH:
        assert sentence not in html
    return html


def main(html: str) -> str:
    return re.search(r"<main>(.*)</main>", html, re.S).group(1)


@pytest.fixture
def handler():
    """A handler of one unit, and an assignment of another unit of the same committee."""
    own = AssignmentFactory()
    other = AssignmentFactory(proposal__session=own.proposal.session)
    user = UserFactory()
    MembershipFactory(user=user, unit=own.unit, role=Membership.Role.HANDLER)
    return user, own, other


def test_it_answers_a_missing_page_in_chinese_with_a_way_home(client, handler):
    client.force_login(handler[0])
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = page(response)
    assert "页面无法打开" in html
    assert 'class="topbar"' in html  # the site's frame, with its menu
    assert re.search(r'<a class="button" href="/">返回首页</a>', html)


def test_it_shows_the_same_words_for_missing_and_not_yours(client, handler):
    user, own, other = handler
    client.force_login(user)
    missing = client.get("/work/999999/")
    not_yours = client.get(f"/work/{other.pk}/")  # another unit's assignment
    forbidden = client.get("/proposals/")  # the clerks' list
    assert (missing.status_code, not_yours.status_code, forbidden.status_code) == (404, 404, 403)
    assert client.get(f"/work/{own.pk}/").status_code == 200
    texts = {main(page(r)) for r in (missing, not_yours, forbidden)}
    assert len(texts) == 1
    assert "您没有查看它的权限" in texts.pop()


def test_it_links_back_to_the_page_the_person_came_from(client, handler):
    client.force_login(handler[0])
    response = client.get("/proposals/", HTTP_REFERER="http://testserver/work/?page=2")
    html = page(response)
    assert '<a class="button" href="http://testserver/work/?page=2">返回上一页</a>' in html


def test_it_never_links_back_to_another_site(client, handler):
    client.force_login(handler[0])
    for referer in ("https://evil.example/phish", "//evil.example/", "javascript:alert(1)"):
        html = page(client.get("/proposals/", HTTP_REFERER=referer))
        assert "evil" not in html and "javascript" not in html
        assert "返回上一页" not in html


@pytest.mark.parametrize(
    ("referer", "secure", "expected"),
    [
        ("http://testserver/proposals/?q=1", False, "http://testserver/proposals/?q=1"),
        ("https://testserver/proposals/", True, "https://testserver/proposals/"),
        ("http://testserver/proposals/", True, None),  # https page, http referer
        ("http://testserver/failed/", False, None),  # the failing page itself
        ("https://testserver.evil.example/", False, None),
        ("http://evil.example/", False, None),
        ("/proposals/", False, None),  # not a browser's referer
        ("", False, None),
    ],
)
def test_back_url_accepts_only_another_page_of_this_site(referer, secure, expected):
    request = RequestFactory().get("/failed/", HTTP_REFERER=referer, secure=secure)
    assert back_url(request) == expected


def test_back_url_of_a_refused_form_is_the_form_page_itself():
    request = RequestFactory().post("/failed/", HTTP_REFERER="http://testserver/failed/")
    assert back_url(request) == "http://testserver/failed/"


def test_it_explains_a_refused_form_in_chinese(handler):
    user, own, _other = handler
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    came_from = f"http://testserver/work/{own.pk}/contacts/new/"  # the form posts to itself
    response = client.post(f"/work/{own.pk}/contacts/new/", {}, HTTP_REFERER=came_from)
    assert response.status_code == 403
    html = page(response)
    assert "页面已过期，请刷新后重新提交" in html
    assert "没有保存" in html
    assert f'<a class="button" href="{came_from}">返回刚才的页面</a>' in html


def test_it_shows_a_chinese_500_page_even_when_the_database_is_down(client, settings, handler):
    settings.ROOT_URLCONF = "config.tests.urls_raising"
    client.raise_request_exception = False
    client.force_login(handler[0])
    # The database is gone for the context processors too: the page must not need them.
    with mock.patch(
        "proposals.context_processors.notices", side_effect=DatabaseError("down")
    ):
        response = client.get("/test-fail/", HTTP_REFERER="http://testserver/work/")
    assert response.status_code == 500
    html = page(response)
    assert "系统出错，请稍后再试" in html
    assert '<a class="button" href="http://testserver/work/">返回上一页</a>' in html
    assert 'href="/">返回首页</a>' in html
