"""seed_scale --committees: the scale data spread over a province's cities."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from proposals.models import Committee, CommitteeRole, Proposal, Unit

pytestmark = pytest.mark.django_db


def test_it_spreads_the_proposals_over_cities_under_a_province():
    call_command(
        "seed_scale", proposals=41, units=12, committees=3, seed=2,
        today=dt.date(2025, 7, 1), stdout=io.StringIO(),
    )
    province = Committee.objects.get(parent=None)
    cities = list(Committee.objects.filter(parent=province).order_by("pk"))
    assert len(cities) == 3
    assert [Proposal.objects.filter(session__committee=c).count() for c in cities] == [
        14, 14, 13
    ]
    assert all(Unit.objects.filter(committee=c).count() == 10 for c in cities)  # 6+ needed
    reader = CommitteeRole.objects.get(committee=province)
    assert reader.reads_descendants and reader.user.username == "scale_province1_clerk"
