"""Transactional tests flush the database at their end and run after the others; the
seeded holiday calendar must be there for each of them (conftest seeds it again)."""

import pytest

from proposals.models import CalendarYear


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_transactional_test_first():
    assert CalendarYear.objects.filter(year=2025).exists()


@pytest.mark.django_db(transaction=True)
def test_it_has_the_seeded_calendar_in_the_next_transactional_test_too():
    assert CalendarYear.objects.filter(year=2025).exists()
