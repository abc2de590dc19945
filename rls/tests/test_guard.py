"""A table of the project's apps that holds committee data and has no forced policy fails
here (and in `manage.py check --database default`)."""

import pytest
from django.core.management import call_command
from django.db import connection

from rls.checks import OUTSIDE_THE_WALL, project_tables, tables_without_wall

pytestmark = pytest.mark.django_db


def test_it_finds_every_table_of_the_project_walled(require_postgres):
    assert tables_without_wall() == []


def test_it_names_a_table_whose_policy_is_not_forced(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE proposals_task NO FORCE ROW LEVEL SECURITY")
        cursor.execute("DROP POLICY committee_update ON replies_reply")
    assert tables_without_wall() == ["proposals_task", "replies_reply"]


def test_it_lets_migrate_create_the_tables_of_a_newer_release(require_postgres, monkeypatch):
    """An upgrade: the models name a table the database has not got yet. `migrate` runs the
    checks before migrating; the table-to-be must not stop it (its migration walls it)."""
    import rls.checks

    real = rls.checks.project_tables
    monkeypatch.setattr(rls.checks, "project_tables", lambda: real() | {"replies_newthing"})
    assert tables_without_wall() == []
    call_command("check", databases=["default"])
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE replies_newthing (id bigint)")
    assert tables_without_wall() == ["replies_newthing"]


def test_it_fails_the_system_check_for_a_table_without_policies(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE jobs_job DISABLE ROW LEVEL SECURITY")
    with pytest.raises(Exception, match="jobs_job holds committee data"):
        call_command("check", databases=["default"])


def test_it_lists_only_existing_tables_outside_the_wall():
    tables = project_tables()
    assert set(OUTSIDE_THE_WALL) <= tables
    assert {"proposals_proposal", "replies_historicalreply", "jobs_job"} <= tables
    assert "auth_user" not in tables and "django_session" not in tables
