import time

import pytest
import redis
from django.core.management import call_command
from django.db import transaction

from jobs.models import Job, OutboxMessage
from jobs.outbox import enqueue, flush_outbox
from jobs.services import job_create
from proposals.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:1/0"


def test_it_runs_the_task_in_process_after_commit_in_eager_mode(
    celery_app, django_capture_on_commit_callbacks
):
    celery_app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind=Job.SELFTEST, owner=UserFactory(), params={"n": 3})
        job.refresh_from_db()
        assert job.state == Job.State.QUEUED  # nothing runs before the commit

    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.result.read() == b"14\n"  # 0 + 1 + 4 + 9
    assert OutboxMessage.objects.get().sent_at is not None


def test_it_writes_nothing_when_the_business_write_rolls_back(celery_app):
    celery_app.conf.task_always_eager = True
    with pytest.raises(RuntimeError), transaction.atomic():
        job_create(kind=Job.SELFTEST, owner=UserFactory())
        raise RuntimeError("the save fails")
    assert not Job.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_it_keeps_the_message_when_the_broker_is_down(
    celery_app, test_queue, django_capture_on_commit_callbacks
):
    celery_app.conf.update(broker_url=DEAD_BROKER, task_always_eager=False)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind=Job.SELFTEST, owner=UserFactory())
    elapsed = time.monotonic() - started

    assert Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).exists()  # the save stands
    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "127.0.0.1:1" in message.last_error or "refused" in message.last_error.lower()
    assert elapsed < 3, f"a dead broker held the request for {elapsed:.1f} s"

    assert flush_outbox() == 0  # still down: still kept
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 2


def test_it_delivers_kept_messages_once_the_broker_is_back(
    require_redis, celery_app, test_queue, django_capture_on_commit_callbacks
):
    celery_app.conf.update(broker_url=DEAD_BROKER, task_always_eager=False)
    with django_capture_on_commit_callbacks(execute=True):
        job_create(kind=Job.SELFTEST, owner=UserFactory())
        enqueue("proposals.notices_email")
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2

    celery_app.conf.broker_url = require_redis
    client = redis.Redis.from_url(require_redis)
    try:
        call_command("flush_outbox")
        assert client.llen(test_queue) == 2
        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
        assert flush_outbox() == 0  # nothing is sent twice
        assert client.llen(test_queue) == 2
    finally:
        client.delete(test_queue)


def test_it_publishes_right_after_commit_when_the_broker_is_up(
    require_redis, celery_app, test_queue, django_capture_on_commit_callbacks
):
    celery_app.conf.update(broker_url=require_redis, task_always_eager=False)
    client = redis.Redis.from_url(require_redis)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job_create(kind=Job.SELFTEST, owner=UserFactory())
        assert client.llen(test_queue) == 1
        assert OutboxMessage.objects.get().sent_at is not None
    finally:
        client.delete(test_queue)
