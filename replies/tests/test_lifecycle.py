"""The proposal's side of a reply, in every order of the events: sign-off, 已发送, the
proposer's answer through the link on the signed letter, and a correction after 不满意.
Whichever of 已发送 and the answer comes first delivers the reply; the final status and
the history are the same in every order."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError

from proposals.models import Assignment, Membership, Notice, Proposal
from proposals.tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    SectionFactory,
    UnitFactory,
    UserFactory,
)
from proposals.transitions import ALLOWED, ON_REPLY_EVENT
from replies import services
from replies.models import Feedback, Reply

from .reply_fixtures import CONTACT, SIGN_DATE, make_case, ready_reply

pytestmark = pytest.mark.django_db

P = Proposal.Status
SENT_AT = dt.datetime(2025, 6, 23, 9, 30, tzinfo=dt.UTC)


def _statuses(proposal: Proposal) -> list[str]:
    """The proposal's statuses through its history, a repeated one (a save that changed
    something else) counted once."""
    seen: list[str] = []
    for status in proposal.history.order_by("history_id").values_list(
        "status", flat=True
    ):
        if not seen or seen[-1] != status:
            seen.append(status)
    return seen


def _assignment_states(assignment: Assignment) -> list[str]:
    seen: list[str] = []
    for state in assignment.history.order_by("history_id").values_list(
        "state", flat=True
    ):
        if not seen or seen[-1] != state:
            seen.append(state)
    return seen


def _sign(case, reply: Reply, on: dt.date = SIGN_DATE) -> tuple[Reply, str]:
    """Sign off as the signer page does, keeping the token of the link the letter carries."""
    tokens: list[str] = []

    def url_for(token: str) -> str:
        tokens.append(token)
        return f"https://tian.example.gov.cn/f/{token}/"

    reply = services.reply_sign_off(
        reply=reply, actor=case.signer, signed_on=on, feedback_url_for=url_for
    )
    return reply, tokens[-1]


def _send(case, reply: Reply) -> Reply:
    with time_machine.travel(SENT_AT, tick=False):
        return services.reply_mark_sent(reply=reply, actor=case.handler)


def _answer(token: str, satisfaction: str) -> Feedback:
    return services.feedback_submit(token=token, satisfaction=satisfaction, comment="意见")


def _run(case, order: list[str], satisfaction: str) -> Reply:
    reply, token = _sign(case, ready_reply(case))
    for step in order:
        if step == "send":
            reply = _send(case, reply)
        else:
            _answer(token, satisfaction)
    reply.refresh_from_db()
    return reply


ORDERS = {"send-then-answer": ["send", "answer"], "answer-then-send": ["answer", "send"]}


def test_the_event_table_moves_only_along_the_allowed_moves():
    for event, moves in ON_REPLY_EVENT.items():
        for current, target in moves.items():
            assert target in ALLOWED[Proposal][current], (event, current, target)


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
@pytest.mark.parametrize("satisfaction", ["satisfied", "basically_satisfied"])
def test_a_satisfied_answer_ends_at_feedback_in_either_order(order, satisfaction):
    case = make_case()
    reply = _run(case, order, satisfaction)
    case.proposal.refresh_from_db()
    case.lead.refresh_from_db()
    assert case.proposal.status == P.FEEDBACK
    assert _statuses(case.proposal) == [P.IN_PROGRESS, P.ANSWERED, P.FEEDBACK]
    assert case.proposal.answered_at is not None
    assert reply.state == Reply.State.SENT and reply.sent_at == SENT_AT
    assert case.lead.state == Assignment.State.COMPLETED
    assert _assignment_states(case.lead) == [
        Assignment.State.IN_PROGRESS, Assignment.State.COMPLETED]
    assert reply.feedback.satisfaction == satisfaction


@pytest.mark.parametrize("order", ORDERS.values(), ids=ORDERS.keys())
def test_an_unsatisfied_answer_sends_it_back_in_either_order(order):
    case = make_case()
    reply = _run(case, order, "unsatisfied")
    case.proposal.refresh_from_db()
    case.lead.refresh_from_db()
    assert case.proposal.status == P.IN_PROGRESS
    assert _statuses(case.proposal) == [P.IN_PROGRESS, P.ANSWERED, P.IN_PROGRESS]
    assert reply.state == Reply.State.SENT and reply.sent_at == SENT_AT
    # 重新办理: the lead unit's assignment is open again, and stays open once marked sent.
    assert case.lead.state == Assignment.State.IN_PROGRESS
    assert _assignment_states(case.lead) == [
        Assignment.State.IN_PROGRESS, Assignment.State.COMPLETED, Assignment.State.IN_PROGRESS]
    assert Notice.objects.filter(
        unit=case.unit, kind=Notice.Kind.FEEDBACK_UNSATISFIED).count() == 1


def test_sign_off_alone_does_not_answer_the_proposal():
    case = make_case()
    _sign(case, ready_reply(case))
    case.proposal.refresh_from_db()
    assert case.proposal.status == P.IN_PROGRESS


def test_a_second_answer_is_refused_and_changes_nothing():
    case = make_case()
    reply, token = _sign(case, ready_reply(case))
    _answer(token, "satisfied")
    with pytest.raises(ValidationError):
        _answer(token, "unsatisfied")
    _send(case, reply)
    case.proposal.refresh_from_db()
    assert case.proposal.status == P.FEEDBACK
    assert Feedback.objects.get().satisfaction == "satisfied"


def _correct(case, original: Reply) -> Reply:
    correction = services.reply_correct(reply=original, actor=case.handler)
    correction = services.reply_update(
        reply=correction, expected_version=correction.version, actor=case.handler,
        category="B", **CONTACT,
    )
    return services.reply_submit_for_review(reply=correction, actor=case.handler)


@pytest.mark.parametrize("first", ORDERS.values(), ids=ORDERS.keys())
@pytest.mark.parametrize("second", ORDERS.values(), ids=ORDERS.keys())
def test_a_correction_after_unsatisfied_answers_again_in_any_order(first, second):
    case = make_case()
    original = _run(case, first, "unsatisfied")
    correction, token = _sign(case, _correct(case, original), on=dt.date(2025, 7, 10))
    case.proposal.refresh_from_db()
    assert case.proposal.status == P.IN_PROGRESS  # signed, not yet delivered
    for step in second:
        if step == "send":
            correction = _send(case, correction)
        else:
            _answer(token, "basically_satisfied")
    case.proposal.refresh_from_db()
    case.lead.refresh_from_db()
    correction.refresh_from_db()
    assert case.proposal.status == P.FEEDBACK
    assert _statuses(case.proposal) == [
        P.IN_PROGRESS, P.ANSWERED, P.IN_PROGRESS, P.ANSWERED, P.FEEDBACK]
    assert correction.state == Reply.State.SENT and correction.sent_at == SENT_AT
    assert case.lead.state == Assignment.State.COMPLETED


def test_a_correction_of_a_rated_reply_leaves_the_proposal_at_feedback():
    case = make_case()
    original = _run(case, ORDERS["answer-then-send"], "satisfied")
    correction, _token = _sign(case, _correct(case, original), on=dt.date(2025, 7, 10))
    _send(case, correction)
    case.proposal.refresh_from_db()
    assert case.proposal.status == P.FEEDBACK
    assert _statuses(case.proposal) == [P.IN_PROGRESS, P.ANSWERED, P.FEEDBACK]


def test_split_units_answer_the_proposal_once_each_has_answered():
    """分办: the proposal is 已答复 when the last answering unit's reply arrives, be it
    sent or rated; the first unit's early answer waits for it."""
    case = make_case()
    case.lead.role = Assignment.Role.SPLIT
    case.lead.save()
    other_unit = UnitFactory(committee=case.proposal.session.committee, doc_prefix="连科")
    other = AssignmentFactory(
        proposal=case.proposal, unit=other_unit, role=Assignment.Role.SPLIT,
        state=Assignment.State.IN_PROGRESS,
    )
    SectionFactory(assignment=other, heading="分办情况", paragraphs=["已办理。"], order=1)
    other_case = SimpleNamespace(
        handler=UserFactory(), signer=UserFactory(first_name="明", last_name="李")
    )
    MembershipFactory(user=other_case.handler, unit=other_unit, role=Membership.Role.HANDLER)
    MembershipFactory(user=other_case.signer, unit=other_unit, role=Membership.Role.SIGNER)
    first, first_token = _sign(case, ready_reply(case))
    _answer(first_token, "satisfied")
    case.proposal.refresh_from_db()
    assert case.proposal.status == P.IN_PROGRESS  # the other split unit has not answered
    second, second_token = _sign(other_case, ready_reply(other_case, assignment=other))
    _send(other_case, second)
    case.proposal.refresh_from_db()
    assert case.proposal.status == P.ANSWERED
    _answer(second_token, "satisfied")
    case.proposal.refresh_from_db()
    assert _statuses(case.proposal) == [P.IN_PROGRESS, P.ANSWERED, P.FEEDBACK]
