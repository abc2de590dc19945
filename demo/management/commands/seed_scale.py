"""Scale data for benchmarks: a province-sized committee with 50,000 proposals.

    python manage.py seed_scale --proposals 50000 [--units 100] [--seed 1] [--append]
                                [--committees 20]

With --committees N the proposals and units are spread over N city committees under one
province committee, whose clerk (`scale_province<k>_clerk`) may read them all (the
row-level security of rls/ on PostgreSQL).

Everything is written with bulk_create in batches, so the history tables (simple-history)
stay empty for these rows: fine for measuring pages, not an audit trail. Signed replies
carry placeholder signatures, digests and file names that satisfy the database's checks;
they are NOT verifiable letters (no .docx is stored and the keys are placeholders, retired,
so a real sign-off on this database makes a fresh key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

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

SCALE_PASSWORD = "scale-pass-2025"
BATCH = 5000

CITY = "海州"
DEPARTMENTS = [
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局",
    "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局",
    "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电和旅游局",
    "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
    "医疗保障局", "城市管理局", "体育局", "数据局", "信访局", "机关事务管理局", "地方金融管理局",
    "行政审批局", "港口管理局", "海洋发展局", "粮食和物资储备局", "供销合作总社", "总工会",
    "妇女联合会", "残疾人联合会", "科学技术协会", "住房公积金管理中心", "消防救援支队",
    "气象局", "税务局", "供电公司", "自来水公司", "燃气集团", "公交集团", "文旅集团",
    "城建控股集团", "农业发展集团",
]
DISTRICTS = ["海州区", "连云区", "赣榆区", "东海县", "灌云县", "灌南县"]

TOPICS = [
    ("老旧小区改造", "加装电梯、管网更新和停车位配建"),
    ("城市停车难问题", "公共停车场建设、错时共享和智慧停车"),
    ("居家养老服务", "社区养老服务站、助餐点和上门护理"),
    ("学前教育资源", "普惠性幼儿园、托育机构和师资队伍"),
    ("农村饮水安全", "城乡供水一体化、水质监测和管网维护"),
    ("知识产权强市建设", "专利转化、商标品牌和知识产权保护"),
    ("中小企业融资", "信用贷款、担保体系和应急转贷资金"),
    ("营商环境", "审批提速、涉企服务和政务服务一网通办"),
    ("海洋经济发展", "港口物流、海洋牧场和临港产业"),
    ("文化旅游融合", "景区提档、夜间经济和非遗传承"),
    ("生活垃圾分类", "分类投放、收运体系和资源化利用"),
    ("食品安全监管", "校园食堂、农贸市场和网络订餐"),
    ("基层医疗服务", "家庭医生签约、乡镇卫生院和远程诊疗"),
    ("职业技能培训", "产业工人、技能人才评价和校企合作"),
    ("新能源汽车充电设施", "充电桩布局、居民小区充电和运营维护"),
    ("河湖长制", "河道保洁、水环境治理和生态补水"),
    ("乡村振兴", "特色产业、农村人居环境和集体经济"),
    ("未成年人保护", "校园安全、心理健康和网络沉迷防治"),
    ("公共文化服务", "图书馆分馆、文化礼堂和全民阅读"),
    ("智慧城市建设", "数据共享、城市大脑和数字政府"),
    ("交通拥堵治理", "信号灯配时、公交优先和道路微循环"),
    ("高校毕业生就业", "见习基地、创业扶持和人才公寓"),
    ("安全生产", "危化品管理、隐患排查和应急演练"),
    ("大气污染防治", "扬尘治理、工业废气和机动车尾气"),
    ("农产品品牌", "地理标志、电商销售和冷链物流"),
    ("社区治理", "网格化管理、物业服务和居民议事"),
    ("残疾人就业", "辅助性就业、无障碍环境和康复服务"),
    ("医保基金监管", "异地就医结算、药品集采和基金安全"),
    ("历史文化街区保护", "古建筑修缮、街区业态和文化展示"),
    ("科技创新平台", "新型研发机构、孵化器和科技人才"),
    ("港产城融合", "港口集疏运、临港工业和港城联动"),
    ("粮食安全", "高标准农田、粮食储备和种业振兴"),
    ("全民健身", "健身步道、体育场馆开放和社区运动"),
    ("消防安全", "高层建筑消防、电动自行车充电和微型消防站"),
    ("民营经济发展", "政策兑现、清理拖欠和企业家权益保护"),
    ("住房保障", "保障性租赁住房、公租房和人才安居"),
    ("海岸线保护", "滨海湿地、岸线修复和生态廊道"),
    ("电子商务", "直播电商、农村电商和跨境电商"),
    ("法治政府建设", "行政执法规范、复议诉讼和普法宣传"),
    ("心理健康服务", "心理咨询热线、学校心理老师和社区心理服务"),
]
VERBS = ["加快推进", "进一步加强", "关于完善", "着力破解", "持续优化", "加大", "统筹推进",
         "切实提升", "健全", "深化"]
ASPECTS = ["工作", "建设", "的若干建议", "机制", "体系建设", "服务水平", "的对策", "力度"]
SENTENCES = [
    "近年来，我市在{t}方面做了大量工作，取得了一定成效，但与群众期盼相比仍有差距。",
    "调研发现，{a}等环节仍存在短板，部门之间协同不够，政策落地不到位。",
    "一是统筹规划不足，{t}缺少长期目标和年度计划。",
    "二是资金投入不足，{a}的项目进展缓慢。",
    "三是群众参与度不高，宣传引导和监督评价机制还不健全。",
    "建议市政府将{t}纳入年度重点工作，明确牵头部门和完成时限。",
    "建议加大财政投入，在{a}方面给予专项资金支持。",
    "建议借鉴先进地区经验，建立部门联动、上下贯通的工作机制。",
    "建议定期开展评估，及时回应群众关切，让群众有更多获得感。",
]
REPLY_SENTENCES = [
    "我们高度重视您提出的建议，组织专门力量进行研究办理。",
    "围绕{t}，我局出台了专项工作方案，明确了目标任务和责任分工。",
    "在{a}方面，今年已安排专项资金，重点项目正在有序推进。",
    "下一步，我们将认真吸纳您的意见建议，持续跟踪问效。",
    "感谢您对{t}工作的关心和支持。",
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌")
SECTORS = ["中共界", "民革界", "民盟界", "民建界", "民进界", "农工党界", "致公党界", "九三学社界",
           "无党派人士界", "工商联界", "科技界", "教育界", "医药卫生界", "经济界", "农业界",
           "社会福利和社会保障界", "文化艺术界"]
BODIES = ["民革市委会", "民盟市委会", "民建市委会", "民进市委会", "农工党市委会", "九三学社市委会",
          "市工商联", "经济界别", "教育界别", "医药卫生界别", "社会和法制委员会",
          "人口资源环境委员会", "文化文史和学习委员会", "科技委员会"]

# (status, weight) of the current session; older sessions are mostly finished.
CURRENT_MIX = [
    ("registered", 4), ("accepted", 3), ("rejected", 3), ("merged", 2), ("assigned", 18),
    ("in_progress", 40), ("answered", 12), ("feedback", 10), ("closed", 8),
]
PAST_MIX = [
    ("rejected", 4), ("merged", 2), ("in_progress", 2), ("answered", 4), ("feedback", 18),
    ("closed", 70),
]
HANDED = {"assigned", "in_progress", "answered", "feedback", "closed"}
ANSWERED = {"answered", "feedback", "closed"}


@dataclass
class Counts:
    started: float = field(default_factory=time.perf_counter)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


def _bulk(model, objs, counts: Counts, name: str | None = None) -> list:
    made = []
    started = time.perf_counter()
    for start in range(0, len(objs), BATCH):
        made.extend(model.objects.bulk_create(objs[start : start + BATCH]))
    name = name or model._meta.model_name
    counts.add(name, len(objs))
    counts.seconds[name] = counts.seconds.get(name, 0) + time.perf_counter() - started
    return made


class Command(BaseCommand):
    help = (
        "Builds scale data for benchmarks with bulk inserts (minutes for 50,000 proposals on "
        "PostgreSQL): a committee, three sessions, units with handlers and signers, "
        "proposers, proposals in a realistic status mix, assignments, sections, replies, "
        "feedback. No history rows are written (bulk_create bypasses simple-history). Signed "
        "replies have placeholder digests, signatures and file names: NOT verifiable letters. "
        f"Every user made here has the password {SCALE_PASSWORD!r}. Refuses to run on a "
        "database that already has proposals unless --append (which adds a new committee)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, default=50_000)
        parser.add_argument("--units", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--append", action="store_true")
        parser.add_argument("--committees", type=int, default=1,
                            help="spread the data over this many cities under a province")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="the date the data is built around (default: today)")

    def handle(self, *args, **opts):
        n_proposals = opts["proposals"]
        if n_proposals < 1 or opts["units"] < 5:
            raise CommandError("--proposals must be >= 1 and --units >= 5")
        if Proposal.objects.exists() and not opts["append"]:
            raise CommandError(
                "The database already has proposals; use --append to add another committee."
            )
        counts = Counts()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Bigger GIN pending lists: the search indexes take bulk rows faster.
                    cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
                    cursor.execute("SET LOCAL synchronous_commit = off")
            rng = random.Random(opts["seed"])
            today = opts["today"] or timezone.localdate()
            n_committees = opts["committees"]
            if n_committees <= 1:
                self._build(
                    rng=rng, n_proposals=n_proposals, n_units=opts["units"], today=today,
                    counts=counts,
                )
            else:
                province = self._province(counts)
                for i in range(n_committees):
                    share = n_proposals // n_committees + (i < n_proposals % n_committees)
                    city = self._build(
                        rng=rng, n_proposals=max(share, 1),
                        n_units=max(10, opts["units"] // n_committees), today=today,
                        counts=counts,
                    )
                    Committee.objects.filter(pk=city.pk).update(parent=province)
        took = time.perf_counter() - counts.started
        for name, n in counts.rows.items():
            secs = counts.seconds.get(name)
            took_here = f"{secs:8.1f} s" if secs is not None else ""
            self.stdout.write(f"  {name:<22} {n:>9,} {took_here}")
        self.stdout.write(self.style.SUCCESS(f"seed_scale: done in {took:.1f} s"))

    # --- building ---------------------------------------------------------------------

    def _province(self, counts: Counts) -> Committee:
        """A province above the cities, and its clerk who may read them."""
        k = Committee.objects.filter(name__startswith="规模省政协").count() + 1
        province = Committee.objects.create(name=f"规模省政协{k}", short_name="省政协")
        counts.add("committee", 1)
        clerk = get_user_model().objects.create(
            username=f"scale_province{k}_clerk", password=make_password(SCALE_PASSWORD),
            last_name="省政协交办员",
        )
        CommitteeRole.objects.create(
            user=clerk, committee=province, role=CommitteeRole.Role.CLERK,
            office="提案委员会", reads_descendants=True,
        )
        return province

    def _build(self, *, rng, n_proposals, n_units, today, counts: Counts) -> Committee:
        tag = Committee.objects.filter(name__startswith="规模测试").count() + 1
        suffix = "" if tag == 1 else f"（{tag}）"
        prefix = f"scale{tag}_"
        committee = Committee.objects.create(name=f"规模测试市政协{suffix}", short_name="市政协")
        counts.add("committee", 1)
        year = today.year
        sessions = Session.objects.bulk_create(
            Session(
                committee=committee,
                name=f"十四届{sitting}次会议",
                term=14,
                sitting=sitting,
                year=y,
                opened_on=dt.date(y, 1, 8),
                is_current=(y == year),
            )
            for sitting, y in ((2, year - 2), (3, year - 1), (4, year))
        )
        counts.add("session", len(sessions))

        units = _bulk(Unit, [self._unit(committee, i) for i in range(n_units)], counts)
        password = make_password(SCALE_PASSWORD)
        User = get_user_model()
        users = [User(username=f"{prefix}clerk", password=password, last_name="交办员")]
        roles = []
        for i in range(n_units):
            for kind in ("h1", "h2", "s"):
                users.append(
                    User(
                        username=f"{prefix}u{i:03d}_{kind}",
                        password=password,
                        last_name=rng.choice(SURNAMES),
                        first_name=rng.choice(GIVEN),
                    )
                )
        users = _bulk(User, users, counts, "user")
        clerk = users[0]
        CommitteeRole.objects.create(
            user=clerk, committee=committee, role=CommitteeRole.Role.CLERK, office="提案委员会"
        )
        for i, unit in enumerate(units):
            h1, h2, s = users[1 + 3 * i : 4 + 3 * i]
            roles += [
                Membership(user=h1, unit=unit, role=Membership.Role.HANDLER),
                Membership(user=h2, unit=unit, role=Membership.Role.HANDLER),
                Membership(user=h1, unit=unit, role=Membership.Role.UNIT_ADMIN),
                Membership(user=s, unit=unit, role=Membership.Role.SIGNER),
            ]
        _bulk(Membership, roles, counts)

        proposers = _bulk(Proposer, self._proposers(committee, rng), counts)
        members = [p for p in proposers if p.kind == Proposer.Kind.MEMBER]
        bodies = [p for p in proposers if p.kind == Proposer.Kind.BODY]

        # Units get work unevenly (a few are very busy), like real deployments.
        weights = [1 / (rank + 1) ** 0.7 for rank in range(n_units)]

        per_session = [n_proposals * 15 // 100, n_proposals * 30 // 100]
        per_session.append(n_proposals - sum(per_session))
        for session, n in zip(sessions, per_session, strict=True):
            if n:
                self._session(
                    session=session, n=n, rng=rng, units=units, weights=weights,
                    members=members, bodies=bodies, clerk=clerk, users=users, today=today,
                    counts=counts,
                )
        return committee

    def _unit(self, committee, i: int) -> Unit:
        if i < len(DEPARTMENTS):
            dept, place = DEPARTMENTS[i], "市"
        else:
            dept = DEPARTMENTS[i % len(DEPARTMENTS)]
            place = DISTRICTS[(i // len(DEPARTMENTS) - 1) % len(DISTRICTS)]
            if i >= len(DEPARTMENTS) * (len(DISTRICTS) + 1):
                place += f"{i}"
        name = f"{CITY}{place}{dept}"
        short = dept[:2] if place == "市" else place[:2] + dept[:2]
        return Unit(
            committee=committee,
            name=name,
            short_name=f"{short}{i}"[:30],
            doc_prefix=f"海{short}复{i}"[:30],
            email=f"unit{i}@example.invalid",
        )

    def _proposers(self, committee, rng) -> list[Proposer]:
        people = []
        for i in range(800):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
            people.append(
                Proposer(
                    committee=committee,
                    name=f"{name}{i:03d}" if i >= 600 else name,
                    kind=Proposer.Kind.MEMBER,
                    sector=rng.choice(SECTORS),
                    organisation=f"{CITY}市某单位",
                    phone=f"139{rng.randrange(10**8):08d}",
                )
            )
        for body in BODIES:
            people.append(Proposer(committee=committee, name=body, kind=Proposer.Kind.BODY))
        return people

    def _text(self, rng, sentences, topic) -> list[str]:
        t, a = topic
        picked = [rng.choice(sentences) for _ in range(rng.randint(3, 6))]
        return [s.format(t=t, a=a) for s in dict.fromkeys(picked)]

    def _session(
        self, *, session, n, rng, units, weights, members, bodies, clerk, users, today, counts
    ) -> None:
        is_current = session.year == today.year
        mix = CURRENT_MIX if is_current else PAST_MIX
        statuses = rng.choices([s for s, _ in mix], weights=[w for _, w in mix], k=n)
        opened = session.opened_on
        assigned_on = opened + dt.timedelta(days=40)
        # The current session's work is handed out over the months before today.
        if is_current:
            span = max((today - assigned_on).days - 10, 1)
        now = timezone.now()

        proposals, topics, merged_idx = [], [], []
        for i, status in enumerate(statuses):
            topic = rng.choice(TOPICS)
            topics.append(topic)
            title = f"{rng.choice(VERBS)}{topic[0]}{rng.choice(ASPECTS)}"
            if not title.startswith("关于"):
                title = "关于" + title
            title += "的提案"
            body = self._text(rng, SENTENCES, topic)
            collective = rng.random() < 0.1
            p = Proposal(
                session=session,
                number=i + 1,
                title=title[:200],
                content="".join(body[: len(body) // 2 + 1]),
                reasons=body[0],
                suggestions="".join(body[len(body) // 2 + 1 :]),
                lead_proposer=rng.choice(bodies if collective else members),
                is_collective=collective,
                suggested_units=rng.choice(units).name,
                status=status,
                created_by=clerk,
            )
            if status != "registered":
                p.accepted_at = now
            if status in HANDED:
                day = assigned_on
                if is_current and status in ANSWERED:
                    day = assigned_on + dt.timedelta(days=rng.randrange(max(span - 60, 1)))
                elif is_current and rng.random() < 0.9:
                    # Most open work was handed out within its term (lead: three months).
                    day = today - dt.timedelta(days=rng.randrange(min(span, 85)))
                elif is_current:
                    day = assigned_on + dt.timedelta(days=rng.randrange(span))
                p.assigned_on = max(min(day, today), assigned_on)
            if status in ANSWERED:
                p.answered_at = now
            if status == "closed":
                p.closed_at = now
            if status == "rejected":
                p.decision_note = "不符合立案条件，转为社情民意信息。"
            if status == "merged":
                merged_idx.append(i)
            proposals.append(p)

        # Merged proposals point at another one of the session, so they go in last.
        merged_set = set(merged_idx)
        first = [p for i, p in enumerate(proposals) if i not in merged_set]
        _bulk(Proposal, first, counts)
        for i in merged_idx:
            target = proposals[rng.randrange(n)]
            while target.pk is None:
                target = proposals[rng.randrange(n)]
            proposals[i].merged_into = target
        _bulk(Proposal, [proposals[i] for i in merged_idx], counts)

        through = Proposal.co_signers.through
        links = []
        for p in proposals:
            if rng.random() < 0.3:
                for person in rng.sample(members, rng.randint(1, 3)):
                    if person.pk != p.lead_proposer_id:
                        links.append(through(proposal_id=p.pk, proposer_id=person.pk))
        _bulk(through, links, counts, "co_signers")

        self._handle(
            session=session, proposals=proposals, topics=topics, rng=rng, units=units,
            weights=weights, clerk=clerk, users=users, today=today, counts=counts,
        )

    def _handle(self, *, session, proposals, topics, rng, units, weights, clerk, users, today,
                counts) -> None:
        """Assignments, sections and replies of the handed-out proposals."""
        from replies.models import (
            DocumentCounter,
            Feedback,
            FeedbackLink,
            Reply,
            ReplyParagraph,
            UnitSigningKey,
        )
        from replies.models.feedback import overall_satisfaction

        A, S = Assignment, Section
        assignments: list[Assignment] = []
        owner: list[tuple[int, str]] = []  # (proposal index, topic) per assignment
        for idx, p in enumerate(proposals):
            if p.status not in HANDED:
                continue
            k = 1 + rng.choices([0, 1, 2, 3, 4], weights=[5, 20, 35, 25, 15])[0]
            chosen: list[Unit] = []
            while len(chosen) < k:
                u = rng.choices(units, weights=weights)[0]
                if u not in chosen:
                    chosen.append(u)
            split = rng.random() < 0.05 and k >= 2
            for j, unit in enumerate(chosen):
                if j == 0:
                    role = A.Role.SPLIT if split else A.Role.LEAD
                elif j == 1 and split:
                    role = A.Role.SPLIT
                else:
                    role = A.Role.CO
                months = 3 if role != A.Role.CO else 1
                due = p.assigned_on + dt.timedelta(days=30 * months + rng.randint(0, 3))
                state = self._assignment_state(p.status, role, due, today, rng)
                assignments.append(
                    Assignment(
                        proposal=p, unit=unit, role=role, state=state,
                        assigned_on=p.assigned_on, due_on=due, assigned_by=clerk,
                        completed_at=timezone.now() if state == A.State.COMPLETED else None,
                    )
                )
                owner.append((idx, topics[idx]))
            if rng.random() < 0.01:  # a withdrawn extra one (调整)
                spare = next(u for u in units if u not in chosen)
                assignments.append(
                    Assignment(
                        proposal=p, unit=spare, role=A.Role.CO, state=A.State.WITHDRAWN,
                        assigned_on=p.assigned_on,
                        due_on=p.assigned_on + dt.timedelta(days=30), assigned_by=clerk,
                    )
                )
                owner.append((idx, topics[idx]))
        _bulk(Assignment, assignments, counts)

        unit_users = {}
        for i, unit in enumerate(units):
            unit_users[unit.pk] = users[1 + 3 * i : 4 + 3 * i]

        sections = []
        for a, (_idx, topic) in zip(assignments, owner, strict=True):
            if a.state == A.State.WITHDRAWN or (a.state == A.State.ASSIGNED and rng.random() < .7):
                continue
            if a.role == A.Role.CO:
                if a.state == A.State.COMPLETED:
                    state = S.State.ACCEPTED
                else:
                    state = rng.choice([S.State.DRAFT, S.State.SUBMITTED, S.State.ACCEPTED])
            else:
                state = S.State.ACCEPTED if a.state == A.State.COMPLETED else S.State.DRAFT
            submitted = state != S.State.DRAFT
            sections.append(
                Section(
                    assignment=a,
                    heading=f"{a.unit.name}关于{topic[0]}的办理情况",
                    paragraphs=self._text(rng, REPLY_SENTENCES, topic)[:3],
                    order=1,
                    state=state,
                    author=unit_users[a.unit_id][0],
                    submitted_at=timezone.now() if submitted else None,
                    decided_at=timezone.now() if state == S.State.ACCEPTED else None,
                )
            )
        _bulk(Section, sections, counts)

        # Replies: one per answering assignment of answered proposals (signed or sent), and
        # drafts or letters in review for some proposals in progress.
        keys = {
            k.unit_id: k
            for k in UnitSigningKey.objects.filter(unit__in=units, active=False)
        }
        missing = [u for u in units if u.pk not in keys]
        if missing:
            made = UnitSigningKey.objects.bulk_create(
                UnitSigningKey(
                    unit=u,
                    public_key=hashlib.sha256(f"scale-pub-{u.pk}".encode()).digest(),
                    encrypted_private_key=b"placeholder: not a key",
                    fingerprint=hashlib.sha256(f"scale-fp-{u.pk}".encode()).hexdigest(),
                    active=False,
                    retired_at=timezone.now(),
                )
                for u in missing
            )
            keys.update({k.unit_id: k for k in made})
            counts.add("unitsigningkey", len(made))
        seqs: dict[tuple[int, int], int] = {
            (c.unit_id, c.year): c.last_seq
            for c in DocumentCounter.objects.filter(unit__in=units)
        }
        replies, reply_topics = [], []
        sign_year = session.year
        year_end = dt.date(sign_year, 12, 31)
        for a, (idx, topic) in zip(assignments, owner, strict=True):
            p = proposals[idx]
            if a.role == A.Role.CO or a.state == A.State.WITHDRAWN:
                continue
            if p.status in ANSWERED:
                state = Reply.State.SENT if rng.random() < 0.9 else Reply.State.SIGNED
            elif p.status == "in_progress" and rng.random() < 0.35:
                state = rng.choice([Reply.State.DRAFT, Reply.State.IN_REVIEW])
            else:
                continue
            r = Reply(
                proposal=p, assignment=a, unit=a.unit, state=state,
                title=f"对市政协{session.name}第{p.number}号提案的答复",
                addressee=f"{p.lead_proposer.name}委员"
                if p.lead_proposer.kind == Proposer.Kind.MEMBER else p.lead_proposer.name,
                category=rng.choice(["A", "A", "B", "C"]),
                contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                contact_phone=f"0518-8{rng.randrange(10**6):06d}",
                created_by=unit_users[a.unit_id][0],
            )
            if state in (Reply.State.SIGNED, Reply.State.SENT):
                key = (a.unit_id, sign_year)
                seqs[key] = seqs.get(key, 0) + 1
                r.doc_year, r.doc_seq = sign_year, seqs[key]
                r.signed_on = min(a.due_on, today, year_end)
                r.signed_at = timezone.now()
                r.sent_at = r.signed_at if state == Reply.State.SENT else None
                r.signer = unit_users[a.unit_id][2]
                r.signer_name = "签发人"
                r.sha256 = hashlib.sha256(
                    f"seed_scale {session.pk} {a.unit_id} {r.doc_year} {r.doc_seq}".encode()
                ).hexdigest()
                r.signature = b"\0" * 64  # placeholder, not an Ed25519 signature
                r.signature_payload = '{"placeholder": "seed_scale, not verifiable"}'
                r.signing_key = keys[a.unit_id]
                r.signed_file.name = (
                    f"replies/{r.doc_year}/unit{a.unit_id}/seed-{r.doc_seq:05d}.docx"
                )
                r.version = 4
            replies.append(r)
            reply_topics.append(topic)
        _bulk(Reply, replies, counts)

        paragraphs = []
        for r, topic in zip(replies, reply_topics, strict=True):
            body = self._text(rng, REPLY_SENTENCES, topic)
            rows = [
                (ReplyParagraph.Part.INTRO, ReplyParagraph.Kind.PARAGRAPH, None,
                 f"您提出的《{r.proposal.title}》收悉，现答复如下："),
                (ReplyParagraph.Part.BODY, ReplyParagraph.Kind.HEADING, 1,
                 f"一、{topic[0]}工作情况"),
                *[(ReplyParagraph.Part.BODY, ReplyParagraph.Kind.PARAGRAPH, None, t)
                  for t in body],
                (ReplyParagraph.Part.CLOSING, ReplyParagraph.Kind.PARAGRAPH, None,
                 "感谢您对我们工作的关心和支持。"),
            ]
            paragraphs += [
                ReplyParagraph(reply=r, order=o, part=part, kind=kind, level=level, text=text,
                               source_unit_id=r.unit_id)
                for o, (part, kind, level, text) in enumerate(rows, start=1)
            ]
        _bulk(ReplyParagraph, paragraphs, counts)

        # Counters end where the numbers end, so a real sign-off continues the sequence.
        DocumentCounter.objects.bulk_create(
            [DocumentCounter(unit_id=u, year=y, last_seq=last) for (u, y), last in seqs.items()],
            update_conflicts=True,
            unique_fields=["unit", "year"],
            update_fields=["last_seq"],
        )

        # Feedback on one reply per proposal that has it.
        links, feedbacks, seen = [], [], set()
        for r in replies:
            p = r.proposal
            if p.status not in ("feedback", "closed") or p.pk in seen or r.state != "sent":
                continue
            seen.add(p.pk)
            token = f"seed_scale-{r.pk}-{rng.getrandbits(64)}"
            link = FeedbackLink(
                reply=r,
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                expires_at=timezone.now() + dt.timedelta(days=180),
                use_count=1,
            )
            links.append(link)
            levels = ["satisfied", "basically_satisfied", "unsatisfied"]
            process, result = (rng.choices(levels, weights)[0]
                               for weights in ([85, 13, 2], [80, 17, 3]))
            feedbacks.append(
                Feedback(  # bulk_create: no save(), so the overall answer is set here
                    reply=r, link=link, process_satisfaction=process,
                    result_satisfaction=result,
                    satisfaction=overall_satisfaction(process, result),
                    comment=rng.choice(["", "", "办理认真，答复具体。", "希望继续跟进落实。"]),
                )
            )
        _bulk(FeedbackLink, links, counts)
        for f in feedbacks:
            f.link_id = f.link.pk
        _bulk(Feedback, feedbacks, counts)

    @staticmethod
    def _assignment_state(status, role, due, today, rng) -> str:
        A = Assignment
        if status in ANSWERED:
            return A.State.COMPLETED
        if status == "assigned":
            return A.State.ASSIGNED
        # in progress: co units are often done; leads are working
        if role == A.Role.CO:
            return rng.choices(
                [A.State.COMPLETED, A.State.IN_PROGRESS, A.State.ASSIGNED], [50, 35, 15]
            )[0]
        return rng.choices([A.State.IN_PROGRESS, A.State.ASSIGNED], [85, 15])[0]
