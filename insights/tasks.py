"""Celery tasks of the insights app."""

from celery import shared_task

from jobs.retry import TASK_OPTIONS
from rls.scope import each_committee_counted, scoped_by

from . import importing


@shared_task(name="insights.import_run", **TASK_OPTIONS)
@scoped_by("insights_proposalimport", "record_id")
def import_run(record_id: int) -> str:
    """Import a checked upload. Idempotent: a finished import is not run again."""
    return importing.import_run(record_id=record_id)


@shared_task(name="insights.sweep_stale_imports", **TASK_OPTIONS)
def sweep_stale_imports() -> dict[str, int]:
    """Every minute (celery beat): re-queue the imports whose worker died. Committee by
    committee (rls/)."""
    return each_committee_counted(importing.imports_requeue_stale)
