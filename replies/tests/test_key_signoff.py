"""重点提案 and sign-off: with the session's key_requires_leader_note on, a key proposal's
reply is not signed off before its 领衔督办 leader's note (a 督办 record of kind 领导批示);
the signer's page says so; the signer's queue shows key proposals first."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from proposals import services as proposal_services
from proposals.models import SupervisionRecord
from proposals.tests.factories import UserFactory
from replies import services
from replies.models import DocumentCounter, Reply

from .reply_fixtures import SIGN_DATE, make_case, ready_reply, second_proposal_case

pytestmark = pytest.mark.django_db

NOTE_DAY = dt.date(2025, 5, 6)


def _key(case, *, requires_note: bool = True) -> None:
    session = case.proposal.session
    session.key_requires_leader_note = requires_note
    session.save()
    proposal_services.proposal_mark_key(
        proposal=case.proposal, leader="王建华", leader_title="市政协副主席",
        supervising_unit="市政协提案委员会", actor=UserFactory(),
    )
    case.proposal.refresh_from_db()


def _record(case, kind: str) -> SupervisionRecord:
    return proposal_services.supervision_record_create(
        proposal=case.proposal, kind=kind, held_on=NOTE_DAY, participants="王建华副主席",
        text="请抓紧办理。", actor=UserFactory(),
    )


def test_it_refuses_to_sign_a_key_proposals_reply_before_the_leaders_note():
    case = make_case()
    _key(case)
    _record(case, SupervisionRecord.Kind.VISIT)  # a visit is not the leader's note
    reply = ready_reply(case)
    with pytest.raises(ValidationError) as caught:
        services.reply_sign_off(reply=reply, actor=case.signer, signed_on=SIGN_DATE)
    message = caught.value.messages[0]
    assert "第44137号是重点提案" in message
    assert "市政协副主席王建华" in message and "领导批示" in message
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW and reply.doc_seq is None
    assert not DocumentCounter.objects.exists()  # no number taken


def test_it_signs_once_the_leaders_note_is_recorded():
    case = make_case()
    _key(case)
    _record(case, SupervisionRecord.Kind.LEADER_NOTE)
    reply = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE
    )
    assert reply.state == Reply.State.SIGNED and reply.doc_seq == 1


def test_it_signs_without_a_note_when_the_session_does_not_ask_for_one():
    case = make_case()
    _key(case, requires_note=False)
    reply = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE
    )
    assert reply.state == Reply.State.SIGNED


def test_it_signs_a_proposal_that_is_not_key_whatever_the_setting():
    case = make_case()
    session = case.proposal.session
    session.key_requires_leader_note = True
    session.save()
    reply = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE
    )
    assert reply.state == Reply.State.SIGNED


def test_the_signers_page_says_why_and_the_sign_button_refuses(client):
    case = make_case()
    _key(case)
    reply = ready_reply(case)
    client.force_login(case.signer)
    url = reverse("replies:detail", args=[reply.pk])
    html = client.get(url).content.decode()
    assert 'id="leader-note-missing"' in html
    assert "须先录入领衔督办领导（市政协副主席王建华）的批示" in html
    assert 'disabled title="须先录入领衔督办领导的批示"' in html
    # Posting anyway (an old page, a script): refused with the same words, nothing signed.
    response = client.post(reverse("replies:sign", args=[reply.pk]), follow=True)
    assert "第44137号是重点提案" in response.content.decode()
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW
    _record(case, SupervisionRecord.Kind.LEADER_NOTE)
    html = client.get(url).content.decode()
    assert 'id="leader-note-missing"' not in html


def test_the_signers_queue_lists_key_proposals_first(client):
    case = make_case()
    plain = ready_reply(case)  # in review first: the oldest
    other = second_proposal_case(case, 44200)
    key_reply = ready_reply(other)
    proposal_services.proposal_mark_key(
        proposal=other.proposal, leader="李晓梅", supervising_unit="市政府督查室",
        actor=UserFactory(),
    )
    client.force_login(case.signer)
    html = client.get(reverse("replies:review_queue")).content.decode()
    key_at = html.index(reverse("replies:detail", args=[key_reply.pk]))
    plain_at = html.index(reverse("replies:detail", args=[plain.pk]))
    assert key_at < plain_at
    assert html.count('<span class="pill key"') == 1
