"""Heartbeats of running work, and the sweep that re-queues work whose worker died.

A job (Job, insights.ProposalImport) that runs in a worker records `heartbeat_at` with its
progress and, from a small timer thread, at least every JOB_HEARTBEAT_SECONDS. When the
whole worker is killed (SIGKILL, out of memory, the host restarting) the broker would hold
the message until its visibility timeout (an hour or more) and the page would show the job
running for all that time. Instead, a running job whose heartbeat is older than
JOB_STALE_AFTER is shown as 已中断 and re-queued by `requeue_stale` (every minute, celery
beat), at most JOB_MAX_INTERRUPTIONS times in all; then it fails with a reason in Chinese.

Work must be idempotent to be re-queued: an import writes its rows and its 已导入 state in
one transaction (a re-run finds it done, or finds nothing written), an export rebuilds its
file. The broker's own redelivery of the old message later finds the job finished.

The timer writes through its own database connection, so the page sees the heartbeat and
the progress even while the job holds a long transaction (an import writes every row in
one). It runs only in a worker, outside any transaction, on PostgreSQL; in process (eager
tasks, tests, a small import inside the request) progress is written inline as before.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateTimeField, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.db.models import Model

logger = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.JOB_STALE_AFTER)


def last_sign_of_life(obj) -> dt.datetime | None:
    """When the running work was last heard of: its heartbeat, else when it started."""
    return obj.heartbeat_at or getattr(obj, "started_at", None) or obj.created_at


def is_stale(obj, *, now: dt.datetime | None = None) -> bool:
    """Running, and not heard of for longer than JOB_STALE_AFTER: its worker has died."""
    if obj.state != obj.State.RUNNING:
        return False
    seen = last_sign_of_life(obj)
    return seen is not None and seen < (now or timezone.now()) - stale_after()


def interrupted_message(obj) -> str:
    """What the page of an interrupted job says: what happened and what happens next."""
    minutes = max(1, round(settings.JOB_STALE_AFTER / 60))
    happened = _("后台工作进程已停止响应（超过%(m)d分钟没有进度）。") % {"m": minutes}
    if obj.interruptions + 1 >= settings.JOB_MAX_INTERRUPTIONS:
        return happened + _(
            "已中断%(n)d次，不再自动重试，1分钟内将标记为失败。"
        ) % {"n": obj.interruptions + 1}
    return happened + _(
        "系统将在1分钟内自动重新排队，从头再做一遍（第%(n)d次重试，最多%(max)d次），无需重新发起。"
    ) % {"n": obj.interruptions + 1, "max": settings.JOB_MAX_INTERRUPTIONS - 1}


def _stale_running(model, cutoff: dt.datetime):
    fields = ["heartbeat_at"]
    if any(f.name == "started_at" for f in model._meta.get_fields()):
        fields.append("started_at")
    return model.objects.annotate(
        _seen=Coalesce(*fields, "created_at", output_field=DateTimeField())
    ).filter(Q(state=model.State.RUNNING) & Q(_seen__lt=cutoff))


def in_worker() -> bool:
    """True when a Celery worker runs the current task (not eagerly in process)."""
    from celery import current_task

    return bool(current_task) and not current_task.request.is_eager


class Heartbeat:
    """Keeps a running row's `heartbeat_at` fresh and carries its progress to the page.

    `with Heartbeat(Job, job_id) as beat: ... beat.report(progress=40, message="…")`.
    In a worker, a daemon thread writes `heartbeat_at` (and any progress reported since)
    every `interval` seconds, and at once when progress is reported; otherwise `report`
    writes inline. Either way a write touches only a row that is still running.
    """

    def __init__(self, model: type[Model], pk: int, *, interval: float | None = None,
                 threaded: bool | None = None) -> None:
        self.model = model
        self.pk = pk
        self.interval = settings.JOB_HEARTBEAT_SECONDS if interval is None else interval
        if threaded is None:
            # SQLite lets one connection write at a time: a second one would wait for the
            # job's transaction. Development only; PostgreSQL in production.
            threaded = (
                in_worker() and not connection.in_atomic_block and connection.vendor != "sqlite"
            )
        self.threaded = threaded
        self._pending: dict = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _write(self, fields: dict) -> int:
        return self.model.objects.filter(pk=self.pk, state=self.model.State.RUNNING).update(
            heartbeat_at=timezone.now(), **fields
        )

    def report(self, **fields) -> None:
        """Record progress (model fields, e.g. progress=40, message="…") with a heartbeat."""
        if not self.threaded:
            self._write(fields)
            return
        with self._lock:
            self._pending.update(fields)
        self._wake.set()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(self.interval)
                self._wake.clear()
                if self._stop.is_set():
                    break  # the caller writes the final state itself
                with self._lock:
                    fields, self._pending = self._pending, {}
                try:
                    self._write(fields)
                except Exception:  # a lost connection must not end the job; try again later
                    logger.warning("heartbeat of %s %s not recorded", self.model.__name__,
                                   self.pk, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self) -> Heartbeat:
        self._write({})
        if self.threaded:
            self._thread = threading.Thread(
                target=self._run, name=f"heartbeat-{self.model.__name__}-{self.pk}",
                daemon=True,
            )
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=max(10.0, self.interval))
            self._thread = None


def _fields(spec: dict, interruptions: int) -> dict:
    return {k: (v(interruptions) if callable(v) else v) for k, v in spec.items()}


def _fail(model, pk: int, interruptions: int, failed: dict) -> None:
    model.objects.filter(pk=pk).update(
        state=model.State.FAILED, interruptions=interruptions, finished_at=timezone.now(),
        **_fields(failed, interruptions),
    )
    logger.warning("%s %s interrupted %d times: failed", model.__name__, pk, interruptions)


def requeue_stale(model: type[Model], *, task_name: str, kwarg: str, requeued: dict,
                  failed: dict, batch: int = 100) -> dict[str, int]:
    """Re-queue the running rows of `model` whose heartbeat is older than JOB_STALE_AFTER
    (their worker died), counting each in `interruptions`; a row interrupted
    JOB_MAX_INTERRUPTIONS times fails instead. `requeued`/`failed`: the other fields to set
    (values or functions of the count: a message, the error in Chinese). Each row in its
    own transaction, locked and checked again, so two sweeps never re-queue one row twice."""
    from .outbox import enqueue

    now = timezone.now()
    cutoff = now - stale_after()
    counts = {"requeued": 0, "failed": 0}
    ids = list(_stale_running(model, cutoff).order_by("pk").values_list("pk", flat=True)[:batch])
    for pk in ids:
        with transaction.atomic():
            row = (
                _stale_running(model, cutoff)
                .select_for_update(skip_locked=True)
                .filter(pk=pk)
                .first()
            )
            if row is None:  # finished meanwhile, heard of again, or another sweep has it
                continue
            interruptions = row.interruptions + 1
            if interruptions >= settings.JOB_MAX_INTERRUPTIONS:
                _fail(model, pk, interruptions, failed)
                counts["failed"] += 1
                continue
            model.objects.filter(pk=pk).update(
                state=model.State.QUEUED, interruptions=interruptions, heartbeat_at=now,
                **_fields(requeued, interruptions),
            )
            enqueue(task_name, **{kwarg: pk})
            counts["requeued"] += 1
            logger.warning("%s %s interrupted (no heartbeat since %s): re-queued",
                           model.__name__, pk, last_sign_of_life(row))
    return counts


def resume_found_running(model: type[Model], pk: int, *, failed: dict) -> bool:
    """A task that finds its row already running runs the message of a run that died: the
    broker redelivered it (a pool process was killed and `task_reject_on_worker_lost`
    put the message back at once, or the visibility timeout ran out). Counted as an
    interruption, so that a job which kills its worker every time (out of memory) fails
    after JOB_MAX_INTERRUPTIONS runs instead of looping. Returns whether to run it."""
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk, state=model.State.RUNNING).first()
        if row is None:
            return True
        interruptions = row.interruptions + 1
        if interruptions >= settings.JOB_MAX_INTERRUPTIONS:
            _fail(model, pk, interruptions, failed)
            return False
        model.objects.filter(pk=pk).update(
            interruptions=interruptions, heartbeat_at=timezone.now()
        )
        logger.warning("%s %s found running (its run died): run again", model.__name__, pk)
        return True
