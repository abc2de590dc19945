"""The public site of 公开答复 (/gongkai/): only published, redacted replies, for everyone
without login; nothing of pending, withdrawn or non-public replies; the public .docx never
the signed original; one committee's pages never show another's (PostgreSQL's wall)."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from proposals.models import Notice
from proposals.notices import notices_visible_to
from replies import services
from replies.models import Reply
from replies.services import publication as svc
from replies.tests.publication_fixtures import (
    CONTACT_NAME,
    ID_NUMBER,
    MOBILE,
    SECRETS,
    clerk_of,
    publication_of,
    sent_public_reply,
)
from replies.tests.reply_fixtures import CONTACT, make_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requests_as_app_role")]


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A cache of the test's own (never clear a shared Redis)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "gongkai-tests"}}
    cache.clear()


def _published(case=None, **kwargs):
    reply = sent_public_reply(case)
    clerk = clerk_of(reply.case)
    publication = svc.publication_publish(publication=publication_of(reply), actor=clerk,
                                          mode="full", **kwargs)
    publication.clerk, publication.case = clerk, reply.case
    return publication


def _committee_id(publication):
    return publication.reply.unit.committee_id


def _pages(client, publication, query="补贴"):
    cid = _committee_id(publication)
    pages = {
        "index": client.get(reverse("gongkai:index")),
        "list": client.get(reverse("gongkai:committee", args=[cid])),
        "search": client.get(reverse("gongkai:committee", args=[cid]), {"q": query}),
        "detail": client.get(reverse("gongkai:detail", args=[cid, publication.pk])),
    }
    return {name: r.content.decode() for name, r in pages.items() if r.status_code == 200}


def test_it_shows_a_published_reply_without_personal_data_anywhere(client):
    publication = _published(marks="跟踪")
    pages = _pages(client, publication)
    assert set(pages) == {"index", "list", "search", "detail"}
    assert publication.title in pages["list"] and publication.title in pages["detail"]
    assert "<mark>补贴</mark>" in pages["search"]
    assert "1200万元" in pages["detail"] and "连市监办复" in pages["detail"]
    for html in pages.values():
        for secret in SECRETS:
            assert secret not in html
    response = client.get(reverse("gongkai:docx", args=[_committee_id(publication),
                                                        publication.pk]))
    data = b"".join(response.streaming_content)
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "本件为公开版" in text
    for secret in SECRETS:
        assert secret not in text
    with publication.reply.signed_file.open("rb") as fh:
        assert data != fh.read()  # never the signed original


@pytest.mark.parametrize("term", [MOBILE, ID_NUMBER, CONTACT_NAME, "85809999"])
def test_searching_a_removed_detail_finds_nothing(client, term):
    publication = _published()
    html = client.get(reverse("gongkai:committee", args=[_committee_id(publication)]),
                      {"q": term}).content.decode()
    assert "共0件" in html and publication.title not in html


def test_nothing_of_a_pending_or_withdrawn_reply_is_shown(client):
    pending = publication_of(sent_public_reply())
    cid = _committee_id(pending)
    assert client.get(reverse("gongkai:detail", args=[cid, pending.pk])).status_code == 404
    assert client.get(reverse("gongkai:docx", args=[cid, pending.pk])).status_code == 404
    assert pending.reply.title not in client.get(
        reverse("gongkai:committee", args=[cid])).content.decode()
    published = _published()
    cid = _committee_id(published)
    assert client.get(reverse("gongkai:detail", args=[cid, published.pk])).status_code == 200
    svc.publication_withdraw(publication=published, actor=published.clerk, reason="有误")
    assert client.get(reverse("gongkai:detail", args=[cid, published.pk])).status_code == 404
    assert client.get(reverse("gongkai:docx", args=[cid, published.pk])).status_code == 404
    assert published.title not in client.get(
        reverse("gongkai:committee", args=[cid])).content.decode()


def test_a_reply_no_longer_for_publication_disappears(client):
    publication = _published()
    cid = _committee_id(publication)
    Reply.objects.filter(pk=publication.reply_id).update(disclosure="not_public")
    cache.clear()
    assert client.get(reverse("gongkai:detail", args=[cid, publication.pk])).status_code == 404


def test_a_publication_is_not_reachable_through_another_committees_url(client):
    a = _published()
    b = _published(make_case())
    assert _committee_id(a) != _committee_id(b)
    html = client.get(reverse("gongkai:committee", args=[_committee_id(a)])).content.decode()
    assert reverse("gongkai:detail", args=[_committee_id(a), a.pk]) in html
    assert f"/{b.pk}/" not in html.split("<ol")[1]
    assert client.get(reverse("gongkai:detail", args=[_committee_id(a), b.pk])).status_code == 404
    assert client.get(reverse("gongkai:docx", args=[_committee_id(a), b.pk])).status_code == 404


def test_an_unknown_committee_or_session_is_harmless(client):
    assert client.get(reverse("gongkai:committee", args=[999999])).status_code == 404
    publication = _published()
    url = reverse("gongkai:committee", args=[_committee_id(publication)])
    for params in ({"session": "abc"}, {"session": "99999999999999999999"}, {"page": "-1"},
                   {"q": "x"}):
        assert client.get(url, params).status_code == 200


def test_the_cache_serves_a_page_until_a_publication_changes(client):
    publication = _published()
    url = reverse("gongkai:detail", args=[_committee_id(publication), publication.pk])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # Only the committee's row (outside the wall) is read; no publication, no reply.
    assert not [q for q in queries if "replies_" in q["sql"]]
    svc.publication_withdraw(publication=publication, actor=publication.clerk, reason="有误")
    assert client.get(url).status_code == 404


@override_settings(PUBLIC_CACHE_SECONDS=0)
def test_without_cache_the_pages_are_the_same(client):
    publication = _published()
    assert publication.title in client.get(
        reverse("gongkai:detail", args=[_committee_id(publication), publication.pk])
    ).content.decode()


def test_the_dashboard_counts_overdue_publications_for_the_clerk(client):
    import datetime as dt

    from replies.models import Publication
    from replies.tests.publication_fixtures import at

    reply = sent_public_reply()
    # The due date as stored (20 working days on the holiday calendar the run has).
    due_on = Publication.objects.get(reply=reply).due_on
    clerk = clerk_of(reply.case)
    session = reply.proposal.session
    url = reverse("insights:dashboard_session", args=[session.pk])
    client.force_login(clerk)
    with at(due_on):
        assert 'id="publications-overdue">0<' in client.get(url).content.decode()
    with at(due_on + dt.timedelta(days=1)):
        html = client.get(url).content.decode()
    assert 'id="publications-overdue">1<' in html
    assert reverse("replies:publication_list") + "?overdue=1" in html
    client.force_login(reply.case.handler)
    with at(due_on + dt.timedelta(days=1)):
        assert "publications-overdue" not in client.get(url).content.decode()


def test_a_signed_correction_takes_the_old_version_off_at_once_and_tells_the_clerks(client):
    """The replaced reply's cached pages go with it (not ten minutes later), and the clerks
    learn why it left the site: the correction is published on its own once sent."""
    publication = _published()
    case = publication.case
    cid = _committee_id(publication)
    detail = reverse("gongkai:detail", args=[cid, publication.pk])
    listing = reverse("gongkai:committee", args=[cid])
    assert client.get(detail).status_code == 200
    assert detail in client.get(listing).content.decode()  # both now cached
    correction = services.reply_correct(reply=publication.reply, actor=case.handler)
    correction = services.reply_update(reply=correction, expected_version=correction.version,
                                       actor=case.handler, category="A", **CONTACT)
    correction = services.reply_submit_for_review(reply=correction, actor=case.handler)
    assert client.get(detail).status_code == 200  # a correction in review replaces nothing
    client.force_login(case.signer)  # signed on the signer's page, behind the wall
    assert client.post(reverse("replies:sign", args=[correction.pk])).status_code == 302
    correction.refresh_from_db()
    assert correction.state == Reply.State.SIGNED
    client.logout()
    assert client.get(detail).status_code == 404
    assert detail not in client.get(listing).content.decode()
    notices = Notice.objects.filter(kind=Notice.Kind.PUBLICATION_REPLACED)
    assert [n.recipient for n in notices] == [publication.clerk]
    text = notices.get().text
    assert publication.reply.doc_number in text and correction.doc_number in text
    assert "重新发布" in text
    assert not notices_visible_to(case.handler).filter(
        kind=Notice.Kind.PUBLICATION_REPLACED).exists()
    client.force_login(publication.clerk)  # the clerk's list no longer says 已发布
    row = client.get(reverse("replies:publication_list")).content.decode().split(
        reverse("replies:publication", args=[publication.pk]))[1].split("</tr>")[0]
    assert "已因更正撤下" in row and "已发布" not in row


def test_a_correction_of_a_reply_never_published_tells_nobody():
    reply = sent_public_reply()  # pending, not published
    case = reply.case
    correction = services.reply_correct(reply=reply, actor=case.handler)
    correction = services.reply_update(reply=correction, expected_version=correction.version,
                                       actor=case.handler, category="A", **CONTACT)
    correction = services.reply_submit_for_review(reply=correction, actor=case.handler)
    services.reply_sign_off(reply=correction, actor=case.signer)
    assert not Notice.objects.filter(kind=Notice.Kind.PUBLICATION_REPLACED).exists()
