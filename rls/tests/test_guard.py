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
