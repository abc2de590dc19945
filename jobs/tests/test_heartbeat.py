"""Heartbeats, the 已中断 state and the sweep that re-queues jobs whose worker died."""

import datetime as dt
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from jobs.heartbeat import Heartbeat
from jobs.models import Job
from jobs.services import job_run, jobs_requeue_stale
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.JOB_STALE_AFTER = 180
    settings.JOB_MAX_INTERRUPTIONS = 3


def running_job(*, silent_for: dt.timedelta, **fields) -> Job:
    return JobFactory(
        state=Job.State.RUNNING, started_at=NOW - dt.timedelta(hours=1),
        heartbeat_at=NOW - silent_for, progress=11, **fields,
    )


@time_machine.travel(NOW, tick=False)
def test_it_records_a_heartbeat_with_the_jobs_progress():
    job = JobFactory(params={"n": 3})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.heartbeat_at == NOW


@time_machine.travel(NOW, tick=False)
def test_it_shows_a_running_job_not_heard_of_as_interrupted(client):
    job = running_job(silent_for=dt.timedelta(minutes=4))
    client.force_login(job.owner)
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["state_display"] == "已中断" and status["interrupted"] is True
    assert "后台工作进程已停止响应" in status["message"]
    assert "自动重新排队，从头再做一遍（第1次重试，最多2次）" in status["message"]
    assert "已中断" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "已中断" in client.get(reverse("jobs:list")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_it_says_when_an_interrupted_job_will_not_be_tried_again(client):
    job = running_job(silent_for=dt.timedelta(minutes=4), interruptions=2)
    client.force_login(job.owner)
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["state_display"] == "已中断"
    assert "已中断3次，不再自动重试，1分钟内将标记为失败。" in status["message"]


@time_machine.travel(NOW, tick=False)
def test_it_shows_a_job_heard_of_lately_as_running(client):
    job = running_job(silent_for=dt.timedelta(minutes=2))
    client.force_login(job.owner)
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["state_display"] == "进行中" and status["interrupted"] is False


def test_it_reruns_a_job_whose_worker_died_once(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        stale = running_job(silent_for=dt.timedelta(minutes=4), params={"n": 3})
        alive = running_job(silent_for=dt.timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):  # eager: runs on commit
            assert jobs_requeue_stale() == {"requeued": 1, "failed": 0}
    stale.refresh_from_db()
    assert stale.state == Job.State.DONE and stale.interruptions == 1
    assert stale.result.read() == b"14\n"
    alive.refresh_from_db()
    assert alive.state == Job.State.RUNNING and alive.interruptions == 0


@time_machine.travel(NOW, tick=False)
def test_it_queues_the_interrupted_job_again_with_a_note():
    job = running_job(silent_for=dt.timedelta(minutes=4))
    jobs_requeue_stale()  # no commit in this test: the re-queued job waits in the outbox
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.interruptions == 1 and job.progress == 0
    assert job.message == "上次运行中断（后台工作进程停止），已自动重新排队，第1次重试。"
    assert job.heartbeat_at == NOW
    assert jobs_requeue_stale() == {"requeued": 0, "failed": 0}  # not twice


@time_machine.travel(NOW, tick=False)
def test_it_fails_a_job_interrupted_too_often():
    job = running_job(silent_for=dt.timedelta(minutes=4), interruptions=2)
    assert jobs_requeue_stale() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.finished_at == NOW
    assert job.interruptions == 3
    assert job.error.startswith("任务运行中后台工作进程停止，已中断3次，不再自动重试。")


@time_machine.travel(NOW, tick=False)
def test_it_sweeps_a_job_from_before_heartbeats_by_its_start():
    job = JobFactory(state=Job.State.RUNNING, started_at=NOW - dt.timedelta(hours=1))
    assert job.heartbeat_at is None
    assert jobs_requeue_stale()["requeued"] == 1


def test_it_counts_a_redelivered_running_job_as_interrupted():
    """A pool process killed mid-job: the broker hands the message out again at once and the
    job is found running; a job that kills its worker every time stops after three runs."""
    job = JobFactory(state=Job.State.RUNNING, params={"n": 3}, interruptions=1)
    assert job_run(job_id=job.pk) == Job.State.DONE
    job.refresh_from_db()
    assert job.interruptions == 2
    again = JobFactory(state=Job.State.RUNNING, params={"n": 3}, interruptions=2)
    assert job_run(job_id=again.pk) == Job.State.FAILED
    again.refresh_from_db()
    assert again.state == Job.State.FAILED and "已中断3次" in again.error


@pytest.mark.django_db(transaction=True)
def test_it_beats_from_its_own_thread_outside_the_jobs_transaction(require_postgres):
    from django.db import transaction

    old = timezone.now() - dt.timedelta(hours=1)
    job = JobFactory(state=Job.State.RUNNING, heartbeat_at=old)

    def wait_for(condition) -> None:
        deadline = time.monotonic() + 10
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.02)

    # In a transaction, as an import writes every row in one.
    with Heartbeat(Job, job.pk, interval=0.05, threaded=True) as beat, transaction.atomic():
        beat.report(progress=40, message="已写入一半")
        wait_for(lambda: Job.objects.get(pk=job.pk).progress == 40)
        reported = Job.objects.get(pk=job.pk).heartbeat_at
        wait_for(lambda: Job.objects.get(pk=job.pk).heartbeat_at > reported)  # the timer
        transaction.set_rollback(True)  # the job's own writes are undone...
    job.refresh_from_db()  # ...the heartbeat's are not: they were the thread's own
    assert job.progress == 40 and job.message == "已写入一半"
    assert job.heartbeat_at > reported > old
