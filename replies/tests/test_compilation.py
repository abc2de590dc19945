import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jobs.models import Job
from jobs.services import job_run
from jobs.tests.factories import JobFactory
from proposals.models import Assignment
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeRoleFactory,
    MembershipFactory,
    SessionFactory,
    UnitFactory,
)
from replies import compilation, services
from replies.tests.reply_fixtures import SIGN_DATE, make_case, ready_reply

pytestmark = pytest.mark.django_db


def _compilation(session) -> Job:
    job = JobFactory(
        kind=compilation.SESSION_COMPILATION,
        committee=session.committee,
        params={"session_id": session.pk},
    )
    job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_it_builds_the_index_sheet_of_the_session():
    session = SessionFactory()
    lead = AssignmentFactory(proposal__session=session, unit__committee=session.committee)
    co = AssignmentFactory(
        proposal=lead.proposal,
        role=Assignment.Role.CO,
        unit=UnitFactory(committee=session.committee),
    )
    AssignmentFactory()  # another session's proposal stays out

    job = _compilation(session)

    assert job.state == Job.State.DONE, job.error
    assert job.progress == 100
    with zipfile.ZipFile(io.BytesIO(job.result.read())) as archive:
        assert archive.namelist() == ["index.xlsx"]  # no signed replies yet
        sheet = load_workbook(io.BytesIO(archive.read("index.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "提案号"
    assert len(rows) == 2
    number, title, _proposer, _status, leads, cos, _assigned, due, _files = rows[1]
    assert (number, title) == (lead.proposal.number, lead.proposal.title)
    assert (leads, cos) == (lead.unit.name, co.unit.name)
    assert lead.due_on.isoformat() in due


def test_it_puts_the_signed_replies_in_force_in_the_zip():
    case = make_case()
    signed = services.reply_sign_off(
        reply=ready_reply(case), actor=case.signer, signed_on=SIGN_DATE
    )
    correction = services.reply_correct(reply=signed, actor=case.handler)  # still a draft

    job = _compilation(case.proposal.session)

    assert job.state == Job.State.DONE, job.error
    name = f"44137-{signed.doc_number}.docx"
    with zipfile.ZipFile(io.BytesIO(job.result.read())) as archive:
        assert archive.namelist() == ["index.xlsx", f"答复/{name}"]
        with signed.signed_file.open("rb") as fh:
            assert archive.read(f"答复/{name}") == fh.read()
        sheet = load_workbook(io.BytesIO(archive.read("index.xlsx"))).active
    assert list(sheet.iter_rows(values_only=True))[1][-1] == name
    assert correction.state == correction.State.DRAFT


def test_it_records_what_went_wrong():
    job = JobFactory(kind=compilation.SESSION_COMPILATION, params={"session_id": 999999})

    assert job_run(job_id=job.pk) == Job.State.FAILED

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "does not exist" in job.error or "不存在" in job.error
    assert not job.result


def test_it_does_not_run_a_finished_job_again():
    job = JobFactory(params={"n": 2})
    assert job_run(job_id=job.pk) == Job.State.DONE
    job.refresh_from_db()
    first = job.result.name

    assert job_run(job_id=job.pk) == Job.State.DONE
    job.refresh_from_db()
    assert job.result.name == first


def test_it_lists_the_lead_units_due_date_before_the_co_units():
    """Co units are assigned first here (lower pk) and due sooner; the lead still leads."""
    session = SessionFactory()
    co = AssignmentFactory(
        proposal__session=session, role=Assignment.Role.CO,
        unit=UnitFactory(committee=session.committee, short_name="协办局"),
    )
    AssignmentFactory(
        proposal=co.proposal, role=Assignment.Role.LEAD,
        unit=UnitFactory(committee=session.committee, short_name="主办局"),
    )

    with zipfile.ZipFile(io.BytesIO(_compilation(session).result.read())) as archive:
        sheet = load_workbook(io.BytesIO(archive.read("index.xlsx"))).active
    due = list(sheet.iter_rows(values_only=True))[1][7]
    assert due.index("主办局") < due.index("协办局")


def test_it_starts_the_compilation_for_committee_staff_only(
    client, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    url = reverse("replies:session_compilation", args=[session.pk])
    client.force_login(MembershipFactory(unit__committee=session.committee).user)
    assert client.post(url).status_code == 403
    # Another committee's clerk is not told that the session exists.
    client.force_login(CommitteeRoleFactory().user)
    assert client.post(url).status_code == 404
    assert not Job.objects.exists()

    clerk = CommitteeRoleFactory(committee=session.committee).user
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.owner, job.committee, job.state) == (clerk, session.committee, Job.State.DONE)


def test_it_offers_the_compilation_on_the_job_list_to_committee_staff_only(client):
    session = SessionFactory()
    url = reverse("replies:session_compilation", args=[session.pk])
    client.force_login(CommitteeRoleFactory(committee=session.committee).user)
    assert url in client.get(reverse("jobs:list")).content.decode()
    client.force_login(MembershipFactory(unit__committee=session.committee).user)
    assert url not in client.get(reverse("jobs:list")).content.decode()
