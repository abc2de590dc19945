"""`__any_of` (proposals/lookups.py) selects what `__in` selects, with one array parameter
on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals.models import Assignment, Proposal
from proposals.tests.factories import AssignmentFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals():
    made = ProposalFactory.create_batch(4)
    for proposal in made[:3]:
        AssignmentFactory(proposal=proposal)
    return made


def _ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("pick", [[0], [0, 2], [0, 1, 2, 3], []])
def test_it_selects_what_in_selects(proposals, pick):
    ids = [proposals[i].pk for i in pick]
    assert _ids(Proposal.objects.filter(pk__any_of=ids)) == sorted(ids)
    assert _ids(Proposal.objects.exclude(pk__any_of=ids)) == _ids(
        Proposal.objects.exclude(pk__in=ids)
    )
    # Through a relation (a foreign key reads its own lookups) and from a generator.
    assert _ids(Assignment.objects.filter(proposal__any_of=(i for i in ids))) == _ids(
        Assignment.objects.filter(proposal__in=ids)
    )


def test_none_is_left_out_as_in_does(proposals):
    assert _ids(Proposal.objects.filter(pk__any_of=[None, proposals[1].pk])) == [
        proposals[1].pk
    ]


def test_a_query_is_refused_with_a_pointer_to_in(proposals):
    with pytest.raises(TypeError, match="use __in"):
        Proposal.objects.filter(pk__any_of=Proposal.objects.values("pk"))


def test_the_list_is_one_parameter_on_postgresql(proposals):
    ids = [p.pk for p in proposals]
    with CaptureQueriesContext(connection) as ctx:
        assert len(list(Proposal.objects.filter(pk__any_of=ids))) == 4
    sql = ctx.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql
