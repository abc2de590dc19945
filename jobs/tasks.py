"""Celery tasks of the jobs app."""

from celery import shared_task

from rls.scope import each_committee, each_committee_counted, scoped_by

from . import outbox, services
from .retry import TASK_OPTIONS


@shared_task(name="jobs.run", **TASK_OPTIONS)
@scoped_by("jobs_job", "job_id")
def run_job(job_id: int) -> str:
    """Run one Job. Idempotent: a finished job is not run again."""
    return services.job_run(job_id=job_id)


@shared_task(name="jobs.flush_outbox", **TASK_OPTIONS)
def flush_outbox() -> int:
    """Every minute (celery beat): publish what could not be queued while the broker was
    down. Committee by committee: each sees only its own messages (rls/)."""
    return sum(each_committee(outbox.flush_outbox))


@shared_task(name="jobs.sweep_stale", **TASK_OPTIONS)
def sweep_stale() -> dict[str, int]:
    """Every minute (celery beat): re-queue the running jobs whose worker died. Committee by
    committee, as each committee's jobs are walled off from the others (rls/)."""
    return each_committee_counted(services.jobs_requeue_stale)
