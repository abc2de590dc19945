"""A real round trip: queue → Redis → a `celery worker` process → result in PostgreSQL."""

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from jobs.models import Job
from jobs.services import job_create
from proposals.tests.factories import AssignmentFactory, CommitteeRoleFactory, UserFactory
from replies.compilation import session_compilation_start


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(jobs: list[Job], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = Job.objects.filter(pk__in=[j.pk for j in jobs]).values_list("state", flat=True)
        states = set(rows)
        if states <= {Job.State.DONE, Job.State.FAILED}:
            return
        time.sleep(0.5)
    pytest.fail(f"the worker did not finish within {timeout} s; its log:\n{log.read_text()}")


@pytest.mark.django_db(transaction=True)
def test_it_runs_jobs_on_a_real_worker(
    require_postgres, require_redis, celery_app, test_queue, tmp_path
):
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": require_redis,
        "CELERY_BROKER_URL": require_redis,
        "CELERY_TASK_DEFAULT_QUEUE": test_queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
        "-c", "1", "-Q", test_queue, "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]
    with log.open("w") as out:
        worker = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        celery_app.conf.update(broker_url=require_redis, task_always_eager=False)
        selftest = job_create(kind=Job.SELFTEST, owner=UserFactory(), params={"n": 100})
        assignment = AssignmentFactory()
        clerk = CommitteeRoleFactory(committee=assignment.proposal.session.committee).user
        compilation = session_compilation_start(session=assignment.proposal.session, actor=clerk)

        _wait_for([selftest, compilation], 60, log)
    finally:
        worker.terminate()
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(5)

    selftest.refresh_from_db()
    assert selftest.state == Job.State.DONE, selftest.error
    assert selftest.result.read() == f"{sum(i * i for i in range(101))}\n".encode()
    compilation.refresh_from_db()
    assert compilation.state == Job.State.DONE, compilation.error
    with zipfile.ZipFile(io.BytesIO(compilation.result.read())) as archive:
        assert "index.xlsx" in archive.namelist()
    assert "jobs.run" in log.read_text()
