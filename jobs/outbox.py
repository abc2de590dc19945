"""The transactional outbox: tasks are queued only after the write that asks for them commits,
and are never lost when the broker is down.

`enqueue()` writes an OutboxMessage in the caller's transaction and, after commit, tries to
publish it. If the broker cannot be reached within the short connect timeout (settings:
broker_connection_timeout, broker_transport_options), the row stays unsent and
`flush_outbox()` (a periodic task and a management command) publishes it later. Tasks are
idempotent, so the rare double delivery (published, then the "sent" mark lost) is harmless.
In eager mode (no broker) the task runs in process right after commit.
"""

import logging
import socket

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def _broker_errors() -> tuple[type[BaseException], ...]:
    import kombu.exceptions
    import redis.exceptions

    return (
        kombu.exceptions.OperationalError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        ConnectionError,
        socket.timeout,
        OSError,
    )


_discovered = False


def _app():
    global _discovered
    from celery import current_app as app  # the project's app (config.celery), by proxy

    if not _discovered:
        # The web process runs tasks in eager mode by name: import every app's tasks.py
        # (a worker does this on start-up).
        app.loader.import_default_modules()
        _discovered = True
    return app


def enqueue(task_name: str, **kwargs) -> OutboxMessage:
    """Queue `task_name(**kwargs)` once the current transaction commits (kwargs: JSON only)."""
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: deliver([message.pk]), robust=True)
    return message


def deliver(ids: list[int]) -> int:
    """Publish the unsent messages among `ids`; returns how many went out."""
    app = _app()
    sent = 0
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, sent_at__isnull=True)
            .order_by("pk")
        )
        if not messages:
            return 0
        if app.conf.task_always_eager:
            for message in messages:
                _run_eagerly(app, message)
                sent += 1
            return sent
        errors = _broker_errors()
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(
                    max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2
                )
                for message in messages:
                    app.send_task(
                        message.task_name,
                        kwargs=message.kwargs,
                        connection=connection,
                        retry=False,
                        queue=app.conf.task_default_queue,
                    )
                    message.sent_at = timezone.now()
                    message.attempts += 1
                    message.last_error = ""
                    message.save(update_fields=["sent_at", "attempts", "last_error"])
                    sent += 1
        except errors as exc:
            logger.warning("broker unreachable, %d task(s) kept in the outbox: %s",
                           len(messages) - sent, exc)
            pending = [m.pk for m in messages if m.sent_at is None]
            OutboxMessage.objects.filter(pk__in=pending).update(
                attempts=F("attempts") + 1, last_error=str(exc)[:2000]
            )
    return sent


def _run_eagerly(app, message: OutboxMessage) -> None:
    message.attempts += 1
    message.sent_at = timezone.now()
    try:
        with transaction.atomic():
            app.tasks[message.task_name].apply(kwargs=message.kwargs, throw=True)
        message.last_error = ""
    except Exception as exc:  # the task's own failure; it is not the outbox's to retry
        logger.exception("task %s failed in eager mode", message.task_name)
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    message.save(update_fields=["sent_at", "attempts", "last_error"])


def flush_outbox(*, batch_size: int = 500) -> int:
    """Publish every unsent message, oldest first; returns how many went out."""
    total = 0
    last_pk = 0
    while True:
        ids = list(
            OutboxMessage.objects.filter(sent_at__isnull=True, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return total
        last_pk = ids[-1]
        sent = deliver(ids)
        total += sent
        if sent == 0 and not _app().conf.task_always_eager:
            # The broker is down (or another flush holds these rows): try again later.
            unsent = OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).count()
            if unsent:
                return total
