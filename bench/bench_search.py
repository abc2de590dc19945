"""Benchmark: Chinese search over 50,000 proposals on PostgreSQL (target: p95 < 200 ms).

Usage:  .venv/bin/python bench/bench_search.py [--proposals 50000] [--queries 50]
        (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/bench_search; the
        database is created if missing and the data generated once, then reused.)

Prints p50/p95 of insights.search.search() (proposals + sections + replies, as the search
page runs it) for a committee clerk, who sees everything, and for a unit handler (scoped
through the assignment table); of the proposal search alone; and, as the baseline measured
in the same run, an exact 提案号 lookup through the ORM. The data also holds 20,000
assignments, 10,000 sections and 10,000 sent replies with 40,000 paragraphs.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_search")

TOPICS = [
    "老旧小区加装电梯", "停车难", "养老服务", "中小学课后服务", "农村生活污水治理", "营商环境",
    "新能源汽车充电桩", "食品安全监管", "海洋生态保护", "职业教育", "学生近视防控", "垃圾分类",
    "智慧交通", "医疗资源下沉", "乡村振兴", "非物质文化遗产", "民营企业融资", "人才引进",
    "住房保障", "公共文化服务", "社区治理", "网约车监管", "河长制", "港口物流", "数字经济",
    "托育服务", "残疾人就业", "农产品品牌", "历史文化街区", "电动自行车管理",
]
GENERIC = [
    "当前我市相关工作取得积极成效", "但仍存在一些短板和不足", "群众反映较为强烈",
    "建议进一步完善政策措施", "加大财政资金投入力度", "强化部门协同配合", "建立长效管理机制",
    "加强督促检查和考核评价", "充分发挥社会力量作用", "做好宣传引导工作",
    "推动工作落地见效", "借鉴先进地区经验做法", "统筹规划分步实施", "提升服务质量和水平",
]


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def text(rng: random.Random, topic: str, sentences: int) -> str:
    parts = []
    for _ in range(sentences):
        if rng.random() < 0.35:
            parts.append(f"关于{rng.choice([topic, rng.choice(TOPICS)])}问题")
        parts.append(rng.choice(GENERIC))
    return "，".join(parts) + "。"


def generate(n: int) -> None:
    from django.db import connection, transaction

    from proposals.models import (
        Assignment,
        Committee,
        CommitteeRole,
        Membership,
        Proposal,
        Proposer,
        Section,
        Session,
        Unit,
    )
    from replies.models import Reply, ReplyParagraph
    from replies.signing import unit_signing_key_create

    rng = random.Random(2025)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    with transaction.atomic():
        committee = Committee.objects.create(name="基准市政协", short_name="市政协")
        sessions = [
            Session.objects.create(committee=committee, name=f"十四届{i}次会议", term=14,
                                   sitting=i, year=2021 + i)
            for i in range(1, 6)
        ]
        units = Unit.objects.bulk_create(
            Unit(committee=committee, name=f"基准市第{i}局", short_name=f"第{i}局",
                 doc_prefix=f"基{i}复")
            for i in range(60)
        )
        proposers = Proposer.objects.bulk_create(
            Proposer(committee=committee, name=f"委员{i:04d}") for i in range(1500)
        )
        clerk = User.objects.create_user("bench-clerk")
        CommitteeRole.objects.create(user=clerk, committee=committee, role="clerk")
        handler = User.objects.create_user("bench-handler")
        Membership.objects.create(user=handler, unit=units[0], role="handler")
    keys = {u.pk: unit_signing_key_create(unit=u) for u in units}
    print(f"generating {n} proposals …", flush=True)
    per_session = n // len(sessions)
    number = 0
    for session in sessions:
        batch = []
        for i in range(per_session):
            number += 1
            topic = rng.choice(TOPICS)
            batch.append(Proposal(
                session=session, number=i + 1, title=f"关于进一步做好{topic}工作的建议",
                content=text(rng, topic, rng.randint(12, 30)),
                suggestions=text(rng, topic, 4), lead_proposer=rng.choice(proposers),
                status="in_progress",
            ))
        with transaction.atomic():
            Proposal.objects.bulk_create(batch, batch_size=2000)
        print(f"  {session.name}: {len(batch)}", flush=True)
    proposals = list(Proposal.objects.order_by("pk").values_list("pk", flat=True))
    assignments = []
    for pk in proposals[:: 5]:  # every fifth proposal handed out, with a co unit
        lead, co = rng.sample(units, 2)
        assignments.append(Assignment(proposal_id=pk, unit=lead, role="lead",
                                      assigned_on="2025-03-20", due_on="2025-06-20"))
        assignments.append(Assignment(proposal_id=pk, unit=co, role="co",
                                      assigned_on="2025-03-20", due_on="2025-04-20"))
    with transaction.atomic():
        assignments = Assignment.objects.bulk_create(assignments, batch_size=2000)
        Section.objects.bulk_create(
            (Section(assignment=a, heading=f"关于{rng.choice(TOPICS)}的办理意见",
                     paragraphs=[text(rng, rng.choice(TOPICS), 5) for _ in range(3)],
                     state="submitted")
             for a in assignments if a.role == "co"),
            batch_size=2000,
        )
        replies = Reply.objects.bulk_create(
            (Reply(proposal_id=a.proposal_id, assignment=a, unit=a.unit, state="sent",
                   title="答复", addressee="委员", category="A", doc_year=2025, doc_seq=k + 1,
                   signed_on="2025-06-01", signature=b"x", signing_key=keys[a.unit_id],
                   sha256=f"{k:064x}", signed_file=f"replies/bench/{k}.docx")
             for k, a in enumerate(x for x in assignments if x.role == "lead")),
            batch_size=2000,
        )
        ReplyParagraph.objects.bulk_create(
            (ReplyParagraph(reply=r, order=j + 1, text=text(rng, rng.choice(TOPICS), 4),
                            source_unit_id=r.unit_id)
             for r in replies for j in range(4)),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from config.heap import freeze_startup_objects

    freeze_startup_objects()  # as a web process does after start-up (config/wsgi.py)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from insights.search import parse_query, search, search_proposals
    from proposals.models import Proposal, Session

    assert connection.vendor == "postgresql", "this benchmark is for PostgreSQL"
    call_command("migrate", verbosity=0)
    if Proposal.objects.count() < args.proposals:
        call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        generate(args.proposals)
        print(f"data generated in {time.perf_counter() - started:.0f} s")

    User = get_user_model()
    clerk = User.objects.get(username="bench-clerk")
    handler = User.objects.get(username="bench-handler")
    rng = random.Random(7)
    queries = []
    for i in range(args.queries):
        topic = rng.choice(TOPICS)
        kind = i % 5
        if kind == 0:
            queries.append(topic)  # a whole topic phrase
        elif kind == 1:
            queries.append(topic[:2])  # two characters: the hardest case for an index
        elif kind == 2:
            queries.append(f"{topic[:3]} {rng.choice(TOPICS)[:2]}")  # two terms
        elif kind == 3:
            queries.append(topic[1:4])
        else:
            queries.append(rng.choice(["长效管理机制", "财政资金", "宣传引导", "先进地区经验"]))
    sessions = list(Session.objects.all())
    numbers = [(rng.choice(sessions), rng.randint(1, args.proposals // len(sessions)))
               for _ in range(args.queries)]

    def timed(fn, items) -> list[float]:
        fn(items[0])  # warm up
        times = []
        for item in items:
            started = time.perf_counter()
            fn(item)
            times.append((time.perf_counter() - started) * 1000)
        return times

    total = Proposal.objects.count()
    baseline = timed(lambda x: Proposal.objects.get(session=x[0], number=x[1]), numbers)
    as_clerk = timed(lambda q: search(clerk, q), queries)
    as_unit = timed(lambda q: search(handler, q), queries)
    only_proposals = timed(lambda q: search_proposals(clerk, parse_query(q)), queries)
    counts = [len(search(clerk, q).proposals) for q in queries[:5]]

    def line(name, values):
        return (f"{name:<42} p50 {statistics.median(values):7.1f} ms   "
                f"p95 {percentile(values, 0.95):7.1f} ms   max {max(values):7.1f} ms")

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"PostgreSQL, {total} proposals; {len(queries)} queries, e.g. {queries[:5]} "
          f"(first hits: {counts})")
    print(line("baseline: exact 提案号 lookup (ORM)", baseline))
    print(line("search() as committee clerk (sees all)", as_clerk))
    print(line("search() as unit handler (scoped)", as_unit))
    print(line("proposals only, as committee clerk", only_proposals))
    for name, values in (("full search, clerk", as_clerk), ("full search, unit", as_unit),
                         ("proposals only", only_proposals)):
        p95 = percentile(values, 0.95)
        print(f"{name}: p95 / baseline p95 = {p95 / percentile(baseline, 0.95):.0f}x; "
              f"target p95 < 200 ms: {'OK' if p95 < 200 else 'MISSED'}")


if __name__ == "__main__":
    main()
