"""Runners of the statistics page's list exports (提案清单, 交办清单, 答复登记).

Each rebuilds, for the job's owner, the rows the export used to compute inside the request
(the same permission-scoped selectors), so a unit's person gets only their unit's rows;
the layout stays in insights.xlsx.
"""

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import Job
from jobs.services import job_create
from proposals import access
from proposals.models import Session
from replies.access import replies_readable_by

from . import xlsx

PROPOSALS_EXPORT = "proposals_export"
ASSIGNMENTS_EXPORT = "assignments_export"
REPLIES_EXPORT = "replies_export"


def _session(job: Job) -> Session:
    """The job's session, if the owner may still see it (access may have been taken away
    between the click and the run)."""
    session = access.sessions_visible_to(job.owner).filter(pk=job.params.get("session_id")).first()
    if session is None:
        raise PermissionDenied(_("届次不存在，或发起人已无权查看该届次。"))
    return session


def _file(filename: str, data: bytes) -> tuple[str, File]:
    return filename, ContentFile(data, name=filename)


def proposals_export(job: Job, progress) -> tuple[str, File]:
    session = _session(job)
    proposals = access.proposals_visible_to(job.owner).filter(session=session)
    return _file(*xlsx.proposals_workbook(proposals, name=session.name, progress=progress))


def assignments_export(job: Job, progress) -> tuple[str, File]:
    session = _session(job)
    assignments = access.assignments_visible_to(job.owner).filter(proposal__session=session)
    return _file(*xlsx.assignments_workbook(assignments, name=session.name, progress=progress))


def replies_export(job: Job, progress) -> tuple[str, File]:
    session = _session(job)
    replies = replies_readable_by(job.owner).filter(proposal__session=session)
    return _file(*xlsx.replies_workbook(replies, name=session.name, progress=progress))


# kind → (runner, label), registered with jobs in insights.apps.
RUNNERS = {
    PROPOSALS_EXPORT: (proposals_export, gettext_lazy("提案清单导出")),
    ASSIGNMENTS_EXPORT: (assignments_export, gettext_lazy("交办清单导出")),
    REPLIES_EXPORT: (replies_export, gettext_lazy("答复登记导出")),
}


def can_export_session(user, session: Session) -> bool:
    """The statistics page's rule: committee staff and the people of the committee's units
    may export the session's lists (each gets the rows they may see)."""
    return access.sessions_visible_to(user).filter(pk=session.pk).exists()


def session_export_start(*, session: Session, kind: str, actor) -> Job:
    """Start one of the statistics page's list exports of `session` for `actor`."""
    if kind not in RUNNERS:
        raise ValueError(f"not a session list export: {kind!r}")
    if not can_export_session(actor, session):
        raise PermissionDenied(_("你无权导出该届次的清单。"))
    return job_create(
        kind=kind, owner=actor, committee=session.committee, params={"session_id": session.pk}
    )
