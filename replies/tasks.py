"""Celery tasks of the replies app."""

from celery import shared_task

from jobs.retry import TASK_OPTIONS
from rls.scope import each_committee, scoped_by

from .models import RecordCopy
from .services import record_copy

RETRY_BASE_SECONDS = 30


@shared_task(name=record_copy.TASK_NAME, bind=True, **TASK_OPTIONS)
@scoped_by("replies_reply", "reply_id")
def make_record_copy(self, reply_id: int) -> str:
    """The record copy of one signed reply; a failed attempt is retried with backoff (in
    eager mode, without a worker, it stays failed until someone retries it)."""
    copy = record_copy.record_copy_make(reply_id=reply_id)
    if (copy.state == RecordCopy.State.FAILED and not self.request.is_eager
            and self.request.retries < self.max_retries):
        countdown = min(600, RETRY_BASE_SECONDS * 2 ** self.request.retries)
        raise self.retry(countdown=countdown)
    return copy.state


@shared_task(name="replies.retry_record_copies", **TASK_OPTIONS)
def retry_record_copies() -> int:
    """Every ten minutes (celery beat): failed record copies whose backoff has passed.
    Committee by committee (rls/)."""
    return sum(each_committee(record_copy.record_copies_retry_due))
