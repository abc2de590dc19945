"""Transactional tests flush the database; the seeded holiday calendar must survive them
for the tests that come after (see conftest._restore_migration_data)."""

import pytest

from proposals.models import CalendarYear


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_transactional_test_first():
    assert CalendarYear.objects.filter(year=2025).exists()


@pytest.mark.django_db
def test_it_still_has_the_seeded_calendar_afterwards():
    assert CalendarYear.objects.filter(year=2025).exists()
