"""Starting and running background jobs."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .models import Job
from .outbox import enqueue
from .retry import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)

RUN_TASK = "jobs.run"


class Progress:
    """Reports progress outside any transaction, so the page sees it while the job runs."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.last = -1

    def __call__(self, percent: float, message: str = "") -> None:
        percent = max(0, min(99, int(percent)))
        if percent == self.last and not message:
            return
        self.last = percent
        fields = {"progress": percent}
        if message:
            fields["message"] = message[:200]
        Job.objects.filter(pk=self.job_id).update(**fields)


@transaction.atomic
def job_create(*, kind: str, owner, committee=None, unit=None, params: dict | None = None) -> Job:
    """Record the job and queue it after commit (through the outbox)."""
    job = Job(kind=kind, owner=owner, committee=committee, unit=unit, params=params or {})
    job.full_clean()
    job.save()
    enqueue(RUN_TASK, job_id=job.pk)
    return job


def job_run(*, job_id: int) -> str:
    """Run a job once. A finished job is left alone; a job found `running` was taken by a
    worker that died (acks_late redelivers it) and runs again from the start."""
    now = timezone.now()
    Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, progress=0, error=""
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("job %s no longer exists", job_id)
        return "missing"
    if job.is_finished:
        return job.state
    runner = registry.runner_for(job.kind)
    try:
        if runner is None:
            raise ValueError(_("未知的任务类型：%(kind)s") % {"kind": job.kind})
        filename, content = runner.run(job, Progress(job))
    except TRANSIENT_ERRORS:
        Job.objects.filter(pk=job_id).update(
            state=Job.State.QUEUED, message=_("遇到暂时性错误，稍后自动重试。")
        )
        raise
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILED,
            error=f"{exc}" or type(exc).__name__,
            message=_("任务失败。"),
            finished_at=timezone.now(),
        )
        return Job.State.FAILED
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        job.result.save(filename, content, save=False)
        job.state = Job.State.DONE
        job.progress = 100
        job.message = _("已完成。")
        job.finished_at = timezone.now()
        job.save()
    content.close()
    return Job.State.DONE
