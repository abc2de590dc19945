"""The runners of the statistics page's list exports (提案清单, 交办清单, 答复登记) and the
service that starts them. The views and the permission matrix: insights/tests/test_exports.py."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from insights import list_exports, xlsx
from insights.list_exports import session_export_start
from insights.tests.helpers import signed_reply
from jobs.models import Job
from jobs.services import Progress, job_run
from jobs.tests.factories import JobFactory
from proposals.models import CommitteeRole
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeRoleFactory,
    MembershipFactory,
    ProposerFactory,
    SessionFactory,
    UnitFactory,
)
from replies.models import Feedback

pytestmark = pytest.mark.django_db

RUNNERS = {
    list_exports.PROPOSALS_EXPORT: (list_exports.proposals_export, "提案清单.xlsx"),
    list_exports.ASSIGNMENTS_EXPORT: (list_exports.assignments_export, "交办清单.xlsx"),
    list_exports.REPLIES_EXPORT: (list_exports.replies_export, "答复登记.xlsx"),
}


def _session_with(n: int):
    """A session with n proposals, each with a co-signer, handed to a unit and answered
    by a sent reply with feedback; returns (session, clerk)."""
    session = SessionFactory()
    unit = UnitFactory(committee=session.committee)
    for i in range(1, n + 1):
        assignment = AssignmentFactory(proposal__session=session, proposal__number=i, unit=unit)
        assignment.proposal.co_signers.set([ProposerFactory(committee=session.committee)])
        signed_reply(
            assignment, signed_on=dt.date(2025, 6, 1), satisfaction=Feedback.Satisfaction.SATISFIED
        )
    clerk = CommitteeRoleFactory(committee=session.committee).user
    return session, clerk


def _job(kind, session, owner) -> Job:
    return JobFactory(
        kind=kind, owner=owner, committee=session.committee, params={"session_id": session.pk}
    )


class Recorder:
    """A progress callable that keeps every report and passes it on to the job's own
    Progress, reading back what the page would see."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.progress = Progress(job)
        self.calls: list[tuple[float, str]] = []
        self.stored: list[int] = []

    def __call__(self, percent: float, message: str = "") -> None:
        self.calls.append((percent, message))
        self.progress(percent, message)
        self.job.refresh_from_db(fields=["progress"])
        self.stored.append(self.job.progress)


def _sheet_rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("kind", list(RUNNERS))
def test_it_reports_progress_as_rows_are_written(kind, monkeypatch):
    monkeypatch.setattr(xlsx, "PROGRESS_EVERY", 2)
    session, clerk = _session_with(7)
    job = _job(kind, session, clerk)
    runner, suffix = RUNNERS[kind]
    recorder = Recorder(job)

    filename, content = runner(job, recorder)

    percents = [p for p, _m in recorder.calls]
    assert percents == sorted(percents)
    assert percents[0] == 0 and percents[-1] == xlsx.ROWS_SHARE + 5
    assert [round(p) for p in percents if 0 < p < xlsx.ROWS_SHARE] == [26, 51, 77]  # 2, 4, 6
    assert recorder.calls[2][1] == "已写入4/7行"
    assert recorder.stored == [0, 25, 51, 77, 90, 95]  # what the job page saw meanwhile
    assert filename == f"{session.name}{suffix}"
    assert len(_sheet_rows(content.read())) == 1 + 7

    job_run(job_id=job.pk)  # the whole run ends at 100
    job.refresh_from_db()
    assert (job.state, job.progress, job.message) == (Job.State.DONE, 100, "已完成。")


@pytest.mark.parametrize("kind", list(RUNNERS))
def test_it_keeps_the_number_of_queries_constant(kind):
    counts = []
    for n in (3, 30):
        session, clerk = _session_with(n)
        job = _job(kind, session, clerk)
        job = Job.objects.get(pk=job.pk)  # the owner is not cached
        with CaptureQueriesContext(connection) as queries:
            _filename, content = RUNNERS[kind][0](job, lambda *args: None)
        assert len(_sheet_rows(content.read())) == 1 + n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_it_leaves_the_job_failed_with_the_error_on_its_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("磁盘空间不足")

    monkeypatch.setattr(xlsx, "replies_workbook", broken)
    session, clerk = _session_with(1)
    job = _job(list_exports.REPLIES_EXPORT, session, clerk)

    assert job_run(job_id=job.pk) == Job.State.FAILED

    job.refresh_from_db()
    assert (job.state, job.error, bool(job.result)) == (Job.State.FAILED, "磁盘空间不足", False)
    client.force_login(clerk)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "答复登记导出" in html and "失败" in html and "磁盘空间不足" in html
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_it_fails_when_the_owner_may_no_longer_see_the_session():
    session, clerk = _session_with(1)
    job = _job(list_exports.PROPOSALS_EXPORT, session, clerk)
    CommitteeRole.objects.filter(user=clerk).delete()  # between the click and the run

    assert job_run(job_id=job.pk) == Job.State.FAILED

    job.refresh_from_db()
    assert "无权查看" in job.error and not job.result


def test_it_starts_an_export_for_staff_and_the_committees_units_only():
    session = SessionFactory()
    clerk = CommitteeRoleFactory(committee=session.committee).user
    handler = MembershipFactory(unit__committee=session.committee).user

    for actor in (clerk, handler):
        job = session_export_start(session=session, kind=list_exports.REPLIES_EXPORT, actor=actor)
        assert (job.owner, job.committee, job.state, job.params) == (
            actor, session.committee, Job.State.QUEUED, {"session_id": session.pk}
        )

    with pytest.raises(PermissionDenied):  # another committee's clerk and unit
        session_export_start(
            session=session, kind=list_exports.PROPOSALS_EXPORT, actor=CommitteeRoleFactory().user
        )
    with pytest.raises(PermissionDenied):
        session_export_start(
            session=session, kind=list_exports.PROPOSALS_EXPORT, actor=MembershipFactory().user
        )
    with pytest.raises(ValueError):
        session_export_start(session=session, kind=Job.SELFTEST, actor=clerk)
    assert Job.objects.count() == 2
