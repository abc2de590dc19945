"""届次汇编: the signed reply letters of a session with an index of its proposals, built by
a background job (the runner registered as SESSION_COMPILATION in replies.apps)."""

import datetime as dt
import functools
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.services import job_create
from proposals import access
from proposals.models import Assignment, Proposal, Session

from .models import Reply

SESSION_COMPILATION = "session_compilation"


@dataclass(frozen=True)
class SignedFile:
    """One signed reply letter to put in the 汇编."""

    proposal_id: int
    name: str  # file name inside the zip, e.g. "44137-连市监办复〔2025〕86号.docx"
    open: Callable[[], IO[bytes]]


def signed_reply_files(session: Session) -> Iterable[SignedFile]:
    """The session's signed reply letters in force (Reply.objects.in_force)."""
    replies = (
        Reply.objects.in_force()
        .filter(proposal__session=session)
        .select_related("proposal", "unit")
        .order_by("proposal__number", "unit__name")
    )
    for reply in replies:
        yield SignedFile(
            proposal_id=reply.proposal_id,
            name=f"{reply.proposal.number}-{reply.doc_number}.docx",
            open=functools.partial(reply.signed_file.open, "rb"),
        )


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


INDEX_HEADER = [
    "提案号", "案由", "领衔人", "状态", "主办（分办）单位", "协办单位", "交办日期", "办理期限",
    "答复文件",
]


def session_compilation(job: Job, progress) -> tuple[str, File]:
    """届次汇编: a .zip with index.xlsx (every proposal of the session, its units, due dates
    and states) and the signed reply letters."""
    from openpyxl import Workbook

    session = Session.objects.select_related("committee").get(pk=job.params["session_id"])
    progress(1, _("正在读取提案……"))
    files: dict[int, list[SignedFile]] = {}
    for signed in signed_reply_files(session):
        files.setdefault(signed.proposal_id, []).append(signed)
    proposals = (
        Proposal.objects.filter(session=session)
        .select_related("lead_proposer")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.exclude(state=Assignment.State.WITHDRAWN)
                .select_related("unit")
                .in_reading_order(),
            )
        )
        .order_by("number")
    )
    total = proposals.count() or 1
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("索引"))
    sheet.append(INDEX_HEADER)
    for i, proposal in enumerate(proposals.iterator(chunk_size=500), 1):
        assignments = list(proposal.assignments.all())
        leads = [a for a in assignments if a.role != Assignment.Role.CO]
        cos = [a for a in assignments if a.role == Assignment.Role.CO]
        sheet.append([
            proposal.number,
            proposal.title,
            str(proposal.lead_proposer),
            proposal.get_status_display(),
            "、".join(a.unit.name for a in leads),
            "、".join(a.unit.name for a in cos),
            "、".join(sorted({_date(a.assigned_on) for a in assignments})),
            "、".join(f"{a.unit.short_name or a.unit.name} {_date(a.due_on)}"
                     for a in assignments),
            "、".join(f.name for f in files.get(proposal.pk, [])),
        ])
        if i % 50 == 0:
            progress(60 * i / total, _("已整理%(i)d/%(n)d件提案") % {"i": i, "n": total})
    # Closed by job_run once stored.
    archive = tempfile.SpooledTemporaryFile(max_size=50 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("index.xlsx", "w") as index:
            workbook.save(index)
        signed = [f for group in files.values() for f in group]
        for i, item in enumerate(signed, 1):
            with item.open() as source, zf.open(f"答复/{item.name}", "w") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
            progress(60 + 35 * i / len(signed), _("已打包%(i)d/%(n)d份答复") % {
                "i": i, "n": len(signed)})
    archive.seek(0)
    progress(99, _("正在保存……"))
    return f"{session.name}汇编.zip", File(archive, name=f"{session.name}汇编.zip")


def can_start_session_compilation(user, session: Session) -> bool:
    """The committee's clerks and administrators compile its sessions."""
    return access.sessions_managed_by(user).filter(pk=session.pk).exists()


def session_compilation_start(*, session: Session, actor) -> Job:
    if not can_start_session_compilation(actor, session):
        raise PermissionDenied(_("只有本政协的工作人员可以导出届次汇编。"))
    return job_create(
        kind=SESSION_COMPILATION,
        owner=actor,
        committee=session.committee,
        params={"session_id": session.pk},
    )
