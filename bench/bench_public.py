"""The public site of 公开答复 (/gongkai/, issue 21): cache on vs off, same data, same run.

    .venv/bin/python bench/bench_public.py [--proposals 50000] [--committees 20] [--runs 50]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_public; a superuser):
creates, migrates and fills it with `seed_scale` as bench/bench_rls.py does (minutes at
50,000), then publishes every sent reply marked 此件公开发布 of the seed (title and text
redacted by replies.redaction as the service does; no .docx is rendered, a placeholder name
stands in: the pages never read the file). Measured as the plain login role, row-level
security on, the committee taken from the URL as deployed: the index, the busiest city's
list (first page; a session and a later page), a search, and 20 reply pages in turn;
p50/p95 over --runs requests after warm-up, with PUBLIC_CACHE_SECONDS=600 (as deployed)
and 0 (off) in two child processes, and the ratio. Django's cache here is the local-memory
one (no REDIS_URL passed; with Redis add a network round trip, ~0.2 ms). Target: p95 < 50 ms
cached; a miss is printed, the exit status is non-zero only when a page fails.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_public"
TARGET_CACHED_P95_MS = 50.0
ENV = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "MIGRATION_DATABASE_URL": "",
       "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}


def _child(url: str, code: str, extra: dict[str, str] | None = None) -> dict:
    env = {**os.environ, **ENV, "DATABASE_URL": url, **(extra or {})}
    env.pop("REDIS_URL", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        out.check_returncode()
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[7:])


def publish_seed(url: str) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); import django; "
            "django.setup(); from bench.bench_public import _publish_here; "
            "print('RESULT ' + json.dumps(_publish_here()))")
    return _child(url, code)


def _publish_here() -> dict:
    """As the database owner (no wall): a published publication for every sent reply in
    force marked public that has none, redacted as replies.services.publication does."""
    import datetime as dt

    from replies.models import Publication, ReplyParagraph
    from replies.redaction import Known, redact
    from replies.services.publication import publication_due_on, publishable_replies

    existing = Publication.objects.count()
    if existing:
        return {"publications": existing, "made": 0}
    started = time.perf_counter()
    made = 0
    replies = publishable_replies().only("pk", "title", "addressee", "contact_name",
                                         "contact_phone", "sent_at")
    batch = []
    ids = list(replies.values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        chunk = {r.pk: r for r in replies.filter(pk__in=ids[start:start + 2000])}
        texts: dict[int, list[str]] = {pk: [] for pk in chunk}
        for reply_id, text in (ReplyParagraph.objects.filter(reply_id__in=chunk)
                               .order_by("reply_id", "order").values_list("reply_id", "text")):
            texts[reply_id].append(text)
        for pk, reply in chunk.items():
            known = Known(contact_names=(reply.contact_name,), phones=(reply.contact_phone,))
            lines = [f"{reply.addressee}：", *texts[pk]]
            batch.append(Publication(
                reply_id=pk, state="published", mode="full",
                title=redact(reply.title, known).text,
                text="\n".join(redact(line, known).text for line in lines),
                public_file=f"public/bench/{pk}.docx", public_sha256="0" * 64,
                due_on=publication_due_on(reply),
                published_at=reply.sent_at + dt.timedelta(days=5),
            ))
        Publication.objects.bulk_create(batch, batch_size=1000)
        made += len(batch)
        batch = []
    return {"publications": made, "made": made, "seconds": time.perf_counter() - started}


def measure(url: str, runs: int, warmup: int, cache_seconds: int) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
            "from bench.bench_public import _measure_here; "
            f"print('RESULT ' + json.dumps(_measure_here({runs}, {warmup})))")
    return _child(url, code, {"PUBLIC_CACHE_SECONDS": str(cache_seconds)})


def _measure_here(runs: int, warmup: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    import config.wsgi  # noqa: F401  (as the web server starts)
    from replies.models import Publication
    from rls.scope import committee_scope

    with connection.cursor() as cursor:  # the committees are outside the wall
        cursor.execute("SELECT id FROM proposals_committee WHERE parent_id IS NOT NULL "
                       "ORDER BY id LIMIT 1")
        city_id = cursor.fetchone()[0]
    with committee_scope(city_id):  # picking the pages reads data: as the city
        published = Publication.objects.filter(state="published")
        count = published.count()
        ids = list(published.order_by("-published_at").values_list("pk", flat=True)[:20])
        session_id = published.values_list("reply__proposal__session_id", flat=True).first()
        word = published.values_list("title", flat=True).first()[-6:-3]  # e.g. 号提案
    committee = reverse("gongkai:committee", args=[city_id])
    pages = [
        ("index", [(reverse("gongkai:index"), {})]),
        ("list, first page", [(committee, {})]),
        ("list, session, page 3", [(committee, {"session": session_id, "page": 3})]),
        ("search", [(committee, {"q": word})]),
        ("search, two terms", [(committee, {"q": f"{word} 工作"})]),
        ("reply page (20 in turn)",
         [(reverse("gongkai:detail", args=[city_id, pk]), {}) for pk in ids]),
    ]
    client = Client()
    results = {"_published": count, "_word": word}
    for name, urls in pages:
        statuses = set()
        for _ in range(max(warmup, 1)):
            for url, params in urls:
                statuses.add(client.get(url, params).status_code)
        times = []
        for i in range(runs):
            url, params = urls[i % len(urls)]
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results[name] = [statistics.median(times), p95, max(statuses)]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--committees", type=int, default=20)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    from bench.bench_rls import prepare

    app_url = prepare(url, args.proposals, args.committees)
    made = publish_seed(url)
    print(f"publications: {made}", flush=True)
    off = measure(app_url, args.runs, args.warmup, 0)
    on = measure(app_url, args.runs, args.warmup, 600)
    print(f"\n/gongkai/ at {args.proposals:,} proposals over {args.committees} committees "
          f"({on['_published']:,} published in the measured city; search for "
          f"“{on['_word']}”); {args.runs} runs after {args.warmup} warm-up; RLS on")
    header = (f"{'page':<26}{'off p50':>9}{'off p95':>9}{'cached p50':>12}{'cached p95':>12}"
              f"{'p95 off/cached':>16}")
    print(header)
    print("-" * len(header))
    misses, failures = [], []
    for name, row in off.items():
        if name.startswith("_"):
            continue
        p50, p95, status = row
        c50, c95, c_status = on[name]
        print(f"{name:<26}{p50:>9.1f}{p95:>9.1f}{c50:>12.1f}{c95:>12.1f}"
              f"{(p95 / c95 if c95 else 0):>16.1f}")
        if status >= 400 or c_status >= 400:
            failures.append(f"{name}: HTTP {status} off, {c_status} cached")
        if c95 >= TARGET_CACHED_P95_MS:
            misses.append(f"MISS {name}: cached p95 {c95:.1f} ms")
    print()
    for line in misses:
        print("!!! " + line)
    for line in failures:
        print("FAILED " + line, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
