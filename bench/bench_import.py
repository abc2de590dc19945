"""Benchmark: import 1,000 proposals from an .xlsx (target: under 5 s).

Usage:  .venv/bin/python bench/bench_import.py [--rows 1000]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python ...

Uses its own database (a fresh SQLite file in /tmp by default). Prints the time of the
dry run (read + check every row), of the import (read + check + write in one transaction,
through proposals.services.proposal_register with history rows), and a baseline measured
in the same run: openpyxl alone reading the same file.
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
SQLITE = "/tmp/bench_import.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SQLITE}")


def build_file(rows: int, unit_names: list[str]) -> bytes:
    from openpyxl import Workbook

    from insights.importing import HEADERS

    rng = random.Random(7)
    people = [f"委员{i:03d}" for i in range(300)]
    topics = ["老旧小区加装电梯", "中小学课后服务", "农村生活污水治理", "城市停车难", "养老服务",
              "营商环境", "新能源汽车充电桩", "食品安全监管", "海洋生态保护", "职业教育"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("提案")
    sheet.append(HEADERS)
    for i in range(rows):
        topic = rng.choice(topics)
        sheet.append([
            i + 1,
            f"关于进一步做好{topic}工作的建议（{i + 1}）",
            rng.choice(people),
            "、".join(rng.sample(people, 2)),
            "经济界",
            "民进",
            (f"当前我市{topic}工作取得一定成效，但仍存在短板。" * 12)[:500],
            "、".join(rng.sample(unit_names, 2)),
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist yet."""
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()

    if os.environ["DATABASE_URL"] == f"sqlite:///{SQLITE}" and os.path.exists(SQLITE):
        os.remove(SQLITE)
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)

    from openpyxl import load_workbook

    from insights import importing
    from proposals.models import Committee, Proposal, Session, Unit

    committee = Committee.objects.create(name="基准市政协", short_name="市政协")
    session = Session.objects.create(committee=committee, name="十四届四次会议", term=14,
                                     sitting=4, year=2025)
    names = [f"基准市第{i}局" for i in range(40)]
    Unit.objects.bulk_create(Unit(committee=committee, name=n, short_name=n[3:]) for n in names)
    data = build_file(args.rows, names)

    started = time.perf_counter()
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    check = importing.import_check(session=session, data=data)
    dry_run = time.perf_counter() - started
    assert check.ok, check.problems[:5]

    started = time.perf_counter()
    check = importing.import_check(session=session, data=data)
    importing.import_rows(session=session, rows=check.rows, actor=None)
    total = time.perf_counter() - started
    assert Proposal.objects.filter(session=session).count() == args.rows

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"database: {connection.vendor}; rows: {args.rows} (+ header, {count} read)")
    print(f"baseline  openpyxl read only:          {baseline:7.3f} s")
    print(f"dry run   read + check every row:      {dry_run:7.3f} s  "
          f"({dry_run / baseline:.1f}x baseline)")
    print(f"import    read + check + write (1 tx): {total:7.3f} s  "
          f"({total / baseline:.1f}x baseline)  target < 5 s: "
          f"{'OK' if total < 5 else 'MISSED'}")


if __name__ == "__main__":
    main()
