"""Row-level security on vs off, same data, same run (issue 19).

    .venv/bin/python bench/bench_rls.py [--proposals 50000] [--committees 20] [--runs 30]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_rls; a superuser):
creates, migrates and fills it with `seed_scale --proposals N --committees C` if empty
(minutes at 50,000), and a plain login role `<database>_app` (no BYPASSRLS, granted as
`migrate` grants the application). Then measures the pages of the first city (as its clerk
and as the busiest unit's handler) and the province page (as the province clerk) twice in
child processes: connected as the superuser, which bypasses row-level security ("off"), and
as the plain role ("on", the committee set per transaction by rls/). Prints p50/p95 and
queries per page for both and the p95 ratio. Targets: on/off within 10 %, province page
p95 < 300 ms (as deployed, the statistics cache on; also measured after a change in one
city and with the cache off); misses are printed, the exit status is non-zero only when a
page fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_rls"
TARGET_RATIO = 1.10
TARGET_PROVINCE_P95_MS = 300.0


def prepare(url: str, proposals: int, committees: int) -> str:
    """Create, migrate and seed the database; returns the app role's URL."""
    import psycopg

    from bench.bench_pages import ensure_database

    ensure_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "MIGRATION_DATABASE_URL": ""}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                   env=env, check=True)
    parts = urlsplit(url)
    role = parts.path.lstrip("/") + "_app"
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT EXISTS (SELECT 1 FROM proposals_proposal)").fetchone()[0]:
            print(f"seeding {proposals:,} proposals over {committees} committees ...",
                  flush=True)
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "manage.py", "seed_scale", "--proposals", str(proposals),
                 "--committees", str(committees), "--seed", "1"],
                cwd=ROOT, env=env, check=True,
            )
            print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
            conn.execute("VACUUM ANALYZE")
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
        from rls.sql import grant_app_role

        with conn.cursor() as cursor:
            grant_app_role(cursor, role)
    netloc = f"{role}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def measure(url: str, runs: int, warmup: int) -> dict[str, list]:
    code = (
        "import json, sys; sys.path.insert(0, %r); "
        "from bench.bench_rls import _measure_here; "
        "print('RESULT ' + json.dumps(_measure_here(%d, %d)))"
    ) % (str(ROOT), runs, warmup)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        out.check_returncode()
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[7:])


def _measure_here(runs: int, warmup: int) -> dict[str, list]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    import config.wsgi  # noqa: F401  (as the web server starts)
    from proposals.models import Committee, CommitteeRole
    from proposals.tests.scale_pages import Page, scale_pages
    from rls.scope import committee_scope

    with connection.cursor() as cursor:  # the committees are outside the wall
        cursor.execute(
            "SELECT id, parent_id FROM proposals_committee WHERE parent_id IS NOT NULL "
            "ORDER BY id LIMIT 1"
        )
        city_id, province_id = cursor.fetchone()
    # Picking the pages reads data: as the city (the plain role sees nothing otherwise).
    with committee_scope(city_id):
        pages = [(page, city_id, False) for page in scale_pages(city_id)]
    with committee_scope(province_id, reads_descendants=True):
        reader = CommitteeRole.objects.get(committee_id=province_id, reads_descendants=True)
    province = reverse("insights:province")
    busy_unit = next(p for p in pages if p[0].name == "dashboard (after a change)")[0].before
    pages += [
        # As deployed (STATS_CACHE_SECONDS=600): each committee's figures from the cache
        # while nothing changes; after a change in one city, that city's are recomputed.
        (Page("province page", reader.user, province, {}, {"STATS_CACHE_SECONDS": 600}),
         province_id, True),
        (Page("province (after a change)", reader.user, province, {},
              {"STATS_CACHE_SECONDS": 600}, before=busy_unit), province_id, True),
        # With the cache off: every committee's figures computed afresh.
        (Page("province (no cache)", reader.user, province, {}, {"STATS_CACHE_SECONDS": 0}),
         province_id, True),
    ]
    assert Committee.objects.filter(parent_id=province_id).exists()

    results, clients = {}, {}
    for page, scope_id, descendants in pages:
        key = page.user.pk if page.user is not None else None
        if key not in clients:
            clients[key] = Client()
            if page.user is not None:
                clients[key].force_login(page.user)
        client = clients[key]

        def before(page=page, scope_id=scope_id, descendants=descendants):
            if page.before:
                # A change is made by the city's own people (a province writes nothing).
                with committee_scope(city_id if descendants else scope_id):
                    page.before()

        with override_settings(**page.settings):
            for _ in range(max(warmup, 1)):
                before()
                response = client.get(page.url, page.params)
            before()
            queries = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)  # the set_config of rls/ goes around this: not counted
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                response = client.get(page.url, page.params)
            times = []
            for _ in range(runs):
                before()
                started = time.perf_counter()
                client.get(page.url, page.params)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results[page.name] = [statistics.median(times), p95, len(queries),
                              response.status_code, len(response.content)]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--committees", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    app_url = prepare(url, args.proposals, args.committees)
    off = measure(url, args.runs, args.warmup)
    on = measure(app_url, args.runs, args.warmup)

    print(f"\nRLS off (superuser) vs on (plain role) at {args.proposals:,} proposals over "
          f"{args.committees} committees; {args.runs} runs after {args.warmup} warm-up")
    header = (f"{'page':<28}{'off p50':>9}{'off p95':>9}{'on p50':>9}{'on p95':>9}"
              f"{'p95 on/off':>11}{'queries':>9}")
    print(header)
    print("-" * len(header))
    misses, failures = [], []
    for name, (p50, p95, queries, status, size) in off.items():
        on50, on95, on_queries, on_status, on_size = on[name]
        ratio = on95 / p95 if p95 else 0.0
        print(f"{name:<28}{p50:>9.1f}{p95:>9.1f}{on50:>9.1f}{on95:>9.1f}{ratio:>11.2f}"
              f"{f'{queries}/{on_queries}':>9}")
        if status >= 400 or on_status >= 400:
            failures.append(f"{name}: HTTP {status} off, {on_status} on")
        if status == on_status == 200 and abs(size - on_size) > 200:
            failures.append(f"{name}: {size} bytes off, {on_size} on (different pages)")
        if ratio > TARGET_RATIO:
            misses.append(f"MISS {name}: p95 with RLS {ratio:.2f}x without")
    province_p95 = on["province page"][1]
    if province_p95 >= TARGET_PROVINCE_P95_MS:
        misses.append(f"MISS province page: p95 {province_p95:.0f} ms")
    print()
    for line in misses:
        print("!!! " + line)
    for line in failures:
        print("FAILED " + line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
