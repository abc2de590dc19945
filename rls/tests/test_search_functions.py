"""The bigram search behind the wall: the functions read the index as the owner but return
only the ids of rows the caller's committee may read (rls/migrations/0003)."""

import pytest
from django.db import connection

from insights import search
from proposals.models import Proposal
from rls.scope import committee_scope

from .conftest import as_app

pytestmark = pytest.mark.django_db

QUERY = (
    "SELECT array_agg(x ORDER BY x) "
    "FROM app_search_proposal_text(plainto_tsquery('simple', %s)) x"
)


@pytest.fixture
def parking(province):
    """Both cities have a proposal about 智慧停车."""
    for city in (province.a, province.b):
        Proposal.objects.filter(pk=city.case.proposal.pk).update(title="关于建设智慧停车系统的提案")
    return province


def _ids(cursor, words: str) -> list[int]:
    cursor.execute(QUERY, [search.query_bigrams(words)])
    return cursor.fetchone()[0] or []


def test_the_search_function_returns_only_what_the_committee_may_read(parking, app_role):
    a, b = parking.a.case.proposal.pk, parking.b.case.proposal.pk
    with as_app(app_role) as cursor:
        assert _ids(cursor, "智慧停车") == []  # no committee, nothing
    with as_app(app_role, parking.a.committee.pk) as cursor:
        assert _ids(cursor, "智慧停车") == [a]
    with as_app(app_role, parking.b.committee.pk) as cursor:
        assert _ids(cursor, "智慧停车") == [b]
        assert _ids(cursor, "跨境电商") == []
    with as_app(app_role, parking.province.pk, descendants=True) as cursor:
        assert _ids(cursor, "智慧停车") == sorted([a, b])
    with as_app(app_role, parking.province.pk) as cursor:  # no grant: itself only
        assert _ids(cursor, "智慧停车") == []


def test_the_orm_search_uses_them_under_a_committee(parking, app_role):
    with as_app(app_role), committee_scope(parking.a.committee.pk):
        hits = search.search_committees([parking.a.committee, parking.b.committee], ["智慧停车"])
        assert [hit.proposal.pk for hit in hits] == [parking.a.case.proposal.pk]
    with as_app(app_role), committee_scope(parking.province.pk, reads_descendants=True):
        hits = search.search_committees([parking.a.committee, parking.b.committee], ["智慧停车"])
        assert {hit.proposal.pk for hit in hits} == {
            parking.a.case.proposal.pk, parking.b.case.proposal.pk
        }


def test_the_functions_search_the_indexed_expressions(require_postgres):
    """A function whose expression drifted from the index would scan every row."""
    with connection.cursor() as cursor:
        for expression, function in search.WALLED_SEARCH.items():
            cursor.execute(
                "SELECT prosrc, prosecdef FROM pg_proc WHERE proname = %s", [function]
            )
            source, definer = cursor.fetchone()
            assert definer
            assert f"insights_bigrams({expression})" in source, function
            assert "app_visible_committees()" in source
