"""The orders of test_lifecycle through the pages: the signer signs on the reply page, the
proposer answers on /f/<token>/ (the link of the signed letter), the handler marks the
letter sent; the proposal's final status and history are the same in every order."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from proposals.models import Assignment, Proposal
from replies.models import Reply

from .reply_fixtures import make_case, ready_reply
from .test_lifecycle import ORDERS, SENT_AT, _correct, _statuses


def _both(level):
    """The form's two answers (办理过程, 办理结果) at the same level."""
    return {"process_satisfaction": level, "result_satisfaction": level}


pytestmark = pytest.mark.django_db

P = Proposal.Status


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _sign(client: Client, case, reply: Reply) -> str:
    """The signer signs on the reply page; returns the proposer's token of the letter."""
    client.force_login(case.signer)
    response = client.post(reverse("replies:sign", args=[reply.pk]))
    assert response.status_code == 302
    url = client.session[f"replies:link:{reply.pk}"]
    return url.rstrip("/").rsplit("/", 1)[-1]


def _send(client: Client, case, reply: Reply) -> str:
    client.force_login(case.handler)
    with time_machine.travel(SENT_AT, tick=False):
        response = client.post(reverse("replies:mark_sent", args=[reply.pk]), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _answer(token: str, satisfaction: str) -> None:
    proposer = Client(enforce_csrf_checks=False)
    url = reverse("feedback", args=[token])
    assert proposer.get(url).status_code == 200  # the letter's link works before 已发送
    response = proposer.post(url, {**_both(satisfaction), "comment": "意见"})
    assert response.status_code == 302
    assert "感谢您的评价" in proposer.get(response["Location"]).content.decode()


def _run(client, case, reply, order, satisfaction) -> str:
    token = _sign(client, case, reply)
    page = ""
    for step in order:
        if step == "send":
            page = _send(client, case, reply)
        else:
            _answer(token, satisfaction)
    return page


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_a_satisfied_answer_ends_at_feedback_in_either_order(client, order):
    case = make_case()
    reply = ready_reply(case)
    page = _run(client, case, reply, order, "satisfied")
    assert "提案状态：已反馈" in page or order[-1] != "send"
    case.proposal.refresh_from_db()
    reply.refresh_from_db()
    assert case.proposal.status == P.FEEDBACK
    assert _statuses(case.proposal) == [P.IN_PROGRESS, P.ANSWERED, P.FEEDBACK]
    assert reply.state == Reply.State.SENT and reply.sent_at == SENT_AT
    detail = client.get(reverse("replies:detail", args=[reply.pk])).content.decode()
    assert "发送于" in detail and "满意" in detail


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_an_unsatisfied_answer_sends_it_back_and_a_correction_answers_again(client, order):
    case = make_case()
    reply = ready_reply(case)
    _run(client, case, reply, order, "unsatisfied")
    case.proposal.refresh_from_db()
    case.lead.refresh_from_db()
    assert case.proposal.status == P.IN_PROGRESS
    assert case.lead.state == Assignment.State.IN_PROGRESS
    assert _statuses(case.proposal) == [P.IN_PROGRESS, P.ANSWERED, P.IN_PROGRESS]

    reply.refresh_from_db()
    correction = _correct(case, reply)
    page = _run(client, case, correction, list(reversed(order)), "satisfied")
    case.proposal.refresh_from_db()
    correction.refresh_from_db()
    assert case.proposal.status == P.FEEDBACK
    assert _statuses(case.proposal) == [
        P.IN_PROGRESS, P.ANSWERED, P.IN_PROGRESS, P.ANSWERED, P.FEEDBACK]
    assert correction.state == Reply.State.SENT and correction.sent_at == SENT_AT
    if order[0] == "send":  # the correction was answered first, then marked sent
        assert "提案状态：已反馈" in page
