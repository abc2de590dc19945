"""Which tables of the project's apps hold committee data without the wall.

Every model table of an app of this project (not Django's, not a library's) must have
row-level security enabled and forced, with the four committee policies, unless it is
listed in OUTSIDE_THE_WALL with the reason. A new model that forgets its migration
(`rls.sql.enable_rls`) fails rls/tests/test_guard.py and `manage.py check --database
default`.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import connections

from .sql import POLICIES

OUTSIDE_THE_WALL = {
    "proposals_committee": "the committees and their tree, read by the policies themselves",
    "proposals_historicalcommittee": "the history of those names and parents",
    "proposals_calendaryear": "the national holiday calendar",
    "proposals_calendarday": "the national holiday calendar",
    "proposals_historicalcalendaryear": "the national holiday calendar's history",
    "proposals_historicalcalendarday": "the national holiday calendar's history",
    "proposals_formtoken": "digests of one-time form tokens, no committee data",
    "proposals_noticecursor": "one number per person: the last notice seen",
}


def project_tables() -> set[str]:
    """The tables of the models of the project's own apps (history and m2m included)."""
    base = Path(settings.BASE_DIR).resolve()
    tables = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base not in path.parents or ".venv" in path.parts or "site-packages" in path.parts:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return tables


def tables_without_wall(using: str = "default") -> list[str]:
    """Project tables outside OUTSIDE_THE_WALL lacking forced RLS or one of the policies.
    Only tables that exist: `migrate` runs this check before it creates the tables of a
    newer release (whose migrations wall them off), and an empty table-to-be holds nothing."""
    existing = set(connections[using].introspection.table_names())
    with connections[using].cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND c.relkind = 'r'
                 AND c.relrowsecurity AND c.relforcerowsecurity
                 AND (SELECT count(*) FROM pg_policies p WHERE p.schemaname = n.nspname
                      AND p.tablename = c.relname AND p.policyname = ANY (%s)) = %s
            """,
            [POLICIES, len(POLICIES)],
        )
        walled = {row[0] for row in cursor.fetchall()}
    return sorted((project_tables() & existing) - set(OUTSIDE_THE_WALL) - walled)


@checks.register(checks.Tags.database)
def check_wall(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        if "rls_registry" not in connection.introspection.table_names():
            continue  # not migrated yet (migrate runs the checks first)
        for table in tables_without_wall(alias):
            errors.append(
                checks.Error(
                    f"{table} holds committee data without forced row-level security",
                    hint="Add a migration that runs rls.sql.enable_rls() for it, or list it "
                    "in rls.checks.OUTSIDE_THE_WALL with the reason.",
                    id="rls.E001",
                )
            )
    return errors
