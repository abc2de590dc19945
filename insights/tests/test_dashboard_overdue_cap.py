"""The dashboard page lists the first overdue rows with the full count; exports keep all."""

import datetime as dt

import pytest

from insights import stats
from proposals.models import Assignment, Proposal
from proposals.tests.factories import AssignmentFactory, ProposalFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_it_caps_the_overdue_list_but_counts_all():
    session = SessionFactory()
    today = dt.date(2025, 9, 1)
    for n in range(1, 8):
        proposal = ProposalFactory(session=session, number=n, status=Proposal.Status.ASSIGNED)
        AssignmentFactory(
            proposal=proposal, role=Assignment.Role.LEAD, state=Assignment.State.ASSIGNED,
            assigned_on=dt.date(2025, 3, 1), due_on=dt.date(2025, 6, n),
        )
    capped = stats.dashboard(session=session, today=today, overdue_limit=3)
    full = stats.dashboard(session=session, today=today)
    assert [a.due_on.day for a in capped.overdue] == [1, 2, 3]
    assert capped.overdue_count == 7
    assert len(full.overdue) == full.overdue_count == 7
