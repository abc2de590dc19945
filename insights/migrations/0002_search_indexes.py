"""Chinese search indexes (PostgreSQL only; a no-op on SQLite).

Chinese has no spaces, so full-text search on words does not work out of the box. Each
searched text is cut into overlapping character pairs (bigrams: 停车难 → 停车 车难) by the
SQL function insights_bigrams(), and a GIN index on to_tsvector('simple', bigrams) answers
"contains every pair of the query" from the index. insights.search repeats exactly these
expressions so the planner uses the indexes. Needs a database whose LC_CTYPE knows CJK
letters (C.UTF-8, zh_CN.UTF-8, en_US.UTF-8 — not plain "C").
"""

from django.db import migrations

# Two passes of non-overlapping pairs (from the 1st and from the 2nd character) give every
# overlapping pair; regexp_replace runs in C, far faster than a generate_series loop. A
# stray single character at the end of a pass does no harm: the query side
# (insights.search.query_bigrams) asks only for whole pairs.
#
# COST and the SET clause (which also keeps the function from being inlined) tell the
# planner that computing the pairs row by row is expensive, so it reads the index instead
# of scanning the table and evaluating the expression on every row.
FUNCTION = r"""
CREATE OR REPLACE FUNCTION insights_bigrams(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000
SET search_path = pg_catalog AS $$
  SELECT regexp_replace(lower(t), '(..)', '\1 ', 'g') || ' '
         || regexp_replace(substr(lower(t), 2), '(..)', '\1 ', 'g')
$$;
"""

# (index name, table, indexed text expression) — keep in step with insights/search.py.
INDEXES = [
    (
        "insights_proposal_bigrams",
        "proposals_proposal",
        "coalesce(title, '') || ' ' || coalesce(content, '') || ' ' "
        "|| coalesce(suggestions, '')",
    ),
    ("insights_proposal_title_bigrams", "proposals_proposal", "coalesce(title, '')"),
    (
        "insights_section_bigrams",
        "proposals_section",
        "coalesce(heading, '') || ' ' || coalesce(paragraphs::text, '')",
    ),
    ("insights_replyparagraph_bigrams", "replies_replyparagraph", "coalesce(text, '')"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin "
            f"(to_tsvector('simple'::regconfig, insights_bigrams({expression})))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS insights_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("proposals", "0003_notices"),
        ("replies", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
