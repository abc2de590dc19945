import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.stats import dashboard
from proposals.models import Assignment, Proposal
from proposals.tests.factories import AssignmentFactory, ProposalFactory
from replies.models import Reply

from .conftest import DUE, TODAY
from .helpers import signed_reply

pytestmark = pytest.mark.django_db


def test_it_computes_the_session_figures_by_hand(world):
    board = dashboard(session=world["session"], today=TODAY)

    counts = {key: n for key, _label, n in board.status_counts}
    assert counts["feedback"] == 2
    assert counts["in_progress"] == 3
    assert counts["assigned"] == 1
    assert counts["registered"] == 1
    assert board.proposal_total == 7
    # Answering assignments: P1 P2 P6(U1), P3 P4 P5(U2), P5(U3) — 7; withdrawn and co out.
    assert board.assigned == 7
    assert board.replied == 4  # P1, P2, P3, P5/U2 (signed counts, the draft does not)
    assert board.on_time == 3  # P1, P3 (on the due date), P5/U2
    assert board.reply_rate.percent == "57.1%"
    assert board.on_time_rate.percent == "42.9%"
    assert (board.satisfaction_rate.numerator, board.feedback_total) == (2, 3)
    assert board.satisfaction_rate.percent == "66.7%"
    assert board.class_counts == [("A", 2), ("B", 1), ("C", 1)]
    assert [(c, rate.percent) for c, _n, rate in board.class_shares] == [
        ("A", "50.0%"), ("B", "25.0%"), ("C", "25.0%")
    ]
    overdue = [(a.proposal.number, a.unit.short_name) for a in board.overdue]
    assert overdue == [(4, "市市场监管局"), (5, "市交通局")]
    assert [a.days_overdue for a in board.overdue] == [11, 11]


def test_a_corrected_reply_counts_its_assignment_once_and_its_class_only(world):
    """P1's reply (on time, A, 满意) is corrected by a second signed reply, late and B:
    P1 is still one replied, on-time assignment; only the correction's class counts."""
    p1 = world["proposals"][0]
    a1 = p1.assignments.get()
    first = a1.replies.get()
    correction = signed_reply(a1, signed_on=dt.date(2025, 6, 30), category="B")
    Reply.objects.filter(pk=correction.pk).update(supersedes=first)

    board = dashboard(session=world["session"], today=TODAY)
    assert (board.assigned, board.replied, board.on_time) == (7, 4, 3)
    assert board.class_counts == [("A", 1), ("B", 2), ("C", 1)]
    assert (board.satisfaction_rate.numerator, board.feedback_total) == (2, 3)
    u1 = next(r for r in board.units if r.unit_id == world["units"][0].pk)
    assert (u1.assigned, u1.replied, u1.on_time, u1.feedback, u1.satisfied) == (3, 2, 1, 2, 1)


def test_a_correction_still_in_draft_leaves_the_signed_reply_counted(world):
    """A correction counts from its signing (Reply.objects.in_force): while it is a draft,
    the signed reply's class A stays in the figures."""
    p1 = world["proposals"][0]
    a1 = p1.assignments.get()
    first = a1.replies.get()
    correction = signed_reply(a1, signed_on=dt.date(2025, 6, 30), category="B")
    Reply.objects.filter(pk=correction.pk).update(supersedes=first, state=Reply.State.DRAFT)

    board = dashboard(session=world["session"], today=TODAY)
    assert board.class_counts == [("A", 2), ("B", 1), ("C", 1)]


def test_it_ranks_units_by_reply_rate_then_on_time_rate(world):
    board = dashboard(session=world["session"], today=TODAY)
    rows = [
        (r.unit_name, r.assigned, r.replied, r.on_time, r.feedback, r.satisfied, r.overdue)
        for r in board.units
    ]
    assert rows == [
        ("市市场监督管理局", 3, 2, 2, 1, 1, 1),  # 2/3, on time 2/3
        ("市住房和城乡建设局", 3, 2, 1, 2, 1, 0),  # 2/3, on time 1/3
        ("市交通运输局", 1, 0, 0, 0, 0, 1),
    ]
    assert board.units[2].satisfaction_rate.percent == "—"


def test_it_filters_by_unit(world):
    u1 = world["units"][0]
    board = dashboard(session=world["session"], unit=u1, units=[u1], today=TODAY)
    assert board.proposal_total == 4  # P1, P2, P3 (co), P6
    assert (board.assigned, board.replied, board.on_time) == (3, 2, 1)
    assert board.satisfaction_rate.percent == "50.0%"
    assert board.overdue == []
    assert [r.unit_name for r in board.units] == [u1.name]


def test_it_uses_the_same_number_of_queries_whatever_the_data_size(world):
    session = world["session"]
    with CaptureQueriesContext(connection) as small:
        dashboard(session=session, today=TODAY)
    u1, u2, u3 = world["units"]
    for n in range(20):
        proposal = ProposalFactory(session=session, number=100 + n, status="in_progress")
        unit = (u1, u2, u3)[n % 3]
        assignment = AssignmentFactory(
            proposal=proposal, unit=unit, due_on=DUE, state=Assignment.State.COMPLETED
        )
        signed_reply(assignment, signed_on=dt.date(2025, 6, 1), satisfaction="satisfied")
    with CaptureQueriesContext(connection) as large:
        board = dashboard(session=session, today=TODAY)
    assert board.assigned == 27
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 10


def test_it_counts_nothing_for_an_empty_session(db):
    from proposals.tests.factories import SessionFactory

    board = dashboard(session=SessionFactory(), today=TODAY)
    assert board.assigned == 0
    assert board.reply_rate.percent == "—"
    assert board.units == []
    assert Proposal.objects.count() == 0


def test_it_counts_overdue_assignments_and_the_proposals_they_belong_to(world):
    """超期未办 counts assignments: P4 late at its lead U2 and at a co unit U1 is two of
    them, one proposal; the page says both figures."""
    u1, _u2, _u3 = world["units"]
    p4 = world["proposals"][3]
    AssignmentFactory(proposal=p4, unit=u1, role=Assignment.Role.CO, due_on=DUE)
    board = dashboard(session=world["session"], today=TODAY)
    assert (board.overdue_count, board.overdue_proposals) == (3, 2)  # P4 twice, P5
    first_rows = dashboard(session=world["session"], today=TODAY, overdue_limit=1)
    assert len(first_rows.overdue) == 1
    assert (first_rows.overdue_count, first_rows.overdue_proposals) == (3, 2)
    by_u1 = dashboard(session=world["session"], unit=u1, today=TODAY, overdue_limit=1)
    assert (by_u1.overdue_count, by_u1.overdue_proposals) == (1, 1)
