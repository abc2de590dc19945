"""The wall is tested as the application connects: a role that owns nothing and does not
bypass row-level security (the test database's superuser always bypasses it), with raw
SQL, so that no Python filter helps."""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection, transaction

from insights.assessment import scheme_for
from insights.models import ProposalImport, ScoreAdjustment
from jobs.models import Job, OutboxMessage
from jobs.services import job_create
from proposals.models import (
    CommitteeRole,
    ContactRecord,
    ExtensionRequest,
    Notice,
    ReassignmentRequest,
    SupervisionRecord,
    Task,
)
from proposals.tests.factories import (
    CommitteeFactory,
    CommitteeRoleFactory,
    ProposerFactory,
    UnitFactory,
)
from replies.models import (
    CommitteeCA,
    Countersign,
    DocumentCounter,
    Feedback,
    Publication,
    RecordCopy,
    ReplyDownload,
    UnitCertificate,
    UnitLetterSettings,
    UnitSigningKey,
)
from replies.services import feedback_link_create
from replies.tests.reply_fixtures import Case, make_case, ready_reply
from rls.sql import grant_app_role


@dataclass
class City:
    committee: object
    case: Case
    reply: object
    token: str
    job: Job


@dataclass
class Province:
    province: object
    a: City
    b: City
    county: object


def _city(name: str, province) -> City:
    case = make_case()
    committee = case.proposal.session.committee
    committee.name = name
    committee.parent = province
    committee.save()
    case.proposal.co_signers.add(ProposerFactory(committee=committee))
    reply = ready_reply(case)
    link, token = feedback_link_create(reply=reply)
    Feedback.objects.create(
        reply=reply, link=link, satisfaction=Feedback.Satisfaction.SATISFIED
    )
    ReplyDownload.objects.create(reply=reply, user=case.handler)
    DocumentCounter.objects.create(unit=case.unit, year=2025)
    UnitLetterSettings.objects.create(unit=case.unit)
    UnitSigningKey.objects.create(
        unit=case.unit, public_key=b"k", encrypted_private_key=b"k",
        fingerprint=f"fp-{case.unit.pk}",
    )
    Notice.objects.create(unit=case.unit, assignment=case.lead, kind=Notice.Kind.ASSIGNED)
    ca = CommitteeCA.objects.create(
        committee=committee, certificate_pem="-", fingerprint=f"ca-{committee.pk}",
        encrypted_private_key=b"k",
    )
    certificate = UnitCertificate.objects.create(
        unit=case.unit, ca=ca, certificate_pem="-", serial="1",
        fingerprint=f"uc-{case.unit.pk}", encrypted_private_key=b"k",
        not_after=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    RecordCopy.objects.create(reply=reply, certificate=certificate)
    SupervisionRecord.objects.create(
        proposal=case.proposal, kind=SupervisionRecord.Kind.LEADER_NOTE,
        held_on=dt.date(2025, 4, 1), text="请抓紧办理。", recorded_by=case.handler,
    )
    Countersign.objects.create(
        reply=reply, unit=case.co.unit, assignment=case.co, requested_on=dt.date(2025, 4, 1),
        requested_by=case.handler,
    )
    Publication.objects.create(reply=reply, due_on=dt.date(2025, 5, 1))
    job = job_create(kind=Job.SELFTEST, owner=case.handler, unit=case.unit)
    CommitteeRoleFactory(committee=committee, role=CommitteeRole.Role.CLERK)
    day = dt.date(2025, 4, 1)
    Task.objects.create(
        assignment=case.lead, kind=Task.Kind.CONTACT, title="走访提案人", due_on=day,
        assignee=case.handler, created_by=case.handler,
    )
    ContactRecord.objects.create(
        assignment=case.lead, contacted_on=day, method=ContactRecord.Method.choices[0][0],
        summary="面商。", recorded_by=case.handler,
    )
    ExtensionRequest.objects.create(
        assignment=case.co, current_due_on=day, requested_due_on=day + dt.timedelta(days=30),
        reason="调研。", requested_by=case.handler,
    )
    ReassignmentRequest.objects.create(
        assignment=case.co, reason="职能不符。", requested_by=case.handler
    )
    ProposalImport.objects.create(
        session=case.proposal.session, owner=case.handler, filename="x.xlsx", content=b"x"
    )
    scheme_for(case.proposal.session)  # the scheme and its rules, with their history
    ScoreAdjustment.objects.create(
        session=case.proposal.session, unit=case.unit, points=-1, reason="迟报。",
        changed_by=case.handler,
    )
    return City(committee, case, reply, token, job)


@pytest.fixture
def province(require_postgres) -> Province:
    """江苏省政协 above two cities with a proposal each (assignments, sections, a reply in
    review with its paragraphs and feedback link, a notice, a job, an outbox message, the
    history rows of all of them), and a county under the first city."""
    province = CommitteeFactory(name="江苏省政协", short_name="省政协")
    a = _city("连云港市政协", province)
    b = _city("徐州市政协", province)
    county = CommitteeFactory(name="东海县政协", parent=a.committee)
    UnitFactory(committee=county, name="东海县市场监督管理局")
    assert OutboxMessage.objects.count() >= 2
    return Province(province, a, b, county)


@pytest.fixture
def app_role(require_postgres) -> str:
    """A plain role for this test only (created in the test's transaction, so it goes with
    the rollback), granted like the application's."""
    role = f"rls_app_{connection.settings_dict['NAME']}"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN NOSUPERUSER NOBYPASSRLS')
        grant_app_role(cursor, role)
    return role


@contextmanager
def as_app(role: str, committee_id: int | None = None, *, descendants: bool = False):
    """A cursor connected, in effect, as the application: `SET LOCAL ROLE` and the
    committee settings, inside a savepoint (a refused write rolls back to it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        if committee_id is not None:
            cursor.execute(
                "SELECT set_config('app.committee_id', %s, true), "
                "set_config('app.read_descendants', %s, true)",
                [str(committee_id), "on" if descendants else "off"],
            )
        yield cursor
        # Reached only without an error (an error rolls the savepoint, and all this, back).
        cursor.execute(
            "RESET ROLE; SELECT set_config('app.committee_id', '', true), "
            "set_config('app.read_descendants', '', true)"
        )


def registry() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name, committee_column FROM rls_registry ORDER BY 1")
        return dict(cursor.fetchall())
