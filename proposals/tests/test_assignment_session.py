"""Assignment.session, the copy of its proposal's session that the statistics read
(proposals/models/handling.py): always equal to the proposal's, however the row is
written."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from proposals.models import Assignment, Proposal
from proposals.tests.factories import (
    AssignmentFactory,
    ProposalFactory,
    SessionFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _other_session(proposal):
    return SessionFactory(committee=proposal.session.committee, name="十四届五次会议",
                          sitting=5, year=2026, is_current=False)


def _row(proposal, unit, **extra):
    return Assignment(proposal_id=proposal.pk, unit=unit, role=Assignment.Role.CO,
                      assigned_on=dt.date(2025, 3, 20), due_on=dt.date(2025, 4, 20), **extra)


def test_a_new_assignment_takes_its_proposals_session():
    assignment = AssignmentFactory()
    assignment.refresh_from_db()
    assert assignment.session_id == assignment.proposal.session_id


def test_bulk_created_assignments_take_their_proposals_sessions():
    first = ProposalFactory()
    second = ProposalFactory(session=_other_session(first))
    unit = UnitFactory(committee=first.session.committee)
    Assignment.objects.bulk_create([_row(first, unit), _row(second, unit)])
    assert dict(Assignment.objects.values_list("proposal_id", "session_id")) == {
        first.pk: first.session_id, second.pk: second.session_id,
    }


def test_a_proposal_moved_to_another_session_takes_its_assignments_along():
    lead = AssignmentFactory()
    proposal = Proposal.objects.get(pk=lead.proposal_id)
    AssignmentFactory(proposal=proposal, unit=UnitFactory(committee=proposal.session.committee),
                      role=Assignment.Role.CO)
    other = _other_session(proposal)
    history_before = Assignment.history.count()
    proposal.session = other
    proposal.save()
    assert set(proposal.assignments.values_list("session_id", flat=True)) == {other.pk}
    # each assignment's move is in its history: the cached statistics learn of it there
    assert Assignment.history.count() == history_before + 2
    proposal.title = "只改案由"
    proposal.save()  # not moved: the assignments are left alone
    assert Assignment.history.count() == history_before + 2


def test_the_database_refuses_an_assignment_in_another_session_than_its_proposal(
    require_postgres,
):
    proposal = ProposalFactory()
    unit = UnitFactory(committee=proposal.session.committee)
    wrong = _other_session(proposal)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.bulk_create([_row(proposal, unit, session_id=wrong.pk)])
        connection.check_constraints()  # the key is checked at commit, like Django's own
    assert not Assignment.objects.exists()


def test_the_database_moves_assignments_with_a_proposal_updated_in_bulk(require_postgres):
    lead = AssignmentFactory()
    other = _other_session(lead.proposal)
    Proposal.objects.filter(pk=lead.proposal_id).update(session=other)
    lead.refresh_from_db()
    assert lead.session_id == other.pk
