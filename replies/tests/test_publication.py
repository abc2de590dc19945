"""公开答复 services: created when sent, due 20 working days later, published with the
personal data removed (the original untouched), withdrawn with a reason, the daily overdue
notice once per reply, and all-or-nothing."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from proposals.deadlines import scan_deadlines
from proposals.models import Notice
from proposals.notices import notices_visible_to
from proposals.transitions import TransitionError
from replies.models import Publication, Reply
from replies.redaction import MARK_CONTACT, MARK_ID, MARK_PHONE, MARK_PHRASE
from replies.services import publication as svc

from .publication_fixtures import (
    DUE_ON,
    ID_NUMBER,
    MOBILE,
    SECRETS,
    SENT_ON,
    at,
    clerk_of,
    publication_of,
    sent_public_reply,
)

pytestmark = pytest.mark.django_db
S = Publication.State


def _docx_text(publication: Publication) -> str:
    publication.public_file.open("rb")
    data = publication.public_file.read()
    publication.public_file.close()
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def test_it_is_created_pending_when_sent_due_20_working_days_later_over_the_holiday():
    reply = sent_public_reply()
    publication = publication_of(reply)
    assert publication.state == S.PENDING
    assert publication.due_on == DUE_ON  # 劳动节 1–5 May skipped, 27 April worked


def test_it_is_not_created_for_a_reply_not_for_publication():
    reply = sent_public_reply(disclosure=Reply.Disclosure.ON_REQUEST)
    assert not Publication.objects.filter(reply=reply).exists()
    assert svc.publications_ensure_all() == 0


def test_the_daily_catch_up_creates_missing_ones_once():
    reply = sent_public_reply()
    Publication.objects.filter(reply=reply).delete()
    assert svc.publications_ensure_all() == 1
    assert svc.publications_ensure_all() == 0
    assert publication_of(reply).due_on == DUE_ON


def test_the_daily_catch_up_dates_a_pending_one_once_the_holidays_are_loaded():
    """Sent when the holidays of the year its 20 working days reach were not loaded: no
    due date then; the catch-up sets it once they are (and leaves the others alone)."""
    reply = sent_public_reply()
    Publication.objects.filter(reply=reply).update(due_on=None)
    svc.publications_ensure_all()
    assert publication_of(reply).due_on == DUE_ON


def test_it_publishes_the_text_without_personal_data_and_keeps_the_original():
    reply = sent_public_reply()
    original = (reply.signed_file.name, reply.sha256, reply.signed_spec)
    with reply.signed_file.open("rb") as f:
        original_bytes = f.read()
    clerk = clerk_of(reply.case)
    publication = svc.publication_publish(
        publication=publication_of(reply), actor=clerk, mode="full", marks="跟踪"
    )
    assert publication.state == S.PUBLISHED and publication.published_by == clerk
    docx_text = _docx_text(publication)
    for secret in SECRETS:
        assert secret not in publication.text
        assert secret not in publication.title
        assert secret not in docx_text
    assert MARK_PHONE in publication.text and MARK_ID in publication.text
    assert MARK_CONTACT in publication.text and MARK_PHRASE in publication.text
    assert "连科函〔2025〕12号" in publication.text and "1200万元" in publication.text
    assert "本件为公开版" in docx_text and "联系人：" not in docx_text
    with publication.public_file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == publication.public_sha256
    reply.refresh_from_db()
    assert (reply.signed_file.name, reply.sha256, reply.signed_spec) == original
    with reply.signed_file.open("rb") as f:
        assert f.read() == original_bytes
    assert ID_NUMBER in "".join(str(p) for p in reply.signed_spec["sections"][0]["paragraphs"])


def test_a_summary_is_required_and_redacted_too():
    reply = sent_public_reply()
    clerk = clerk_of(reply.case)
    with pytest.raises(ValidationError):
        svc.publication_publish(publication=publication_of(reply), actor=clerk, mode="summary")
    publication = svc.publication_publish(
        publication=publication_of(reply), actor=clerk, mode="summary",
        summary=f"已落实补贴，咨询电话{MOBILE}。",
    )
    assert publication.text == f"已落实补贴，咨询电话{MARK_PHONE}。"
    assert publication.summary == f"已落实补贴，咨询电话{MOBILE}。"  # kept beside it
    text = _docx_text(publication)
    assert "摘要公开" in text and MOBILE not in text and ID_NUMBER not in text


def test_only_the_committee_clerk_publishes():
    reply = sent_public_reply()
    with pytest.raises(PermissionDenied):
        svc.publication_publish(publication=publication_of(reply), actor=reply.case.handler,
                                mode="full")
    assert publication_of(reply).state == S.PENDING


def test_withdraw_needs_a_reason_and_can_be_published_again():
    reply = sent_public_reply()
    clerk = clerk_of(reply.case)
    publication = svc.publication_publish(publication=publication_of(reply), actor=clerk,
                                          mode="full")
    with pytest.raises(ValidationError):
        svc.publication_withdraw(publication=publication, actor=clerk, reason="  ")
    publication = svc.publication_withdraw(publication=publication, actor=clerk,
                                           reason="含有未删除的个人信息")
    assert publication.state == S.WITHDRAWN and publication.withdraw_reason
    with pytest.raises(TransitionError):
        svc.publication_withdraw(publication=publication, actor=clerk, reason="再次")
    publication = svc.publication_publish(publication=publication, actor=clerk, mode="full")
    assert publication.state == S.PUBLISHED and publication.withdraw_reason == ""
    assert publication.history.count() >= 3


def test_a_failure_mid_publish_leaves_nothing(monkeypatch):
    reply = sent_public_reply()
    clerk = clerk_of(reply.case)
    publication = publication_of(reply)
    storage = publication.public_file.storage
    saved = []
    real_save = storage.save

    def save_then_remember(name, content, **kw):
        saved.append(real_save(name, content, **kw))
        return saved[-1]

    def broken_full_clean(self, *a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(storage, "save", save_then_remember)
    monkeypatch.setattr(Publication, "full_clean", broken_full_clean)
    with pytest.raises(RuntimeError):
        svc.publication_publish(publication=publication, actor=clerk, mode="full")
    publication.refresh_from_db()
    assert publication.state == S.PENDING and publication.text == ""
    assert not publication.public_file and saved and not storage.exists(saved[0])


def test_the_overdue_notice_goes_to_the_clerks_once():
    reply = sent_public_reply()
    clerk = clerk_of(reply.case)
    assert svc.publications_notify_overdue(today=DUE_ON) == 0  # due today: not overdue yet
    late = DUE_ON + dt.timedelta(days=1)
    with at(late):
        scan_deadlines(today=late)
        scan_deadlines(today=late)
    notices = Notice.objects.filter(kind=Notice.Kind.PUBLICATION_OVERDUE)
    assert notices.count() == 1 and notices.get().recipient == clerk
    assert list(notices_visible_to(clerk).filter(kind=Notice.Kind.PUBLICATION_OVERDUE)) == [
        notices.get()]
    assert not notices_visible_to(reply.case.handler).filter(
        kind=Notice.Kind.PUBLICATION_OVERDUE).exists()
    assert svc.publications_notify_overdue(today=late + dt.timedelta(days=5)) == 0


def test_a_published_one_is_never_overdue():
    reply = sent_public_reply()
    clerk = clerk_of(reply.case)
    svc.publication_publish(publication=publication_of(reply), actor=clerk, mode="full")
    assert not svc.overdue_publications(DUE_ON + dt.timedelta(days=30)).exists()
    assert svc.overdue_publications(SENT_ON).count() == 0
