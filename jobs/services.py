"""Starting and running background jobs."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import registry
from .heartbeat import Heartbeat, requeue_stale, resume_found_running
from .models import Job
from .outbox import enqueue
from .retry import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)

RUN_TASK = "jobs.run"

# A job whose worker died JOB_MAX_INTERRUPTIONS times (jobs.heartbeat) fails with this.
JOB_FAILED_INTERRUPTED = {
    "message": lambda n: _("任务失败。"),
    "error": lambda n: _(
        "任务运行中后台工作进程停止，已中断%(n)d次，不再自动重试。"
        "请稍后重新发起；如仍失败，请联系系统管理员。"
    ) % {"n": n},
}


class Progress:
    """Reports progress outside any transaction, so the page sees it while the job runs;
    each report is also a heartbeat (jobs.heartbeat)."""

    def __init__(self, job: Job, beat: Heartbeat | None = None) -> None:
        self.job_id = job.pk
        self.beat = beat
        self.last = -1

    def __call__(self, percent: float, message: str = "") -> None:
        percent = max(0, min(99, int(percent)))
        if percent == self.last and not message:
            return
        self.last = percent
        fields = {"progress": percent}
        if message:
            fields["message"] = message[:200]
        if self.beat is not None:
            self.beat.report(**fields)
        else:
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
    worker that died (acks_late redelivers it) and runs again from the start, counted as an
    interruption; the JOB_MAX_INTERRUPTIONS-th fails it."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now, progress=0, error=""
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("job %s no longer exists", job_id)
        return "missing"
    if job.is_finished:
        return job.state
    if not claimed and not resume_found_running(Job, job_id, failed=JOB_FAILED_INTERRUPTED):
        return Job.State.FAILED
    runner = registry.runner_for(job.kind)
    try:
        if runner is None:
            raise ValueError(_("未知的任务类型：%(kind)s") % {"kind": job.kind})
        with Heartbeat(Job, job_id) as beat:
            filename, content = runner.run(job, Progress(job, beat))
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
        if job.is_finished:  # another run of it (a redelivered message) finished first
            content.close()
            return job.state
        job.result.save(filename, content, save=False)
        job.state = Job.State.DONE
        job.progress = 100
        job.message = _("已完成。")
        job.finished_at = timezone.now()
        job.save()
    content.close()
    return Job.State.DONE


def jobs_requeue_stale() -> dict[str, int]:
    """Re-queue the running jobs whose worker died (no heartbeat for JOB_STALE_AFTER); a
    job interrupted JOB_MAX_INTERRUPTIONS times fails. Every minute (celery beat)."""
    return requeue_stale(
        Job,
        task_name=RUN_TASK,
        kwarg="job_id",
        requeued={
            "progress": 0,
            "message": lambda n: _(
                "上次运行中断（后台工作进程停止），已自动重新排队，第%(n)d次重试。"
            ) % {"n": n},
        },
        failed=JOB_FAILED_INTERRUPTED,
    )
