"""The dashboard kept in the cache: one query while nothing changes, fresh figures as soon
as anything it counts is written."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.stats import cached_dashboard, dashboard
from proposals.models import Assignment
from proposals.tests.factories import ProposalFactory
from replies.models import Feedback

from .conftest import DUE, TODAY
from .helpers import signed_reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.STATS_CACHE_SECONDS = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "stats-cache-tests",
        }
    }


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
