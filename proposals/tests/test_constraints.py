"""Invariants held by the database itself, not only by services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from proposals.models import Assignment, Proposal
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeFactory,
    ProposalFactory,
    SessionFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _raw_insert_fails(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_it_refuses_a_duplicate_number_in_a_session():
    proposal = ProposalFactory(number=44137)
    _raw_insert_fails(
        lambda: Proposal.objects.create(
            session=proposal.session,
            number=44137,
            title="重复",
            lead_proposer=proposal.lead_proposer,
        )
    )


def test_it_allows_the_same_number_in_another_session():
    proposal = ProposalFactory(number=44137)
    other = SessionFactory(
        committee=proposal.session.committee, name="十四届五次会议", sitting=5, year=2026
    )
    Proposal.objects.create(
        session=other, number=44137, title="另一届", lead_proposer=proposal.lead_proposer
    )
    assert Proposal.objects.filter(number=44137).count() == 2


def test_it_refuses_two_lead_units():
    lead = AssignmentFactory(role=Assignment.Role.LEAD)
    unit = UnitFactory(committee=lead.unit.committee)
    _raw_insert_fails(
        lambda: Assignment.objects.create(
            proposal=lead.proposal, unit=unit, role="lead",
            assigned_on=lead.assigned_on, due_on=lead.due_on,
        )
    )


def test_it_allows_a_new_lead_once_the_old_one_is_withdrawn():
    lead = AssignmentFactory(role=Assignment.Role.LEAD, state=Assignment.State.WITHDRAWN)
    unit = UnitFactory(committee=lead.unit.committee)
    Assignment.objects.create(
        proposal=lead.proposal, unit=unit, role="lead",
        assigned_on=lead.assigned_on, due_on=lead.due_on,
    )


def test_it_allows_several_split_units():
    first = AssignmentFactory(role=Assignment.Role.SPLIT)
    unit = UnitFactory(committee=first.unit.committee)
    Assignment.objects.create(
        proposal=first.proposal, unit=unit, role="split",
        assigned_on=first.assigned_on, due_on=first.due_on,
    )
    assert first.proposal.assignments.count() == 2


def test_it_refuses_the_same_unit_twice_on_a_proposal():
    first = AssignmentFactory(role=Assignment.Role.CO)
    _raw_insert_fails(
        lambda: Assignment.objects.create(
            proposal=first.proposal, unit=first.unit, role="co",
            assigned_on=first.assigned_on, due_on=first.due_on,
        )
    )


def test_it_refuses_a_due_date_before_the_assignment():
    _raw_insert_fails(
        lambda: AssignmentFactory(assigned_on=dt.date(2025, 3, 20), due_on=dt.date(2025, 3, 19))
    )


def test_it_refuses_merged_into_without_merged_status():
    target = ProposalFactory()
    _raw_insert_fails(lambda: ProposalFactory(session=target.session, merged_into=target))


def test_it_refuses_merged_status_without_target():
    _raw_insert_fails(lambda: ProposalFactory(status=Proposal.Status.MERGED))


@pytest.mark.parametrize(
    ("classes", "valid"),
    [(["A", "B", "C"], True), (["A", "B", "C", "D"], True), (["a"], False),
     ([], False), (["A", "A"], False), (["AB"], False), ("ABC", False)],
)
def test_it_validates_a_sessions_answer_classes(classes, valid):
    from django.core.exceptions import ValidationError

    session = SessionFactory.build(answer_classes=classes)
    if valid:
        session.clean()
    else:
        with pytest.raises(ValidationError) as excinfo:
            session.clean()
        assert "answer_classes" in excinfo.value.message_dict


def test_the_open_work_index_covers_exactly_the_open_states():
    from proposals.models import Assignment

    index = next(i for i in Assignment._meta.indexes if i.name == "assignment_open_due")
    (lookup, states), = index.condition.children
    assert lookup == "state__in" and set(states) == set(Assignment.OPEN_STATES)


def test_it_calls_overdue_the_open_work_past_its_due_date_in_every_spelling():
    from proposals.tests.factories import AssignmentFactory

    day = dt.date(2025, 5, 1)
    late = AssignmentFactory(due_on=dt.date(2025, 4, 30))
    due_today = AssignmentFactory(due_on=day)
    done_late = AssignmentFactory(due_on=dt.date(2025, 4, 30), state=Assignment.State.COMPLETED)
    withdrawn = AssignmentFactory(due_on=dt.date(2025, 4, 30), state=Assignment.State.WITHDRAWN)
    assert set(Assignment.objects.overdue(on=day)) == {late}
    for a in (late, due_today, done_late, withdrawn):
        assert a.is_overdue_on(day) == (a == late)


def test_it_refuses_a_committee_tree_that_loops():
    province = CommitteeFactory(name="江苏省政协")
    city = CommitteeFactory(name="连云港市政协", parent=province)
    county = CommitteeFactory(name="东海县政协", parent=city)
    county.full_clean()
    province.parent = county
    with pytest.raises(ValidationError, match="上级政协"):
        province.full_clean()
