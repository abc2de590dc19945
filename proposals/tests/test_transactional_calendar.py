"""A transactional test ends by flushing every table, the seeded holiday calendar too;
conftest seeds it again before each transactional test. Run twice: whichever instance
comes second meets the database the first one flushed, whatever the file order."""

import pytest

from proposals.models import CalendarYear


@pytest.mark.parametrize("run", [1, 2])
@pytest.mark.django_db(transaction=True)
def test_it_has_the_seeded_calendar_in_every_transactional_test(run):
    assert CalendarYear.objects.filter(year=2025).exists()
