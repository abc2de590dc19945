"""Benchmark of the daily deadline scan on PostgreSQL (issue 6).

    .venv/bin/python bench/bench_deadlines.py [--total 150000] [--small 15000]

Uses its own throwaway database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_deadlines; created if missing, emptied on each
run). Prints wall time, queries, notices created, the same scan over the small set, and a
baseline measured in the same run: a plain SELECT count(*) over the same open assignments.
Exits non-zero when the 150k scan takes longer than --target seconds (default 2).
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_deadlines"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# Queue the e-mail task into an in-memory broker: the benchmark measures the scan itself.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ["CELERY_BROKER_URL"] = "memory://"

TODAY = dt.date(2025, 9, 26)  # the Friday before the National Day holiday


def ensure_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=150_000)
    parser.add_argument("--small", type=int, default=15_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--target", type=float, default=2.0)
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from proposals.deadlines import scan_deadlines
    from proposals.models import (
        Assignment,
        Committee,
        Notice,
        Proposal,
        Proposer,
        Session,
        Unit,
    )

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE proposals_notice, proposals_section, proposals_assignment, "
            "proposals_proposal_co_signers, proposals_proposal, proposals_proposer, "
            "proposals_unit, proposals_session, proposals_committee, jobs_outboxmessage "
            "RESTART IDENTITY CASCADE"
        )

    committee = Committee.objects.create(name="基准测试市政协", short_name="市政协")
    session = Session.objects.create(
        committee=committee, name="十四届四次会议", term=14, sitting=4, year=2025
    )
    units = Unit.objects.bulk_create(
        Unit(committee=committee, name=f"基准测试第{i}局", short_name=f"第{i}局")
        for i in range(args.units)
    )
    proposers = Proposer.objects.bulk_create(
        Proposer(committee=committee, name=f"委员{i}") for i in range(1000)
    )
    made = {"proposals": 0}

    def add_assignments(count: int) -> float:
        """`count` open assignments: half lead, half co-handling (two per proposal), due
        dates spread from 20 days ago to 100 days ahead."""
        started = time.perf_counter()
        pairs = count // 2
        first = made["proposals"]
        proposals = Proposal.objects.bulk_create(
            (
                Proposal(
                    session=session,
                    number=first + i + 1,
                    title=f"关于改进第{first + i + 1}项工作的提案",
                    lead_proposer=proposers[i % len(proposers)],
                    status=Proposal.Status.ASSIGNED,
                    assigned_on=dt.date(2025, 6, 1),
                )
                for i in range(pairs)
            ),
            batch_size=5000,
        )
        made["proposals"] += pairs
        rows = []
        for i, proposal in enumerate(proposals):
            due = TODAY + dt.timedelta(days=(first + i) % 121 - 20)
            for role, unit in (
                (Assignment.Role.LEAD, units[i % len(units)]),
                (Assignment.Role.CO, units[(i + 1) % len(units)]),
            ):
                rows.append(
                    Assignment(
                        proposal=proposal, unit=unit, role=role,
                        assigned_on=dt.date(2025, 6, 1), due_on=due,
                    )
                )
        Assignment.objects.bulk_create(rows, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return time.perf_counter() - started

    def scan(today: dt.date) -> tuple[float, int, int]:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = scan_deadlines(today=today)
            elapsed = time.perf_counter() - started
        return elapsed, len(ctx.captured_queries), result.created

    def baseline() -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM proposals_assignment WHERE state IN ('assigned', "
                "'in_progress')"
            )
            cursor.fetchone()
        return time.perf_counter() - started

    build_small = add_assignments(args.small)
    baseline()  # warm the cache like the scan's first read
    small_time, small_queries, small_created = scan(TODAY)
    Notice.objects.all().delete()
    build_rest = add_assignments(args.total - args.small)
    total = Assignment.objects.count()
    count_time = baseline()
    big_time, big_queries, big_created = scan(TODAY)
    again_time, again_queries, again_created = scan(TODAY)
    next_time, next_queries, next_created = scan(TODAY + dt.timedelta(days=3))

    name = connection.settings_dict["NAME"]
    print(f"PostgreSQL {connection.pg_version // 10000}, database {name}")
    print(f"data: {total} open assignments (half co-handling), {args.units} units; "
          f"built in {build_small + build_rest:.1f} s")
    print(f"scan {args.small:>7} assignments: {small_time:6.3f} s, {small_queries:3d} queries, "
          f"{small_created} notices")
    print(f"scan {total:>7} assignments: {big_time:6.3f} s, {big_queries:3d} queries, "
          f"{big_created} notices  (first run of the day)")
    print(f"  same day again:           {again_time:6.3f} s, {again_queries:3d} queries, "
          f"{again_created} notices  (idempotent)")
    print(f"  three days later:         {next_time:6.3f} s, {next_queries:3d} queries, "
          f"{next_created} notices")
    print(f"baseline SELECT count(*) over the same {total} rows: {count_time * 1000:.1f} ms; "
          f"scan/baseline = {big_time / count_time:.0f}x; "
          f"scan {total} / scan {args.small} = {big_time / small_time:.1f}x time, "
          f"{big_queries - small_queries:+d} queries")
    ok = big_time < args.target
    print(f"target < {args.target:.1f} s: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
