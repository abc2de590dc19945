"""The proposer's answer in two parts (办理过程, 办理结果): the overall answer, 重新办理 with a
new due date on 不满意 of either part, the second answer that closes it, and the rates."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from insights.stats import dashboard
from proposals.dates import add_working_days
from proposals.models import Assignment, Notice, Proposal
from replies import services
from replies.models import Feedback
from replies.models.feedback import overall_satisfaction

from .reply_fixtures import make_case, ready_reply

pytestmark = pytest.mark.django_db

S, B, U = "satisfied", "basically_satisfied", "unsatisfied"


def _sent(case, signed_on=None):
    reply = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=signed_on
    )
    return services.reply_mark_sent(reply=reply)


def _answer(reply, process, result, comment=""):
    _link, token = services.feedback_link_create(reply=reply)
    return services.feedback_submit(token=token, process=process, result=result,
                                    comment=comment)


@pytest.mark.parametrize(("process", "result", "overall"), [
    (S, S, S), (S, B, B), (B, S, B), (B, B, B), (U, S, U), (S, U, U), (B, U, U), (U, U, U),
])
def test_the_overall_answer_is_the_worse_part(process, result, overall):
    assert overall_satisfaction(process, result) == overall
    feedback = _answer(_sent(make_case()), process, result)
    feedback.refresh_from_db()
    assert (feedback.process_satisfaction, feedback.result_satisfaction,
            feedback.satisfaction) == (process, result, overall)


def test_the_database_refuses_an_overall_answer_that_is_not_the_worse_part():
    feedback = _answer(_sent(make_case()), S, B)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Feedback.objects.filter(pk=feedback.pk).update(satisfaction=S)


def test_each_part_must_be_answered_and_says_which():
    reply = _sent(make_case())
    _link, token = services.feedback_link_create(reply=reply)
    with pytest.raises(ValidationError) as caught:
        services.feedback_submit(token=token, process=S, result="")
    assert "办理结果" in str(caught.value.message_dict["result_satisfaction"])
    with pytest.raises(ValidationError) as caught:
        services.feedback_submit(token=token, process="很满意", result=S)
    assert "办理过程" in str(caught.value.message_dict["process_satisfaction"])
    assert not Feedback.objects.exists()


def test_satisfied_on_both_parts_moves_the_proposal_to_feedback():
    case = make_case()
    _answer(_sent(case), S, B)
    case.proposal.refresh_from_db()
    assert case.proposal.status == Proposal.Status.FEEDBACK


@pytest.mark.parametrize(("process", "result"), [(U, S), (S, U)])
def test_unsatisfied_on_either_part_reopens_with_the_sessions_new_due_date(process, result):
    case = make_case()
    session = case.proposal.session
    session.reopen_working_days = 15
    session.save()
    old_due = case.lead.due_on
    _answer(_sent(case), process, result, comment="没有回应落实时间")
    case.proposal.refresh_from_db()
    case.lead.refresh_from_db()
    assert case.proposal.status == Proposal.Status.IN_PROGRESS
    assert case.lead.state == Assignment.State.IN_PROGRESS
    new_due = add_working_days(timezone.localdate(), 15)
    assert case.lead.due_on == max(old_due, new_due)
    assert case.lead.first_due_on == old_due  # 按期办复 still measured against this
    notice = Notice.objects.get(unit=case.unit, kind=Notice.Kind.FEEDBACK_UNSATISFIED)
    assert "重新办理" in notice.message and f"{case.lead.due_on:%Y年%-m月%-d日}" in notice.message
    assert "办理过程：" in notice.message and "没有回应落实时间" in notice.message


def test_the_answer_after_reopening_closes_the_round_even_if_unsatisfied():
    case = make_case()
    first = _answer(_sent(case), S, U)
    assert not first.is_final
    case.lead.refresh_from_db()
    reopened_due = case.lead.due_on

    # 重新办理: the unit answers again with a reply superseding the first (更正答复).
    again = services.reply_correct(reply=first.reply, actor=case.handler)
    again = services.reply_submit_for_review(reply=again, actor=case.handler)
    again = services.reply_mark_sent(
        reply=services.reply_sign_off(reply=again, actor=case.signer)
    )
    second = _answer(again, U, U, comment="仍未解决")
    assert second.is_final
    case.proposal.refresh_from_db()
    case.lead.refresh_from_db()
    assert case.proposal.status == Proposal.Status.FEEDBACK  # not back to 办理中
    assert case.lead.due_on == reopened_due  # no third round
    notices = Notice.objects.filter(unit=case.unit, kind=Notice.Kind.FEEDBACK_UNSATISFIED)
    assert notices.count() == 2
    assert "不再退回" in notices.order_by("-pk").first().message


def test_on_time_is_measured_against_the_due_date_before_reopening():
    case = make_case()
    late = case.lead.due_on + dt.timedelta(days=3)
    _answer(_sent(case, signed_on=late), U, U)
    case.lead.refresh_from_db()
    assert case.lead.due_on > late  # the new due date would make the late reply on time
    board = dashboard(session=case.proposal.session)
    assert (board.replied, board.on_time) == (1, 0)


def test_the_dashboard_counts_each_part_and_the_overall_rate():
    case = make_case()
    _answer(_sent(case), S, B)
    from .reply_fixtures import second_proposal_case

    other = second_proposal_case(case, 44138)
    _answer(_sent(other), B, U)
    third = second_proposal_case(case, 44139)
    _answer(_sent(third), U, S)
    board = dashboard(session=case.proposal.session)
    assert board.feedback_total == 3
    assert board.satisfaction_rate.numerator == 1  # only the first: both parts satisfied
    assert board.process_satisfaction_rate.numerator == 2
    assert board.result_satisfaction_rate.numerator == 2
    assert board.process_satisfaction_rate.percent == "66.7%"
    row = board.units[0]
    assert (row.process_satisfied, row.result_satisfied, row.satisfied) == (2, 2, 1)


def test_an_answer_given_before_the_split_stands_for_both_parts():
    """Code (and the demo's older data) that gives one level: both parts take it; and the
    migration's mapping copies the one level to both parts of every row."""
    feedback = Feedback.objects.create(reply=_sent(make_case()), satisfaction=B)
    assert (feedback.process_satisfaction, feedback.result_satisfaction) == (B, B)

    import importlib

    migration = importlib.import_module("replies.migrations.0008_two_part_feedback")
    history = feedback.history.model
    history.objects.update(process_satisfaction=U, result_satisfaction=S)  # not yet mapped
    migration.copy_to_both_parts(apps, None)
    row = history.objects.get()
    assert (row.process_satisfaction, row.result_satisfaction) == (B, B)
