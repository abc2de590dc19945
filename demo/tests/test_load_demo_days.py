"""load_demo on other days: the same story, whatever the day (its own module: the demo
of test_load_demo.py stays loaded while that module runs)."""

import datetime as dt

import pytest

from proposals.models import Proposal

from .test_load_demo import _check_dates, _load


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 2, 25),  # the day after the Spring Festival holiday
        dt.date(2026, 12, 28),  # due dates run into 2027, which has no holiday data
    ],
)
def test_it_tells_the_same_story_on_any_day(db, today):
    out = _load(today)
    _check_dates(today)
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    if today.year == 2026 and today.month == 12:
        assert "2027" in out  # the product's message about the missing year, not a guess
