"""The clerk's 公开答复 screens: the list with due dates and 逾期, the side-by-side page,
preview without saving, confirm, withdraw, and the links from the nav and the reply."""

import datetime as dt

import pytest
from django.urls import reverse

from replies.models import Publication
from replies.redaction import MARK_ID, MARK_PHONE, MARK_PHRASE

from .publication_fixtures import (
    DUE_ON,
    ID_NUMBER,
    MOBILE,
    at,
    clerk_of,
    publication_of,
    sent_public_reply,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requests_as_app_role")]


@pytest.fixture
def sent():
    reply = sent_public_reply()
    reply.clerk = clerk_of(reply.case)
    return reply


def test_it_lists_pending_with_the_due_date_and_marks_overdue(client, sent):
    client.force_login(sent.clerk)
    with at(DUE_ON):
        html = client.get(reverse("replies:publication_list")).content.decode()
    assert "2025-05-15" in html and "逾期" not in html.split("<h2>已发布")[0].split("待发布")[1]
    with at(DUE_ON + dt.timedelta(days=1)):
        html = client.get(reverse("replies:publication_list")).content.decode()
    assert 'class="overdue"' in html and "pub-overdue" in html


def test_the_page_shows_the_original_and_the_public_version_side_by_side(client, sent):
    client.force_login(sent.clerk)
    url = reverse("replies:publication", args=[publication_of(sent).pk])
    html = client.get(url).content.decode()
    original, public = html.split('id="public-title"')
    assert f'<mark class="removed" title="将替换为{MARK_ID}">{ID_NUMBER}</mark>' in original
    assert ID_NUMBER not in public and MOBILE[:3] + " " + MOBILE[3:7] not in public
    assert f'<mark class="marker">{MARK_ID}</mark>' in public
    assert f'<mark class="marker">{MARK_PHONE}</mark>' in public


def test_preview_shows_the_clerks_marks_and_saves_nothing(client, sent):
    client.force_login(sent.clerk)
    url = reverse("replies:publication", args=[publication_of(sent).pk])
    response = client.post(url, {"mode": "full", "marks": "已获补贴", "action": "preview"})
    assert response.status_code == 200
    assert MARK_PHRASE in response.content.decode()
    publication = publication_of(sent)
    assert publication.state == Publication.State.PENDING and publication.marks == ""


def test_a_summary_publication_without_summary_is_refused_where_it_is_typed(client, sent):
    client.force_login(sent.clerk)
    url = reverse("replies:publication", args=[publication_of(sent).pk])
    response = client.post(url, {"mode": "summary", "summary": " ", "action": "publish"})
    assert response.status_code == 400
    assert "选择摘要公开时，必须填写答复摘要" in response.content.decode()
    assert publication_of(sent).state == Publication.State.PENDING


def test_it_publishes_then_withdraws_with_a_reason(client, sent):
    client.force_login(sent.clerk)
    pk = publication_of(sent).pk
    response = client.post(reverse("replies:publication", args=[pk]),
                           {"mode": "full", "marks": "", "action": "publish"})
    assert response.status_code == 302
    assert publication_of(sent).state == Publication.State.PUBLISHED
    response = client.post(reverse("replies:publication_withdraw", args=[pk]), {"reason": ""})
    assert response.status_code == 400 and "撤回公开答复时必须填写理由" in response.content.decode()
    response = client.post(reverse("replies:publication_withdraw", args=[pk]),
                           {"reason": "发现未删除的个人信息"})
    assert response.status_code == 302
    assert publication_of(sent).state == Publication.State.WITHDRAWN


def test_the_clerk_reaches_it_from_the_nav_and_the_reply_page(client, sent):
    client.force_login(sent.clerk)
    home = client.get(reverse("replies:detail", args=[sent.pk])).content.decode()
    assert reverse("replies:publication_list") in home
    assert reverse("replies:publication", args=[publication_of(sent).pk]) in home
    client.force_login(sent.case.handler)
    page = client.get(reverse("replies:detail", args=[sent.pk])).content.decode()
    assert reverse("replies:publication_list") not in page
