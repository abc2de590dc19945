"""The policies themselves, through raw SQL as the application role."""

import pytest
from django.db import DatabaseError, connection

from .conftest import as_app, registry

pytestmark = pytest.mark.django_db


def _owner_counts(column_filter: str = "", params=()) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table, column in registry().items():
            where = column_filter.format(column=column)
            cursor.execute(f"SELECT count(*) FROM {table} {where}", params)
            counts[table] = cursor.fetchone()[0]
    return counts


def _app_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in registry():
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _refused(role, committee_id, sql, params, *, match="row-level security", **kwargs):
    with pytest.raises(DatabaseError, match=match), as_app(role, committee_id, **kwargs) as c:
        c.execute(sql, params)


def test_it_covers_the_committee_owned_tables(require_postgres):
    tables = set(registry())
    assert len(tables) == 60
    assert {
        "proposals_proposal", "proposals_assignment", "proposals_section",
        "proposals_historicalproposal", "replies_reply", "replies_replyparagraph",
        "replies_historicalreply", "replies_feedbacklink", "jobs_job", "jobs_outboxmessage",
        "insights_proposalimport", "proposals_proposal_co_signers",
        "proposals_historicalproposal_co_signers", "replies_committeeca",
        "replies_unitcertificate", "replies_recordcopy", "replies_countersign",
        "replies_historicalcountersign", "proposals_supervisionrecord",
        "proposals_historicalsupervisionrecord", "insights_assessmentscheme",
        "insights_historicalassessmentscheme", "insights_assessmentrule",
        "insights_historicalassessmentrule", "insights_scoreadjustment",
        "insights_historicalscoreadjustment",
        "replies_publication", "replies_historicalpublication",
    } <= tables


def test_it_shows_no_row_without_a_committee(province, app_role):
    owner = _owner_counts()
    filled = [table for table, count in owner.items() if count]
    # The data reaches most tables, or this would prove little.
    assert len(filled) >= 55, sorted(set(owner) - set(filled))
    with as_app(app_role) as cursor:
        assert _app_counts(cursor) == dict.fromkeys(owner, 0)


def test_it_shows_a_city_only_its_own_rows(province, app_role):
    a, b = province.a.committee.pk, province.b.committee.pk
    own = _owner_counts("WHERE {column} = %s", [a])
    theirs = _owner_counts("WHERE {column} = %s", [b])
    assert sum(1 for count in theirs.values() if count) >= 37
    with as_app(app_role, a) as cursor:
        assert _app_counts(cursor) == own
        cursor.execute("SELECT DISTINCT committee_id FROM proposals_proposal")
        assert cursor.fetchall() == [(a,)]
        cursor.execute(
            "SELECT count(*) FROM replies_reply WHERE id = %s", [province.b.reply.pk]
        )
        assert cursor.fetchone() == (0,)


def test_it_lets_a_city_write_its_own_rows(province, app_role):
    a = province.a
    with as_app(app_role, a.committee.pk) as cursor:
        cursor.execute(
            "UPDATE proposals_proposal SET title = '改' WHERE id = %s", [a.case.proposal.pk]
        )
        assert cursor.rowcount == 1
        cursor.execute(
            "INSERT INTO proposals_membership (user_id, unit_id, role) VALUES (%s, %s, "
            "'handler') RETURNING committee_id",
            [a.case.signer.pk, a.case.co.unit_id],
        )
        assert cursor.fetchone() == (a.committee.pk,)


def test_it_refuses_a_city_the_rows_of_another(province, app_role):
    a, b = province.a, province.b
    with as_app(app_role, a.committee.pk) as cursor:
        cursor.execute(
            "UPDATE proposals_proposal SET title = '改' WHERE id = %s", [b.case.proposal.pk]
        )
        assert cursor.rowcount == 0
        cursor.execute("DELETE FROM replies_replyparagraph WHERE reply_id = %s", [b.reply.pk])
        assert cursor.rowcount == 0
    _refused(  # a row of B
        app_role, a.committee.pk,
        "INSERT INTO proposals_unit (committee_id, name, short_name, doc_prefix, email, "
        "is_active) VALUES (%s, '伪造单位', '', '', '', true)",
        [b.committee.pk],
    )
    _refused(  # B's unit is invisible: the trigger finds no committee
        app_role, a.committee.pk,
        "INSERT INTO proposals_membership (user_id, unit_id, role) VALUES (%s, %s, 'handler')",
        [a.case.handler.pk, b.case.unit.pk],
    )
    _refused(  # moving a row of A out
        app_role, a.committee.pk,
        "UPDATE proposals_unit SET committee_id = %s WHERE id = %s",
        [b.committee.pk, a.case.unit.pk],
    )


def test_it_lets_a_province_read_its_descendants_and_write_none(province, app_role):
    p, a, b = province.province.pk, province.a, province.b
    with as_app(app_role, p, descendants=True) as cursor:
        cursor.execute("SELECT DISTINCT committee_id FROM proposals_unit ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == sorted(
            [a.committee.pk, b.committee.pk, province.county.pk]
        )
        cursor.execute("SELECT count(*) FROM replies_reply")
        assert cursor.fetchone() == (2,)
        cursor.execute(
            "UPDATE proposals_proposal SET title = '改' WHERE id IN (%s, %s)",
            [a.case.proposal.pk, b.case.proposal.pk],
        )
        assert cursor.rowcount == 0
        cursor.execute("DELETE FROM proposals_section")
        assert cursor.rowcount == 0
    _refused(
        app_role, p,
        "INSERT INTO proposals_unit (committee_id, name, short_name, doc_prefix, email, "
        "is_active) VALUES (%s, '省里代填', '', '', '', true)",
        [a.committee.pk],
        descendants=True,
    )


def test_it_shows_a_province_without_the_grant_only_itself(province, app_role):
    with as_app(app_role, province.province.pk) as cursor:
        cursor.execute("SELECT count(*) FROM proposals_unit")
        assert cursor.fetchone() == (0,)


def test_it_shows_a_city_with_the_grant_its_counties_not_its_neighbours(province, app_role):
    a = province.a
    with as_app(app_role, a.committee.pk, descendants=True) as cursor:
        cursor.execute("SELECT DISTINCT committee_id FROM proposals_unit ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == [a.committee.pk, province.county.pk]


def test_it_keeps_the_denormalised_committee_right(province):
    """The trigger, not the writer, decides: even the owner cannot point a section at
    another committee than its assignment's."""
    a, b = province.a, province.b
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE proposals_section SET committee_id = %s WHERE id = %s RETURNING "
            "committee_id",
            [b.committee.pk, a.case.own_section.pk],
        )
        assert cursor.fetchone() == (a.committee.pk,)
        cursor.execute(
            """SELECT count(*) FROM replies_replyparagraph rp
               JOIN replies_reply r ON r.id = rp.reply_id
               JOIN proposals_unit u ON u.id = r.unit_id
               WHERE rp.committee_id IS DISTINCT FROM u.committee_id"""
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT DISTINCT committee_id FROM proposals_historicalsection WHERE id = %s",
            [b.case.co_section.pk],
        )
        assert cursor.fetchall() == [(b.committee.pk,)]


def test_it_gives_a_self_test_job_the_committee_of_the_request(province, app_role):
    a = province.a
    with as_app(app_role, a.committee.pk) as cursor:
        cursor.execute(
            "INSERT INTO jobs_job (kind, owner_id, params, state, progress, message, result, "
            "error, interruptions, created_at) "
            "VALUES ('selftest', %s, '{}', 'queued', 0, '', '', '', 0, now()) "
            "RETURNING owner_committee_id, committee_id",
            [a.case.handler.pk],
        )
        assert cursor.fetchone() == (a.committee.pk, None)
