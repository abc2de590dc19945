"""The dashboard kept in the cache: one query while nothing changes, fresh figures as soon
as anything it counts is written."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.stats import cached_dashboard, dashboard
from proposals.models import Assignment, Proposal
from proposals.tests.factories import ProposalFactory, SessionFactory
from replies.models import Feedback

from .conftest import DUE, TODAY
from .helpers import signed_reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings, locmem_cache):
    settings.STATS_CACHE_SECONDS = 60


def figures(board):
    return (board.assigned, board.replied, board.on_time, board.feedback_total,
            board.satisfaction_rate.numerator, board.overdue_count,
            [(r.unit_name, r.assigned, r.replied) for r in board.units])


def test_an_unchanged_session_costs_one_query_and_gives_the_same_figures(world):
    first = cached_dashboard(session=world["session"], today=TODAY, overdue_limit=100)
    with CaptureQueriesContext(connection) as ctx:
        again = cached_dashboard(session=world["session"], today=TODAY, overdue_limit=100)
    assert len(ctx.captured_queries) == 1
    assert figures(again) == figures(first)
    assert figures(first) == figures(dashboard(session=world["session"], today=TODAY))


def test_a_change_made_through_the_application_shows_at_once(world):
    session = world["session"]
    before = cached_dashboard(session=session, today=TODAY)
    p6_lead = Assignment.objects.get(proposal=world["proposals"][5], state="assigned")
    reply = signed_reply(p6_lead, signed_on=dt.date(2025, 6, 30))  # rows updated in bulk
    Feedback.objects.create(reply=reply, satisfaction="satisfied")  # saved: history row
    after = cached_dashboard(session=session, today=TODAY)
    assert (after.replied, after.feedback_total) == (before.replied + 1, before.feedback_total + 1)

    withdrawn = Assignment.objects.get(pk=p6_lead.pk)
    withdrawn.state = Assignment.State.WITHDRAWN
    withdrawn.save()
    assert cached_dashboard(session=session, today=TODAY).assigned == after.assigned - 1


def test_rows_inserted_in_bulk_without_history_show_at_once(world):
    session = world["session"]
    proposal = ProposalFactory(session=session, number=99)
    before = cached_dashboard(session=session, today=TODAY)
    Assignment.objects.bulk_create(
        [Assignment(proposal=proposal, unit=world["units"][0], role=Assignment.Role.LEAD,
                    assigned_on=dt.date(2025, 3, 20), due_on=DUE)]
    )
    after = cached_dashboard(session=session, today=TODAY)
    assert after.assigned == before.assigned + 1
    assert after.overdue_count == before.overdue_count + 1


def test_each_scope_and_day_has_its_own_entry(world):
    session, (u1, _u2, u3) = world["session"], world["units"]
    everyone = cached_dashboard(session=session, today=TODAY)
    own = cached_dashboard(session=session, unit=u1, units=[u1], today=TODAY)
    assert (everyone.assigned, own.assigned) == (7, 3)
    assert [r.unit_name for r in own.units] == [u1.name]
    later = cached_dashboard(session=session, unit=u1, units=[u1], today=dt.date(2025, 8, 2))
    assert (own.overdue_count, later.overdue_count) == (0, 1)  # P6/U1 was due 08-01
    assert cached_dashboard(session=session, unit=u3, units=[u3], today=TODAY).assigned == 1


def test_zero_seconds_computes_every_time(world, settings):
    settings.STATS_CACHE_SECONDS = 0
    cached_dashboard(session=world["session"], today=TODAY)
    with CaptureQueriesContext(connection) as ctx:
        cached_dashboard(session=world["session"], today=TODAY)
    assert len(ctx.captured_queries) > 1


def test_saving_a_draft_keeps_the_cached_figures(world):
    from replies.models import Reply

    session = world["session"]
    cached_dashboard(session=session, today=TODAY)
    draft = Reply.objects.get(state=Reply.State.DRAFT, proposal__session=session)
    draft.title = "草稿（第二版）"
    draft.save()  # a history row of a draft: no figure depends on it
    with CaptureQueriesContext(connection) as ctx:
        cached_dashboard(session=session, today=TODAY)
    assert len(ctx.captured_queries) == 1


def _everything(board) -> tuple:
    return (
        board.assigned, board.replied, board.on_time, board.feedback_counts, board.class_counts,
        board.overdue_count,
        sorted((r.unit_id, r.assigned, r.replied, r.on_time, r.feedback, r.satisfied, r.overdue)
               for r in board.units),
    )


def test_figures_kept_up_to_date_unit_by_unit_equal_a_fresh_computation(world, settings):
    """After each of a random series of changes, made as the application makes them (saves
    with history, and replies signed by a bulk update as in the tests' helper), the
    figures brought up to date unit by unit equal those computed from scratch."""
    import random

    from insights.stats import session_figures
    from proposals.tests.factories import AssignmentFactory
    from replies.models import Reply

    rng = random.Random(11)
    session, units = world["session"], list(world["units"])
    elsewhere = SessionFactory(committee=session.committee, name="十四届五次会议", sitting=5,
                               year=2026, is_current=False)

    def kept(unit=None):
        return _everything(dashboard(session=session, unit=unit, today=TODAY, overdue_limit=100))

    def fresh(unit=None):
        settings.STATS_CACHE_SECONDS = 0
        try:
            return kept(unit)
        finally:
            settings.STATS_CACHE_SECONDS = 60

    kept()
    number = 200
    actions = []
    for step in range(30):
        action = rng.choice(
            ["assign", "assign", "sign", "feedback", "withdraw", "extend", "move"]
        )
        actions.append(action)
        open_ones = list(Assignment.objects.filter(
            proposal__session=session, role__in=["lead", "split"], state__in=["assigned",
                                                                              "in_progress"]))
        if action == "assign":
            number += 1
            AssignmentFactory(
                proposal=ProposalFactory(session=session, number=number), unit=rng.choice(units),
                role=rng.choice(["lead", "co", "split"]),
                due_on=DUE + dt.timedelta(days=rng.randint(-20, 40)),
            )
        elif action == "sign":
            free = [a for a in open_ones if not a.replies.exists()]
            if free:
                a = rng.choice(free)
                signed_reply(a, signed_on=DUE + dt.timedelta(days=rng.randint(-5, 5)),
                             category=rng.choice(["A", "B", "C"]))
        elif action == "feedback":
            sent = list(Reply.objects.filter(proposal__session=session, state="sent",
                                             feedback__isnull=True))
            if sent:
                Feedback.objects.create(reply=rng.choice(sent), satisfaction=rng.choice(
                    ["satisfied", "basically_satisfied", "unsatisfied"]))
        elif action == "move":  # to the other session or back (its assignments follow)
            proposal = rng.choice(list(Proposal.objects.filter(
                session__in=[session, elsewhere], assignments__isnull=False).distinct()))
            proposal.session = elsewhere if proposal.session_id == session.pk else session
            proposal.save()
        elif open_ones:
            a = rng.choice(open_ones)
            if action == "withdraw":
                a.state = Assignment.State.WITHDRAWN
            else:
                a.due_on = a.due_on + dt.timedelta(days=30)
            a.save()
        assert kept() == fresh(), (step, action)
        unit = rng.choice(units)
        assert kept(unit) == fresh(unit), (step, action, unit.pk)
    assert actions.count("move") >= 2  # the series did move proposals between sessions
    # and the series was followed unit by unit, not recomputed whole each time
    figures = session_figures(session, TODAY)
    with CaptureQueriesContext(connection) as ctx:
        assert session_figures(session, TODAY) is not None
    assert len(ctx.captured_queries) == 1 and figures.mark


def test_a_change_to_one_unit_recomputes_that_unit_only(world):
    from insights.stats import session_figures

    session, (_u1, u2, _u3) = world["session"], world["units"]
    session_figures(session, TODAY)
    a = Assignment.objects.filter(proposal__session=session, unit=u2, role="lead").first()
    a.due_on = a.due_on + dt.timedelta(days=1)
    a.save()
    with CaptureQueriesContext(connection) as ctx:
        session_figures(session, TODAY)
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 4  # rows, feedback, overdue, classes: for u2 alone
    assert all(f'"unit_id" IN ({u2.pk})' in sql for sql in grouped), grouped


def test_a_renamed_unit_shows_its_new_name(world):
    session, (u1, _u2, _u3) = world["session"], world["units"]
    dashboard(session=session, today=TODAY)
    u1.name = "市住房和城乡建设局（新）"
    u1.save()
    names = [r.unit_name for r in dashboard(session=session, today=TODAY).units]
    assert "市住房和城乡建设局（新）" in names and "市住房和城乡建设局" not in names


def test_a_new_day_counts_only_the_overdue_work_again(world, settings):
    """The per-unit figures carry over to the next day; only the overdue counts (the one
    figure that depends on the day) are counted again, and the board equals a fresh one."""
    from insights.stats import session_figures

    session = world["session"]
    session_figures(session, TODAY)
    later = dt.date(2025, 8, 2)  # P6's lead assignment (due 08-01) is overdue by then
    with CaptureQueriesContext(connection) as ctx:
        session_figures(session, later)
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and '"due_on" <' in grouped[0], grouped  # the overdue count
    carried = _everything(dashboard(session=session, today=later))
    settings.STATS_CACHE_SECONDS = 0
    fresh = _everything(dashboard(session=session, today=later))
    assert carried == fresh
    assert fresh != _everything(dashboard(session=session, today=TODAY))  # the day matters


def test_a_unit_left_without_overdue_or_answering_work_loses_its_row(world, settings):
    """A unit in the ranking only for overdue co-handling work drops out when that work is
    no longer overdue, as when computed afresh."""
    from insights.stats import session_figures
    from proposals.tests.factories import AssignmentFactory, UnitFactory

    session = world["session"]
    helper = UnitFactory(committee=session.committee, name="市审计局")
    AssignmentFactory(proposal=ProposalFactory(session=session, number=300), unit=helper,
                      role=Assignment.Role.CO, due_on=dt.date(2025, 6, 25))
    assert helper.pk in session_figures(session, TODAY).rows
    earlier = dt.date(2025, 6, 22)
    assert helper.pk not in session_figures(session, earlier).rows
    settings.STATS_CACHE_SECONDS = 0
    assert helper.pk not in session_figures(session, earlier).rows
