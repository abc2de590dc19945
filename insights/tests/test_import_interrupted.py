"""A background import whose worker died: shown as 已中断, re-queued, imported once."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from insights import importing
from insights.models import ProposalImport
from proposals.models import Proposal
from proposals.tests.factories import (
    CommitteeRoleFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)

from .helpers import xlsx_bytes

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class Killed(Exception):
    """Stands for the worker dying at this point."""


@pytest.fixture(autouse=True)
def limits(settings):
    settings.JOB_STALE_AFTER = 180
    settings.JOB_MAX_INTERRUPTIONS = 3


@pytest.fixture
def record():
    session = SessionFactory()
    UnitFactory(committee=session.committee, name="连云港市住房和城乡建设局", short_name="市住建局")
    clerk = CommitteeRoleFactory(committee=session.committee, user=UserFactory()).user
    rows = [[n, f"关于第{n}项工作的提案", "王波", "李明", "", "", "", "市住建局"]
            for n in range(1, 6)]
    return importing.import_create(
        session=session, owner=clerk, filename="x.xlsx", data=xlsx_bytes(rows)
    )


def numbers(record) -> list[int]:
    return sorted(Proposal.objects.filter(session=record.session).values_list(
        "number", flat=True))


def test_a_run_killed_after_writing_the_rows_leaves_nothing_and_reruns_once(
    record, monkeypatch
):
    """The rows and the 已导入 state go in one transaction: a worker that dies after the rows
    and before the state leaves no rows, and the re-run imports them (not: fails on its own
    rows as 本届次已有)."""
    real = importing.import_rows

    def rows_then_killed(**kwargs):
        real(**kwargs)
        raise Killed

    ProposalImport.objects.filter(pk=record.pk).update(state=ProposalImport.State.QUEUED)
    monkeypatch.setattr(importing, "import_rows", rows_then_killed)
    with pytest.raises(Killed):
        importing.import_run(record_id=record.pk)
    assert numbers(record) == []

    monkeypatch.setattr(importing, "import_rows", real)
    ProposalImport.objects.filter(pk=record.pk).update(state=ProposalImport.State.QUEUED)
    assert importing.import_run(record_id=record.pk) == ProposalImport.State.DONE
    record.refresh_from_db()
    assert record.imported_count == 5 and numbers(record) == [1, 2, 3, 4, 5]
    assert importing.import_run(record_id=record.pk) == ProposalImport.State.DONE
    assert numbers(record) == [1, 2, 3, 4, 5]


def test_an_import_requeued_while_its_worker_was_only_slow_is_done_once(record, monkeypatch):
    real = importing.import_rows

    def rows_then_requeued_by_the_sweep(**kwargs):
        created = real(**kwargs)
        ProposalImport.objects.filter(pk=record.pk).update(
            state=ProposalImport.State.QUEUED, interruptions=1
        )
        return created

    ProposalImport.objects.filter(pk=record.pk).update(state=ProposalImport.State.QUEUED)
    monkeypatch.setattr(importing, "import_rows", rows_then_requeued_by_the_sweep)
    assert importing.import_run(record_id=record.pk) == ProposalImport.State.DONE
    monkeypatch.setattr(importing, "import_rows", real)
    assert importing.import_run(record_id=record.pk) == ProposalImport.State.DONE  # re-queued
    record.refresh_from_db()
    assert record.imported_count == 5 and numbers(record) == [1, 2, 3, 4, 5]


def test_the_sweep_requeues_an_import_whose_worker_died(
    record, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        ProposalImport.objects.filter(pk=record.pk).update(
            state=ProposalImport.State.RUNNING, heartbeat_at=NOW - dt.timedelta(minutes=5)
        )
        with django_capture_on_commit_callbacks(execute=True):  # eager: runs on commit
            assert importing.imports_requeue_stale() == {"requeued": 1, "failed": 0}
    record.refresh_from_db()
    assert record.state == ProposalImport.State.DONE and record.interruptions == 1
    assert numbers(record) == [1, 2, 3, 4, 5]


@time_machine.travel(NOW, tick=False)
def test_the_page_says_the_import_was_interrupted_and_what_comes_next(record, client):
    ProposalImport.objects.filter(pk=record.pk).update(
        state=ProposalImport.State.RUNNING, heartbeat_at=NOW - dt.timedelta(minutes=5)
    )
    client.force_login(record.owner)
    url = reverse("insights:import_detail", args=[record.pk])
    page = client.get(url).content.decode()
    assert "已中断" in page and "后台工作进程已停止响应" in page
    assert "系统将在1分钟内自动重新排队" in page

    importing.imports_requeue_stale()
    page = client.get(url).content.decode()
    assert "已中断" not in page and "排队中" in page
    assert "上次导入中断（后台工作进程停止），已自动重新排队，第1次重试" in page


@time_machine.travel(NOW, tick=False)
def test_an_import_still_heard_of_is_left_running(record, client):
    ProposalImport.objects.filter(pk=record.pk).update(
        state=ProposalImport.State.RUNNING, heartbeat_at=NOW - dt.timedelta(minutes=2)
    )
    assert importing.imports_requeue_stale() == {"requeued": 0, "failed": 0}
    client.force_login(record.owner)
    page = client.get(reverse("insights:import_detail", args=[record.pk])).content.decode()
    assert "导入中" in page and "已中断" not in page


@time_machine.travel(NOW, tick=False)
def test_an_import_interrupted_three_times_fails_without_rows(record):
    ProposalImport.objects.filter(pk=record.pk).update(
        state=ProposalImport.State.RUNNING, heartbeat_at=NOW - dt.timedelta(minutes=5),
        interruptions=2,
    )
    assert importing.imports_requeue_stale() == {"requeued": 0, "failed": 1}
    record.refresh_from_db()
    assert record.state == ProposalImport.State.FAILED and record.interruptions == 3
    assert record.error.startswith(
        "导入过程中后台工作进程停止，已中断3次，不再自动重试，未写入任何数据。"
    )
    assert numbers(record) == []


def test_a_transient_error_in_a_worker_queues_the_import_for_its_retry(record, monkeypatch):
    """Not an interruption: the task's retry finds it queued, not running."""
    from django.db import OperationalError

    real = importing.import_check

    def database_restarting(**kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr("jobs.heartbeat.in_worker", lambda: True)
    monkeypatch.setattr(importing, "import_check", database_restarting)
    ProposalImport.objects.filter(pk=record.pk).update(state=ProposalImport.State.QUEUED)
    with pytest.raises(OperationalError):
        importing.import_run(record_id=record.pk)
    record.refresh_from_db()
    assert record.state == ProposalImport.State.QUEUED

    monkeypatch.setattr(importing, "import_check", real)
    assert importing.import_run(record_id=record.pk) == ProposalImport.State.DONE
    record.refresh_from_db()
    assert record.interruptions == 0 and numbers(record) == [1, 2, 3, 4, 5]
