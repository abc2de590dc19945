"""Celery tasks of the proposal domain: each calls one service and is safe to run twice."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from jobs.retry import TASK_OPTIONS
from rls.scope import each_committee, sum_counts

from . import deadlines, notices, once


@shared_task(name="proposals.scan_deadlines", **TASK_OPTIONS)
def scan_deadlines(today: str | None = None) -> dict:
    """The daily scan (celery beat, 07:00 Asia/Shanghai). Idempotent: the unique constraint
    on notices makes a second run add nothing. Committee by committee on PostgreSQL, where
    each sees only its own assignments (rls/)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    results = each_committee(lambda: deadlines.scan_deadlines(today=day))
    warnings = list(dict.fromkeys(w for result in results for w in result.warnings))
    return {"today": day.isoformat(), "created": sum(r.created for r in results),
            "warnings": warnings, "steps": sum_counts(r.steps for r in results)}


@shared_task(name="proposals.notices_email", **TASK_OPTIONS)
def notices_email() -> int:
    """E-mail unsent notices, one digest per unit. Idempotent: sent notices are marked."""
    return sum(each_committee(notices.notices_send_emails))


@shared_task(name="proposals.purge_form_tokens", **TASK_OPTIONS)
def purge_form_tokens() -> int:
    """Forget double-submit claims older than a day. Idempotent."""
    return once.purge()
