"""The clerk list's filters as a selector (proposals_for_clerk_list), without a page."""

import datetime as dt

import pytest
import time_machine

from proposals.models import Proposal
from proposals.selectors import proposals_for_clerk_list

from .scenario import build_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build_scenario()


def _numbers(s, **filters):
    today = filters.pop("today", dt.date(2025, 4, 1))
    return [p.number for p in proposals_for_clerk_list(s.users["clerk"], today=today,
                                                       **filters)]


def test_it_lists_only_the_committees_proposals_by_number(s):
    assert _numbers(s) == [44100, 44200, 44300]
    assert proposals_for_clerk_list(s.users["lead"], today=dt.date(2025, 4, 1)).count() == 0


def test_it_finds_by_words_of_the_title_or_by_number(s):
    assert _numbers(s, q="知识产权") == [44100]
    assert _numbers(s, q="第44200号") == [44200]


def test_it_filters_by_session_status_and_unit(s):
    assert _numbers(s, session=s.session) == [44100, 44200, 44300]
    assert _numbers(s, session=s.other_session) == []
    assert _numbers(s, status=Proposal.Status.ACCEPTED) == [44300]
    assert _numbers(s, unit=s.co_unit) == [44100]
    assert _numbers(s, unit=s.idle_unit) == []


def test_it_keeps_only_proposals_with_overdue_work_on_the_day(s):
    assert _numbers(s, overdue=True) == []
    # The co units' due date (2025-04-28) has passed on 2025-04-29.
    assert _numbers(s, overdue=True, today=dt.date(2025, 4, 29)) == [44100]
