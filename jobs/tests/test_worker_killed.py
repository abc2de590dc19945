"""A real `celery worker` SIGKILLed in the middle of an import and a job: a second worker,
after the stale sweep, finishes each exactly once (the broker alone would have held the
messages for its visibility timeout, two hours)."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from insights import importing
from insights.models import ProposalImport
from insights.tests.helpers import xlsx_bytes
from jobs.models import Job
from jobs.services import job_create
from proposals.models import Proposal
from proposals.tests.factories import CommitteeRoleFactory, SessionFactory, UnitFactory

ROWS = 3000
STALE_AFTER = 3  # seconds, for both workers and this process
DEADLINE = 55  # seconds for the whole test


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    name = connection.settings_dict["NAME"]  # the test database, which the worker must use
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _own_redis_db(url: str) -> str:
    """The same Redis server, database 14: the worker test's own, apart from the app's."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/14"))


class Workers:
    """`celery worker` processes, each in its own process group, killed with it."""

    def __init__(self, env: dict, queue: str, log_dir: Path) -> None:
        self.env, self.queue, self.log_dir = env, queue, log_dir
        self.procs: list[subprocess.Popen] = []

    def start(self, **extra_env) -> subprocess.Popen:
        log = self.log_dir / f"worker{len(self.procs) + 1}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
            "--concurrency=2", "-Q", self.queue, "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]
        with log.open("w") as out:
            proc = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env={**self.env, **extra_env}, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL to the worker and its pool processes, as a host or OOM kill does."""
        if proc.poll() is not None:  # killed before: its group id may be reused since
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def kill_all(self) -> None:
        for proc in self.procs:
            self.kill(proc)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()}" for path in sorted(self.log_dir.glob("*.log"))
        )


def _forget_queue(url: str, queue: str) -> None:
    """Remove our queue and the killed worker's unacknowledged messages from Redis."""
    import redis

    client = redis.Redis.from_url(url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag, raw in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(raw)[2]
        except (ValueError, IndexError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.fixture
def workers(require_postgres, require_redis, celery_app, tmp_path, settings):
    broker = _own_redis_db(require_redis)
    queue = f"test-killed-{uuid.uuid4().hex[:12]}"
    celery_app.conf.update(broker_url=broker, task_always_eager=False, task_default_queue=queue)
    settings.JOB_STALE_AFTER = STALE_AFTER
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": require_redis,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "JOB_HEARTBEAT_SECONDS": "0.5",
        "JOB_STALE_AFTER": str(STALE_AFTER),
    }
    pool = Workers(env, queue, tmp_path)
    yield pool
    pool.kill_all()
    _forget_queue(broker, queue)


def _wait(what: str, condition, deadline: float, workers: Workers) -> None:
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting until {what}; the workers' logs:\n{workers.logs()}")


@pytest.mark.django_db(transaction=True)
def test_it_finishes_a_killed_workers_import_and_job_exactly_once(workers, client):
    deadline = time.monotonic() + DEADLINE
    session = SessionFactory()
    UnitFactory(committee=session.committee, name="连云港市住房和城乡建设局", short_name="市住建局")
    clerk = CommitteeRoleFactory(committee=session.committee).user
    rows = [
        [n, f"关于第{n}项工作的提案", f"委员{n % 300}", "李明、张华", "经济界", "民进",
         f"内容{n}", "市住建局"]
        for n in range(1, ROWS + 1)
    ]
    record = importing.import_create(
        session=session, owner=clerk, filename="big.xlsx", data=xlsx_bytes(rows)
    )
    assert record.problems == [] and record.row_count > importing.BACKGROUND_ROWS

    first = workers.start()
    importing.import_confirm(record=record, actor=clerk)  # queued for the worker
    job = job_create(kind=Job.SELFTEST, owner=clerk, params={"n": 10, "seconds": 30})

    def both_running_and_beating() -> bool:
        record.refresh_from_db()
        job.refresh_from_db()
        # The import's 10% comes from the worker's heartbeat thread once the check is done
        # and the rows are being written (they take seconds at this size).
        return (
            record.state == ProposalImport.State.RUNNING and record.progress >= 10
            and job.state == Job.State.RUNNING and job.progress >= 50
            and record.heartbeat_at is not None and job.heartbeat_at is not None
        )

    _wait("the import and the job run", both_running_and_beating, deadline, workers)
    workers.kill(first)

    record.refresh_from_db()
    assert record.state == ProposalImport.State.RUNNING and record.interruptions == 0, (
        "the import finished before the kill; import more rows")
    assert not Proposal.objects.filter(session=session).exists()  # one transaction: nothing

    def silent_for_stale_after() -> bool:
        record.refresh_from_db()
        job.refresh_from_db()
        return record.is_interrupted and job.is_interrupted

    _wait("the killed worker's work is stale", silent_for_stale_after, deadline, workers)
    client.force_login(clerk)
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["state_display"] == "已中断" and "自动重新排队" in status["message"]
    page = client.get(reverse("insights:import_detail", args=[record.pk])).content.decode()
    assert "已中断" in page and "自动重新排队" in page

    workers.start()
    from config.celery import app

    for task in ("jobs.sweep_stale", "insights.sweep_stale_imports"):
        app.send_task(task, queue=workers.queue)

    def both_finished() -> bool:
        record.refresh_from_db()
        job.refresh_from_db()
        return record.is_finished and job.is_finished

    _wait("the second worker finishes both", both_finished, deadline, workers)

    assert record.state == ProposalImport.State.DONE, record.error
    assert record.imported_count == ROWS and record.interruptions == 1
    numbers = list(Proposal.objects.filter(session=session).values_list("number", flat=True))
    assert len(numbers) == ROWS and sorted(numbers) == list(range(1, ROWS + 1))
    assert job.state == Job.State.DONE and job.interruptions == 1, job.error
    assert job.result.read() == f"{sum(i * i for i in range(11))}\n".encode()
