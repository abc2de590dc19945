"""Page benchmark at province scale on PostgreSQL (issue 8).

    .venv/bin/python bench/bench_pages.py [--runs 30] [--warmup 3] [--proposals 50000]
                                          [--small-proposals 2000] [--no-small]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_scale): creates the
database if missing, migrates it and, if it has no proposals, fills it with
`manage.py seed_scale --proposals 50000` — THE FIRST RUN TAKES SEVERAL MINUTES; later runs
reuse the data. A second, small database (<name>_small, 2,000 proposals, same generator)
gives each page's query count at another data size: the counts must be equal (search:
within proposals/tests/scale_limits.py).

Each page is requested through Django's test Client (force_login as the committee's clerk
or as a handler of the busiest unit), --warmup times unmeasured, then --runs times; prints
p50/p95 in ms, the queries per page and the ratio to a baseline measured in the same run
(the login page GET: middleware, session, template, no data). Target: p95 < 150 ms and query
counts independent of data size; misses are printed as MISS lines. Exits 0 unless a page
fails (status >= 400) or the setup fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_scale"
TARGET_P95_MS = 150.0


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(url: str, proposals: int) -> None:
    """Migrate and seed in a child process (its own settings and connection)."""
    ensure_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True)
    import psycopg

    with psycopg.connect(url) as conn:
        has = conn.execute("SELECT EXISTS (SELECT 1 FROM proposals_proposal)").fetchone()[0]
    if not has:
        print(f"seeding {url.rsplit('/', 1)[-1]} with {proposals:,} proposals "
              "(seed_scale; minutes on first run) ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [py, "manage.py", "seed_scale", "--proposals", str(proposals), "--seed", "1"],
            cwd=ROOT, env=env, check=True,
        )
        print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        # What autovacuum does on a live server after a bulk load: planner statistics and
        # the visibility map (index-only scans). Cheap once the data exists.
        conn.execute("VACUUM ANALYZE")


def measure(url: str, *, runs: int, warmup: int, timed: bool) -> dict[str, tuple]:
    """{page: (p50 ms, p95 ms, queries, status)} for one database, in a child process so
    each database gets a fresh Django."""
    import json

    code = (
        "import json, sys; sys.path.insert(0, %r); "
        "from bench.bench_pages import _measure_here; "
        "print('RESULT ' + json.dumps(_measure_here(%d, %d, %r)))"
    ) % (str(ROOT), runs, warmup, timed)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        out.check_returncode()
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))
    return {k: tuple(v) for k, v in json.loads(line[7:]).items()}


def _measure_here(runs: int, warmup: int, timed: bool) -> dict[str, list]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    # Start as the web server does: config.wsgi sets Django up, then freezes what start-up
    # loaded (config/heap.py), so full garbage collections skip it.
    import config.wsgi  # noqa: F401
    from proposals.tests.scale_pages import scale_pages

    results = {}
    clients: dict[int | None, Client] = {}
    for page in scale_pages():
        key = page.user.pk if page.user is not None else None
        if key not in clients:
            clients[key] = Client()
            if page.user is not None:
                clients[key].force_login(page.user)
        client = clients[key]
        before = page.before or (lambda: None)
        with override_settings(**page.settings):
            for _ in range(max(warmup, 1)):
                before()
                response = client.get(page.url, page.params)
            before()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(page.url, page.params)
            queries = len(ctx.captured_queries)
            times = []
            for _ in range(runs if timed else 0):
                before()  # not timed
                started = time.perf_counter()
                client.get(page.url, page.params)
                times.append((time.perf_counter() - started) * 1000)
        if times:
            times.sort()
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        else:
            p50 = p95 = 0.0
        results[page.name] = [p50, p95, queries, response.status_code]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--small-proposals", type=int, default=2_000)
    parser.add_argument("--no-small", action="store_true",
                        help="skip the small database (query counts at one size only)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    from proposals.tests.scale_limits import VARIES_WITH_HITS

    prepare(url, args.proposals)
    big = measure(url, runs=args.runs, warmup=args.warmup, timed=True)
    small = {}
    if not args.no_small:
        parts = urlsplit(url)
        small_url = parts._replace(path=parts.path + "_small").geturl()
        prepare(small_url, args.small_proposals)
        small = measure(small_url, runs=0, warmup=args.warmup, timed=False)

    base_p50 = big["baseline: login page"][0] or 1.0
    print(f"\nPages at {args.proposals:,} proposals (PostgreSQL, test Client, "
          f"{args.runs} runs after {args.warmup} warm-up)")
    header = f"{'page':<26}{'p50 ms':>9}{'p95 ms':>9}{'x base':>8}{'queries':>9}"
    header += f"{'@small':>8}" if small else ""
    print(header)
    print("-" * len(header))
    misses, failures = [], []
    for name, (p50, p95, queries, status) in big.items():
        line = f"{name:<26}{p50:>9.1f}{p95:>9.1f}{p50 / base_p50:>8.1f}{queries:>9}"
        if small:
            line += f"{small.get(name, (0, 0, '-'))[2]:>8}"
        print(line)
        if status >= 400:
            failures.append(f"{name}: HTTP {status}")
        if p95 >= TARGET_P95_MS:
            misses.append(f"MISS {name}: p95 {p95:.0f} ms >= {TARGET_P95_MS:.0f} ms")
        if small and name in small and abs(small[name][2] - queries) > VARIES_WITH_HITS.get(
            name, 0
        ):
            misses.append(
                f"MISS {name}: {queries} queries at {args.proposals:,} proposals vs "
                f"{small[name][2]} at {args.small_proposals:,} (count grows with data)"
            )
    print()
    for line in misses:
        print("!!! " + line)
    if not misses:
        print(f"all pages p95 < {TARGET_P95_MS:.0f} ms; query counts equal at both sizes")
    for line in failures:
        print("FAILED " + line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
