"""承办单位考评: each indicator measured on known data, the scoring of the rules, and the
rules as data (a weight changed in the database changes the score)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights import assessment
from insights.assessment import (
    measure,
    rules_of,
    scheme_for,
    score_units,
    session_scores,
)
from insights.models import AssessmentRule, ScoreAdjustment
from insights.stats import Rate
from proposals.models import Assignment, ContactRecord
from proposals.services.sections import section_accept, section_return, section_save, section_submit
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeFactory,
    ProposalFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)
from replies.models import Countersign, Feedback

from .helpers import signed_reply

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 7, 1)
DUE = dt.date(2025, 6, 20)
SAT = Feedback.Satisfaction
CS = Countersign.State


def _countersign(reply, co, state, *, due_on, decided_on=None, reason=""):
    decided = {}
    if state != CS.PENDING:
        decided = {"decided_at": timezone.now(), "decided_on": decided_on}
    return Countersign.objects.create(
        reply=reply, unit=co.unit, assignment=co, state=state, requested_on=dt.date(2025, 6, 1),
        due_on=due_on, reason=reason, **decided,
    )


@pytest.fixture
def world():
    """U1 leads four proposals: three replied on time, one 3 days late; feedback 满意 and
    不满意; contact records on two of them. U2 co-handles the first: six 会签 requests
    (one answered in time, one late, one lapsed, one pending past due, one pending in
    time, one withdrawn), its section returned twice, and its co assignment open 6 days
    past due. U3 co-handles the second and its section was accepted."""
    committee = CommitteeFactory()
    session = SessionFactory(committee=committee)
    u1, u2, u3 = (UnitFactory(committee=committee, name=n) for n in ("甲局", "乙局", "丙局"))
    user = UserFactory()
    leads = [
        AssignmentFactory(proposal=ProposalFactory(session=session), unit=u1, due_on=DUE)
        for _ in range(4)
    ]
    replies = [
        signed_reply(leads[0], signed_on=dt.date(2025, 6, 10), satisfaction=SAT.SATISFIED),
        signed_reply(leads[1], signed_on=DUE),
        signed_reply(leads[2], signed_on=dt.date(2025, 6, 15)),
        signed_reply(leads[3], signed_on=dt.date(2025, 6, 23)),
    ]
    # The process pleased the proposer, the result did not.
    Feedback.objects.create(
        reply=replies[1], process_satisfaction=SAT.BASICALLY_SATISFIED,
        result_satisfaction=SAT.UNSATISFIED,
    )
    for lead, times in ((leads[0], 2), (leads[1], 1)):
        for _ in range(times):
            ContactRecord.objects.create(
                assignment=lead, contacted_on=dt.date(2025, 5, 1),
                method=ContactRecord.Method.PHONE, summary="电话沟通。",
            )
    co = AssignmentFactory(
        proposal=leads[0].proposal, unit=u2, role=Assignment.Role.CO,
        due_on=dt.date(2025, 6, 25),
    )
    _countersign(replies[0], co, CS.CONFIRMED, due_on=dt.date(2025, 6, 8),
                 decided_on=dt.date(2025, 6, 8))
    _countersign(replies[1], co, CS.RETURNED, due_on=dt.date(2025, 6, 8),
                 decided_on=dt.date(2025, 6, 10), reason="数据有误。")
    _countersign(replies[2], co, CS.LAPSED, due_on=dt.date(2025, 6, 8))
    _countersign(replies[3], co, CS.PENDING, due_on=dt.date(2025, 6, 28))
    _countersign(replies[0], co, CS.PENDING, due_on=dt.date(2025, 7, 5))
    _countersign(replies[1], co, CS.WITHDRAWN, due_on=dt.date(2025, 6, 1))
    section = section_save(assignment=co, heading="意见", paragraphs=["一是。"], actor=user)
    section_submit(section=section, actor=user)
    section_return(section=section, reason="请补充数据。", actor=user)
    section_save(assignment=co, section=section, heading="意见", paragraphs=["一是，二是。"],
                 actor=user)
    section_submit(section=section, actor=user)
    section_return(section=section, reason="仍缺数据。", actor=user)
    co3 = AssignmentFactory(
        proposal=leads[1].proposal, unit=u3, role=Assignment.Role.CO, due_on=DUE
    )
    accepted = section_save(assignment=co3, heading="意见", paragraphs=["同意。"], actor=user)
    section_submit(section=accepted, actor=user)
    section_accept(section=accepted, actor=user)
    return {"session": session, "units": (u1, u2, u3), "user": user, "co": co}


def test_it_measures_each_indicator(world):
    u1, u2, u3 = world["units"]
    m = measure(world["session"], TODAY)

    one = m[u1.pk].values
    assert one["on_time"] == Rate(3, 4)
    assert one["on_time"].percent == "75.0%"
    assert one["process_satisfaction"] == Rate(2, 2)  # stats' two-part figures
    assert one["result_satisfaction"] == Rate(1, 2)
    assert one["contact"] == Rate(2, 4)  # two records on the first count once
    assert one["countersign_on_time"] == Rate(0, 0)
    assert one["sections_returned"] == 0
    assert one["days_overdue"] == 3  # replied 6-23, due 6-20

    two = m[u2.pk].values
    # Confirmed in time; returned late, lapsed, pending past due; not: pending, withdrawn.
    assert two["countersign_on_time"] == Rate(1, 4)
    assert two["sections_returned"] == 2  # returned twice, edited in between
    assert two["days_overdue"] == 6  # open, due 6-25
    assert two["on_time"] == Rate(0, 0)  # co-handling answers no proposer

    three = m[u3.pk].values
    assert (three["sections_returned"], three["days_overdue"]) == (0, 0)
    assert m[u1.pk].unit_name == "甲局"


def test_a_reopened_assignment_counts_its_first_reply_and_its_new_round(world):
    """Replied 3 days after the first due date, reopened (不满意) and now 4 days past
    the new one: 3 + 4 days."""
    lead = world["units"][0].assignments.get(due_on=DUE, replies__signed_on=dt.date(2025, 6, 23))
    Assignment.objects.filter(pk=lead.pk).update(
        first_due_on=DUE, due_on=dt.date(2025, 6, 27), state=Assignment.State.IN_PROGRESS
    )
    assert measure(world["session"], TODAY)[world["units"][0].pk].values["days_overdue"] == 7


def test_a_signed_reply_not_yet_sent_ends_the_count(world):
    """Signed on time but not sent: the assignment is still open past its due date, yet
    the unit answered in time: no day counts."""
    lead = world["units"][0].assignments.get(replies__signed_on=dt.date(2025, 6, 10))
    Assignment.objects.filter(pk=lead.pk).update(state=Assignment.State.IN_PROGRESS)
    assert measure(world["session"], TODAY)[world["units"][0].pk].values["days_overdue"] == 3


def test_a_withdrawn_assignment_is_not_measured(world):
    co = world["co"]
    Assignment.objects.filter(pk=co.pk).update(state=Assignment.State.WITHDRAWN)
    measures = measure(world["session"], TODAY)
    assert world["units"][1].pk not in measures  # its only work was taken back
    assert world["units"][0].pk in measures


def _rule(indicator, kind, weight, **kwargs):
    return AssessmentRule(
        indicator=indicator, name=kwargs.pop("name", indicator), kind=kind,
        weight=Decimal(weight), **kwargs,
    )


RATE, DEDUCTION = AssessmentRule.Kind.RATE, AssessmentRule.Kind.DEDUCTION


def _measures(**values):
    return {1: assessment.UnitMeasures(1, "甲局", values)}


def test_a_rate_rule_gives_weight_times_rate():
    scores = score_units([_rule("on_time", RATE, "30")], _measures(on_time=Rate(3, 4)), {})
    assert scores[0].total == Decimal("22.50")
    assert scores[0].parts == {"on_time": Decimal("22.50")}


def test_a_deduction_takes_points_per_count_up_to_the_cap():
    rule = _rule("days_overdue", DEDUCTION, "0.5", cap=Decimal("20"))
    assert score_units([rule], _measures(days_overdue=7), {})[0].total == Decimal("-3.50")
    assert score_units([rule], _measures(days_overdue=100), {})[0].total == Decimal("-20.00")
    rule.cap = None
    assert score_units([rule], _measures(days_overdue=100), {})[0].total == Decimal("-50.00")
    assert str(score_units([rule], _measures(days_overdue=0), {})[0].total) == "0.00"


def test_a_unit_without_a_base_gets_what_the_rule_says():
    measures = {
        1: assessment.UnitMeasures(1, "甲局", {"contact": Rate(0, 0)}),
        2: assessment.UnitMeasures(2, "乙局", {"contact": Rate(1, 2)}),
        3: assessment.UnitMeasures(3, "丙局", {"contact": Rate(1, 1)}),
    }
    NoBase = AssessmentRule.NoBase

    def first(no_base):
        rule = _rule("contact", RATE, "10", no_base=no_base)
        return next(s for s in score_units([rule], measures, {}) if s.unit_id == 1).total

    assert first(NoBase.FULL) == Decimal("10.00")  # the default
    assert first(NoBase.ZERO) == Decimal("0.00")
    assert first(NoBase.AVERAGE) == Decimal("7.50")  # (50% + 100%) / 2
    assert AssessmentRule().no_base == NoBase.FULL


def test_a_disabled_rule_counts_nothing():
    rules = [_rule("on_time", RATE, "30"), _rule("contact", RATE, "10", enabled=False)]
    scores = score_units(rules, _measures(on_time=Rate(1, 1), contact=Rate(0, 4)), {})
    assert scores[0].total == Decimal("30.00")
    assert list(scores[0].parts) == ["on_time"]


def test_the_ranking_is_best_first_and_ties_share_a_rank():
    measures = {
        i: assessment.UnitMeasures(i, name, {"on_time": rate})
        for i, name, rate in ((1, "甲", Rate(1, 2)), (2, "乙", Rate(1, 1)), (3, "丙", Rate(2, 4)))
    }
    scores = score_units([_rule("on_time", RATE, "100")], measures, {})
    assert [(s.unit_name, s.rank) for s in scores] == [("乙", 1), ("丙", 2), ("甲", 2)]


def test_the_rules_are_data(world):
    """The default scheme is stored when first opened; a weight changed in the database
    changes the score, no code involved."""
    session, (u1, _u2, _u3) = world["session"], world["units"]
    scheme = scheme_for(session)
    assert [r.name for r in rules_of(session)] == [
        "按期办复", "过程满意", "结果满意", "会签按时", "沟通协商", "意见退回", "超期"
    ]
    assert scheme_for(session) == scheme  # opened again: the same one

    def u1_total():
        return next(s for s in session_scores(session, TODAY) if s.unit_id == u1.pk).total

    # 30×75% + 20×100% + 30×50% + 10 (no 会签: full) + 10×50% − 0.5×3
    assert u1_total() == Decimal("22.50") + 20 + 15 + 10 + 5 - Decimal("1.5")
    AssessmentRule.objects.filter(scheme=scheme, indicator="on_time").update(weight=60)
    assert u1_total() == Decimal("45.00") + 20 + 15 + 10 + 5 - Decimal("1.5")
    AssessmentRule.objects.filter(scheme=scheme, indicator="days_overdue").update(enabled=False)
    assert u1_total() == Decimal("45.00") + 20 + 15 + 10 + 5


def test_an_adjustment_is_added_and_shown_apart(world):
    session, (u1, _u2, u3) = world["session"], world["units"]
    ScoreAdjustment.objects.create(
        session=session, unit=u3, points=Decimal("-5"), reason="推诿扯皮。",
        changed_by=world["user"],
    )
    scores = {s.unit_id: s for s in session_scores(session, TODAY)}
    assert scores[u3.pk].adjustment.reason == "推诿扯皮。"
    assert scores[u3.pk].total == scores[u3.pk].base - 5
    assert scores[u1.pk].adjustment is None


def test_reading_the_scores_writes_no_scheme(world):
    session_scores(world["session"], TODAY)
    assert not AssessmentRule.objects.exists()


def _session_with_units(n: int):
    committee = CommitteeFactory()
    session = SessionFactory(committee=committee)
    for _ in range(n):
        unit = UnitFactory(committee=committee)
        lead = AssignmentFactory(proposal=ProposalFactory(session=session), unit=unit, due_on=DUE)
        reply = signed_reply(lead, signed_on=DUE, satisfaction=SAT.SATISFIED)
        ContactRecord.objects.create(
            assignment=lead, contacted_on=DUE, method=ContactRecord.Method.PHONE, summary="谈。"
        )
        co = AssignmentFactory(
            proposal=ProposalFactory(session=session), unit=unit, role=Assignment.Role.CO,
            due_on=dt.date(2025, 6, 1),
        )
        _countersign(reply, co, CS.CONFIRMED, due_on=DUE, decided_on=DUE)
        ScoreAdjustment.objects.create(session=session, unit=unit, points=1, reason="好。")
    scheme_for(session)
    return session


def test_the_queries_do_not_grow_with_the_units():
    counts = []
    for n in (2, 8):
        session = _session_with_units(n)
        with CaptureQueriesContext(connection) as queries:
            scores = session_scores(session, TODAY)
        assert len(scores) == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_rule_of_an_indicator_the_code_no_longer_measures_counts_nothing():
    rules = [_rule("on_time", RATE, "30"), _rule("gone", RATE, "70")]
    scores = score_units(rules, _measures(on_time=Rate(1, 1)), {})
    assert scores[0].parts == {"on_time": Decimal("30.00")}
