"""The bigram search behind the committees' wall, at the index's speed.

A policy's condition runs before any condition of the query that is not LEAKPROOF, and
the full-text match `@@` (with the bigram expression around it) is not: under row-level
security PostgreSQL cannot answer it from the GIN index (insights 0002) and tests it row
by row, 4 to 8 times slower at 50,000 proposals. These functions read the index with the
owner's rights and apply the policy's own condition themselves (the row's committee is one
of app_visible_committees()), returning only ids: what the caller may read, no more. With
no committee set they return nothing, as the policies do. insights.search calls them when a
committee is set (rls.scope); their expressions must stay those of the indexes, which
rls/tests/test_search_functions.py checks against insights.search.
"""

from django.db import migrations

from rls.sql import REQUIRE_BYPASS, rls_operation

# (function, table, indexed text expression) — the expressions of insights.search, verbatim.
SEARCHES = [
    (
        "app_search_proposal_text",
        "proposals_proposal",
        "coalesce(\"proposals_proposal\".\"title\", '') || ' ' || "
        "coalesce(\"proposals_proposal\".\"content\", '') || ' ' || "
        "coalesce(\"proposals_proposal\".\"suggestions\", '')",
    ),
    (
        "app_search_proposal_title",
        "proposals_proposal",
        "coalesce(\"proposals_proposal\".\"title\", '')",
    ),
    (
        "app_search_section",
        "proposals_section",
        "coalesce(\"proposals_section\".\"heading\", '') || ' ' || "
        "coalesce(\"proposals_section\".\"paragraphs\"::text, '')",
    ),
    (
        "app_search_paragraph",
        "replies_replyparagraph",
        "coalesce(\"replies_replyparagraph\".\"text\", '')",
    ),
]


def _create(function: str, table: str, expression: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {function}(q tsquery) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT {table}.id FROM {table}
    WHERE to_tsvector('simple'::regconfig, insights_bigrams({expression})) @@ q
      AND {table}.committee_id = ANY (app_visible_committees())
$$"""


class Migration(migrations.Migration):
    dependencies = [
        ("rls", "0002_record_copies"),
        ("insights", "0003_search_indexes_fastupdate_off"),
    ]

    operations = [
        rls_operation(
            [REQUIRE_BYPASS] + [_create(*search) for search in SEARCHES],
            [f"DROP FUNCTION IF EXISTS {function}(tsquery)" for function, *_ in SEARCHES],
        )
    ]
