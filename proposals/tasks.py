"""Celery tasks of the proposal domain: each calls one service and is safe to run twice."""

import datetime as dt

from celery import shared_task

from jobs.retry import TASK_OPTIONS

from . import deadlines, notices, once


@shared_task(name="proposals.scan_deadlines", **TASK_OPTIONS)
def scan_deadlines(today: str | None = None) -> dict:
    """The daily scan (celery beat, 07:00 Asia/Shanghai). Idempotent: the unique constraint
    on notices makes a second run add nothing."""
    day = dt.date.fromisoformat(today) if today else None
    result = deadlines.scan_deadlines(today=day)
    return {"today": result.today.isoformat(), "created": result.created,
            "warnings": result.warnings, "steps": result.steps}


@shared_task(name="proposals.notices_email", **TASK_OPTIONS)
def notices_email() -> int:
    """E-mail unsent notices, one digest per unit. Idempotent: sent notices are marked."""
    return notices.notices_send_emails()


@shared_task(name="proposals.purge_form_tokens", **TASK_OPTIONS)
def purge_form_tokens() -> int:
    """Forget double-submit claims older than a day. Idempotent."""
    return once.purge()
