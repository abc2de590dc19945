"""The proposer's page /f/<token>/: no account, expiring, rate-limited, one answer."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from proposals.models import Assignment, Notice, Proposal
from replies import services
from replies.models import Feedback, ReplyDownload
from replies.views.feedback import RATE_LIMIT

from .reply_fixtures import make_case, ready_reply


def _both(level):
    """The form's two answers (办理过程, 办理结果) at the same level."""
    return {"process_satisfaction": level, "result_satisfaction": level}


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sent():
    """A signed and sent reply and the proposer's token."""
    case = make_case()
    reply = services.reply_sign_off(reply=ready_reply(case), actor=case.signer)
    reply = services.reply_mark_sent(reply=reply, actor=case.handler)
    _link, token = services.feedback_link_create(reply=reply)
    return case, reply, token


def _url(token):
    return reverse("feedback", args=[token])


def test_it_shows_the_reply_without_an_account(client, sent):
    case, reply, token = sent
    response = client.get(_url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert reply.doc_number in html
    assert reply.signed_spec["sections"][0]["heading"] in html
    assert "一、" in html  # headings numbered as on the letter
    assert 'class="topbar"' not in html  # no staff header
    assert 'name="viewport"' in html
    assert reverse("feedback_letter", args=[token]) in html


def test_it_records_satisfied_and_the_proposal_gets_feedback(client, sent):
    case, reply, token = sent
    response = client.post(_url(token), {**_both("satisfied"), "comment": "很好"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "感谢您的评价" in page
    feedback = Feedback.objects.get(reply=reply)
    assert feedback.satisfaction == "satisfied" and feedback.comment == "很好"
    case.proposal.refresh_from_db()
    assert case.proposal.status == Proposal.Status.FEEDBACK


def test_it_counts_a_second_answer_once_and_says_already_answered(client, sent):
    case, reply, token = sent
    client.post(_url(token), {**_both("satisfied")})
    response = client.post(_url(token), {**_both("unsatisfied")}, follow=True)
    assert "已评价" in response.content.decode()
    assert Feedback.objects.filter(reply=reply).count() == 1
    assert Feedback.objects.get(reply=reply).satisfaction == "satisfied"


def test_it_asks_for_a_choice_in_chinese(client, sent):
    case, reply, token = sent
    response = client.post(
        _url(token), {"process_satisfaction": "", "result_satisfaction": "satisfied",
                      "comment": "未选择"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请对办理过程选择满意、基本满意或不满意。" in html
    assert "请对办理结果选择" not in html  # the part answered is not flagged
    assert "未选择" in html  # the comment typed is kept
    assert not Feedback.objects.exists()


def test_it_reopens_the_proposal_and_tells_the_unit_when_unsatisfied(client, sent):
    case, reply, token = sent
    client.post(_url(token), {"process_satisfaction": "unsatisfied",
                              "result_satisfaction": "unsatisfied", "comment": "没有解决实际问题"})
    case.proposal.refresh_from_db()
    assert case.proposal.status == Proposal.Status.IN_PROGRESS
    notice = Notice.objects.get(unit=case.unit, kind=Notice.Kind.FEEDBACK_UNSATISFIED)
    assert "不满意" in notice.message and "没有解决实际问题" in notice.message
    case.lead.refresh_from_db()
    assert case.lead.state == Assignment.State.IN_PROGRESS  # back on the unit's work list


def test_it_downloads_the_letter_and_logs_it(client, sent):
    case, reply, token = sent
    response = client.get(reverse("feedback_letter", args=[token]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert ReplyDownload.objects.get(reply=reply).via == ReplyDownload.Via.PROPOSER


def test_it_shows_a_clear_page_for_an_expired_link(client, sent):
    case, reply, token = sent
    with time_machine.travel(timezone.now() + dt.timedelta(days=181)):
        response = client.get(_url(token))
        assert response.status_code == 410
        assert "链接已过期" in response.content.decode()
        response = client.post(_url(token), {**_both("satisfied")})
        assert response.status_code == 410
    assert not Feedback.objects.exists()


def test_it_opens_the_page_for_the_token_as_typed_from_paper(client, sent):
    case, reply, token = sent
    assert client.get(_url(token.lower().replace("-", ""))).status_code == 200
    assert client.get(_url(token.replace("-", " "))).status_code == 200


def test_it_answers_an_unknown_token_with_not_found(client, sent):
    response = client.get(_url("x" * 43))
    assert response.status_code == 404
    assert "链接无效" in response.content.decode()
    assert client.get(reverse("feedback_letter", args=["nope"])).status_code == 404


def test_it_rate_limits_per_ip_and_token(client, sent):
    case, reply, token = sent
    for _ in range(RATE_LIMIT):
        assert client.get(_url(token)).status_code == 200
    response = client.get(_url(token))
    assert response.status_code == 429
    assert "请稍后再试" in response.content.decode()
    other_ip = client.get(_url(token), REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 200


def test_it_requires_a_csrf_token(sent):
    from django.test import Client

    case, reply, token = sent
    response = Client(enforce_csrf_checks=True).post(_url(token), {**_both("satisfied")})
    assert response.status_code == 403
    assert not Feedback.objects.exists()
