"""The SQL of the wall: helper functions, and `enable_rls()` for one committee-owned table.

Every committee-owned table carries a committee column and four policies:

- `committee_read` (SELECT): the row's committee is one of `app_visible_committees()`, the
  current committee and, when the person may read them, its descendants;
- `committee_insert`, `committee_update`, `committee_delete`: the row's committee is
  `app_current_committee()`, so writes touch the current committee only (a province reads
  its cities, never writes them).

No `app.committee_id` setting → both are NULL → no row. Tables that reach their committee
only through another table get a column the models do not know (`committee_id`, DB-only),
filled by a BEFORE INSERT OR UPDATE trigger from the parent row: Django's INSERT leaves it
out, the trigger sets it before the policy's WITH CHECK runs, and the model code stays as
it is (SQLite has no column and keeps the Python filters). The trigger runs with the
writer's rights, so a parent row of another committee is invisible to it: the column stays
NULL and the write fails.

Migrations of later tables call `rls_operation(enable_rls(...))` (see
rls/migrations/0001_wall.py); `rls/tests/test_wall.py` fails while a table of the project's
apps holds committee data without a forced policy.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import migrations

CURRENT = "NULLIF(current_setting('app.committee_id', true), '')::bigint"

FUNCTIONS = f"""
CREATE TABLE IF NOT EXISTS rls_registry (
    table_name text PRIMARY KEY,
    committee_column text NOT NULL
);

CREATE OR REPLACE FUNCTION app_current_committee() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT {CURRENT} $$;

-- The current committee and, with app.read_descendants = 'on' (a province clerk given
-- read access), every committee below it. Empty without a setting.
CREATE OR REPLACE FUNCTION app_visible_committees() RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE tree(id) AS (
        SELECT app_current_committee() WHERE app_current_committee() IS NOT NULL
        UNION
        SELECT c.id FROM proposals_committee c JOIN tree ON c.parent_id = tree.id
        WHERE current_setting('app.read_descendants', true) = 'on'
    )
    SELECT coalesce(array_agg(id), '{{}}') FROM tree
$$;

-- Whose request is it? Run before any committee is set, so they read the people's roles
-- with the owner's rights (SECURITY DEFINER; the owner bypasses RLS) and return only ids.
CREATE OR REPLACE FUNCTION app_person_scope(person integer,
        OUT committee_id bigint, OUT reads_descendants boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT s.committee_id, bool_or(s.reads_descendants)
    FROM (
        SELECT r.committee_id, r.reads_descendants
        FROM proposals_committeerole r WHERE r.user_id = person
        UNION ALL
        SELECT u.committee_id, false
        FROM proposals_membership m JOIN proposals_unit u ON u.id = m.unit_id
        WHERE m.user_id = person
    ) s
    GROUP BY s.committee_id ORDER BY s.committee_id LIMIT 1
$$;

"""

# After the tables: SQL functions are checked against the columns when created.
LOOKUP_FUNCTIONS = """
CREATE OR REPLACE FUNCTION app_feedback_committee(hashes text[]) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT committee_id FROM replies_feedbacklink WHERE token_hash = ANY (hashes) LIMIT 1
$$;

-- The committee of one row of a registered table (a task's argument: job_id → its job).
CREATE OR REPLACE FUNCTION app_row_committee(tbl text, row_id bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    col text;
    found bigint;
BEGIN
    SELECT committee_column INTO col FROM rls_registry WHERE table_name = tbl;
    IF col IS NULL THEN
        RAISE EXCEPTION 'table % is not committee-owned', tbl;
    END IF;
    EXECUTE format('SELECT %I FROM %I WHERE id = $1', col, tbl) INTO found USING row_id;
    RETURN found;
END
$$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS app_row_committee(text, bigint);
DROP FUNCTION IF EXISTS app_feedback_committee(text[]);
DROP FUNCTION IF EXISTS app_person_scope(integer);
DROP FUNCTION IF EXISTS app_visible_committees();
DROP FUNCTION IF EXISTS app_current_committee();
DROP TABLE IF EXISTS rls_registry;
"""


@dataclass(frozen=True)
class Parent:
    """Where a row finds its committee: `table.column` of the row whose `key` is the row's
    `fk` (table None: the row's own `fk` column is the committee id)."""

    fk: str
    table: str | None = None
    column: str = "committee_id"
    key: str = "id"


def _lookup(parent: Parent) -> str:
    if parent.table is None:
        return f"NEW.{parent.fk}"
    return (
        f"(SELECT p.{parent.column} FROM {parent.table} p "
        f"WHERE p.{parent.key} = NEW.{parent.fk})"
    )


def enable_rls(
    table: str,
    *,
    column: str = "committee_id",
    parents: Sequence[Parent] = (),
    history: bool = False,
    current_fallback: bool = False,
    not_null: bool = False,
) -> list[str]:
    """The SQL that walls `table` off by committee.

    With no `parents`, `column` is the model's own committee foreign key. Otherwise
    `column` is added (DB-only) and a trigger fills it from the first parent that answers;
    `history` (a django-simple-history table) falls back to the object's earlier history
    rows, whose parent may be gone; `current_fallback` takes the current committee for a
    row that names none (a job or an outbox message written in a request). `not_null`
    when every row has a parent.
    """
    statements = []
    if parents or current_fallback:
        sources = [_lookup(p) for p in parents]
        if history:
            sources.append(
                f"(SELECT h.{column} FROM {table} h WHERE h.id = NEW.id "
                f"AND h.{column} IS NOT NULL ORDER BY h.history_id DESC LIMIT 1)"
            )
        if current_fallback:
            # An update keeps the row where it was (OLD is NULL on INSERT).
            sources += [f"OLD.{column}", "app_current_committee()"]
        value = sources[0] if len(sources) == 1 else f"COALESCE({', '.join(sources)})"
        function = f"rls_fill_{table}"
        statements += [
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} bigint",
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.{column} := {value};
    RETURN NEW;
END
$$""",
            f"DROP TRIGGER IF EXISTS rls_fill ON {table}",
            f"CREATE TRIGGER rls_fill BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
            # The trigger recomputes the column of every existing row.
            f"UPDATE {table} SET {column} = NULL",
        ]
        if history:
            # A second pass lets rows whose parent is gone take an earlier row's committee.
            statements.append(f"UPDATE {table} SET {column} = NULL WHERE {column} IS NULL")
        if not_null:
            statements.append(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")
    statements += [
        f"CREATE INDEX IF NOT EXISTS {table}_rls ON {table} ({column})",
        f"INSERT INTO rls_registry (table_name, committee_column) VALUES ('{table}', "
        f"'{column}') ON CONFLICT (table_name) DO UPDATE SET committee_column = "
        "EXCLUDED.committee_column",
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS committee_read ON {table}",
        f"CREATE POLICY committee_read ON {table} FOR SELECT "
        f"USING ({column} = ANY ((SELECT app_visible_committees())::bigint[]))",
    ]
    # Writes per command rather than one FOR ALL policy: a FOR ALL policy would also be
    # OR-ed into every SELECT (two index scans where the read policy needs one).
    current = f"{column} = (SELECT app_current_committee())"
    for command, clauses in WRITE_POLICIES.items():
        statements += [
            f"DROP POLICY IF EXISTS committee_{command} ON {table}",
            f"CREATE POLICY committee_{command} ON {table} FOR {command.upper()} "
            + " ".join(f"{clause} ({current})" for clause in clauses),
        ]
    return statements


WRITE_POLICIES = {
    "insert": ["WITH CHECK"],
    "update": ["USING", "WITH CHECK"],
    "delete": ["USING"],
}
POLICIES = ["committee_read"] + [f"committee_{command}" for command in WRITE_POLICIES]


def disable_rls(table: str, *, column: str = "committee_id", added: bool = False) -> list[str]:
    """Undo `enable_rls` (for a migration's reverse)."""
    statements = [f"DROP POLICY IF EXISTS {policy} ON {table}" for policy in POLICIES]
    statements += [
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
        f"DELETE FROM rls_registry WHERE table_name = '{table}'",
        f"DROP INDEX IF EXISTS {table}_rls",
    ]
    if added:
        statements += [
            f"DROP TRIGGER IF EXISTS rls_fill ON {table}",
            f"DROP FUNCTION IF EXISTS rls_fill_{table}()",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}",
        ]
    return statements


def _run(statements: list[str]):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite: no row-level security; the Python filters are the wall there
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


def rls_operation(forward: list[str], backward: list[str] | None = None):
    """A migration operation that runs `forward` on PostgreSQL only (SQLite skips it)."""
    return migrations.RunPython(
        _run(forward), _run(backward) if backward is not None else migrations.RunPython.noop
    )


REQUIRE_BYPASS = """
DO $$
BEGIN
    IF NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'migrations must run as the tables'' owner with BYPASSRLS (or as a '
            'superuser): set MIGRATION_DATABASE_URL, see docs/deploy.md';
    END IF;
END
$$
"""


def grant_app_role(cursor, role: str) -> None:
    """Give the application role the rights it needs, and no more: no ownership, no
    TRUNCATE (which ignores row-level security), and refuse a role that bypasses RLS."""
    cursor.execute(
        "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %s", [role]
    )
    row = cursor.fetchone()
    if row is None:
        raise ValueError(f"no database role {role!r}")
    if row[0]:
        raise ValueError(f"role {role!r} bypasses row-level security; use a plain role")
    cursor.execute(
        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
        "AND tableowner = %s",
        [role],
    )
    if cursor.fetchone()[0]:
        raise ValueError(f"role {role!r} owns tables (an owner may switch the wall off)")
    quoted = '"' + role.replace('"', '""') + '"'
    cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
    cursor.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
    )
    cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
    cursor.execute(f"REVOKE ALL ON rls_registry FROM {quoted}")
    cursor.execute(f"GRANT SELECT ON rls_registry TO {quoted}")
