"""Load the demo data: 连云港市政协 十四届四次会议, the real 第44137号 case and two dozen others.

The demo is a story told relative to the day it is loaded: each proposal is registered,
accepted and handed over some working days ago, its units write, reply, sign and hear
back on the days its entry in fixtures/demo.json gives ("after": working days after 交办,
"ago": working days before today), and due dates come from the session's terms on the
holiday calendar. So on any day the demo holds work due soon, a few overdue items, replies
answered on time, and every state each demo account can act on (README, "Logging in").

Everything goes through the services, replayed in the order the events happened with the
product's clock set to each event's moment, so history, notices, document numbers and
timestamps read as if people had done the work on those days.

Idempotent: what exists is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo import countersign
from demo.assessment import load_assessment
from demo.key_proposals import load_key_proposals
from demo.publications import load_publication_demo
from demo.tasks import load_demo_tasks
from proposals import services
from proposals.dates import MissingHolidayData, WorkingCalendar, add_months
from proposals.deadlines import scan_deadlines
from proposals.models import (
    Assignment,
    Committee,
    CommitteeRole,
    ExtensionRequest,
    Membership,
    Proposal,
    Proposer,
    Section,
    Session,
    Unit,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CITY_FIXTURES = ("demo.json", "demo-xuzhou.json")
PROVINCE = {"name": "中国人民政治协商会议江苏省委员会", "short_name": "江苏省政协"}
PROVINCE_CLERK = {"username": "sheng_tiwei", "name": "沈慧", "office": "省政协提案委员会"}
Status = Proposal.Status
# The daily deadline scan is replayed over the last working days, so the bells hold the
# reminders a unit would have received lately.
SCAN_WORKING_DAYS = 5


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _letter_section(letter: dict, path: list[int]) -> dict:
    node = {"sections": letter["sections"]}
    for index in path:
        node = node["sections"][index]
    return node


def _agos(node) -> Iterator[int]:
    """Every "ago" in a fixture entry, however deep."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "ago":
                yield value
            else:
                yield from _agos(value)
    elif isinstance(node, list):
        for value in node:
            yield from _agos(value)


@contextmanager
def product_clock(at: dt.datetime) -> Iterator[None]:
    """Every timestamp the product takes (auto_now, history dates, today) reads `at`: the
    code asks django.utils.timezone.now() for the time, and localdate() asks now()."""
    with mock.patch.object(timezone, "now", return_value=at):
        yield


class Days:
    """Working days around `today`, on the holiday calendar."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.calendar = WorkingCalendar()

    def is_working(self, day: dt.date) -> bool:
        try:
            return self.calendar.is_working_day(day)
        except MissingHolidayData:
            # A year without holiday data: a demo person acts on a weekday. No due date is
            # computed from this (see due_on below).
            return day.weekday() < 5

    def ago(self, n: int) -> dt.date:
        """The n-th working day before today."""
        return self.before(self.today, n)

    def before(self, day: dt.date, n: int) -> dt.date:
        while n > 0:
            day -= dt.timedelta(days=1)
            n -= self.is_working(day)
        return day

    def after(self, start: dt.date, n: int) -> dt.date:
        day = start
        while n > 0:
            day += dt.timedelta(days=1)
            n -= self.is_working(day)
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working(day):
            day += dt.timedelta(days=1)
        return day

    def on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_working(day):
            day -= dt.timedelta(days=1)
        return day

    def due_on(self, session: Session, role: str, assigned_on: dt.date) -> dt.date | None:
        """The due date the product gives, or None when it needs a year without data."""
        try:
            return services.assignment_default_due_on(
                session=session, role=role, assigned_on=assigned_on, calendar=self.calendar
            )
        except MissingHolidayData:
            return None

    def assigned_for_due(
        self, session: Session, role: str, low: int, high: int, room: int = 1
    ) -> dt.date:
        """The latest working day to hand a proposal over on, for the answering unit's due
        date to fall `low`..`high` days from today, at least `room` working days ago."""
        latest = self.ago(room)
        months = session.co_term_months if role == Assignment.Role.CO else session.lead_term_months
        for wider in range(0, 15, 3):
            # A window inside a long holiday (春节) holds no due date: widen it, keeping
            # overdue overdue and not-yet-due not yet due.
            lo = max(low - wider, 1) if low > 0 else low - wider
            hi = min(high + wider, -1) if high < 0 else high + wider
            start = add_months(self.today + dt.timedelta(days=hi), -months)
            for back in range(hi - lo + 10):
                day = start - dt.timedelta(days=back)
                if day > latest or not self.is_working(day):
                    continue
                due = self.due_on(session, role, day)
                if due is None:  # no data: the clerk types the date (see _assign)
                    return day
                if self.today + dt.timedelta(days=lo) <= due <= self.today + dt.timedelta(days=hi):
                    return day
        raise CommandError(f"no day to assign on for a due date in {low}..{high} days")


@dataclass(order=True)
class Event:
    at: dt.datetime
    seq: int
    run: Callable[[], None] = field(compare=False)
    what: str = field(compare=False, default="")


class Command(BaseCommand):
    help = "载入演示数据（含第44137号提案真实案例），日期相对于今天，可重复执行。"

    def handle(self, *args, **options) -> None:
        letter = json.loads((FIXTURES / "reply-44137.json").read_text(encoding="utf-8"))
        self.today = timezone.localdate()
        self.days = Days(self.today)
        self.warnings: list[str] = []
        created = 0
        with transaction.atomic():
            # 连云港 (the real 44137 case among it), then a second city, then the province
            # above both: one installation, the committees walled off from each other.
            cities = []
            for name in CITY_FIXTURES:
                data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
                created += self._load(data, letter)
                cities.append((data, self.committee, dict(self.units)))
            province_clerk = load_province(
                [committee for _, committee, _ in cities], password=cities[0][0]["password"]
            )
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（本次新建 {created} 件提案）。"))
        for warning in self.warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write("演示账号（仅供演示，密码均为 %s）：" % cities[0][0]["password"])
        for data, committee, units in cities:
            self.stdout.write(f"{committee.name}：")
            for user in data["users"]:
                where = user.get("office") or units[user["unit"]].name
                role = (
                    CommitteeRole.Role(user["committee_role"]).label
                    if user.get("committee_role")
                    else Membership.Role(user["role"]).label
                )
                self.stdout.write(f"  {user['username']:<14} {user['name']}  {where} · {role}")
        self.stdout.write(
            f"{PROVINCE['name']}：\n  {province_clerk.username:<14} "
            f"{province_clerk.first_name}  {PROVINCE_CLERK['office']} · 可查阅下级政协（只读）"
        )

    # --- people and places -------------------------------------------------------------

    def _load(self, data: dict, letter: dict) -> int:
        committee, _ = Committee.objects.get_or_create(
            name=data["committee"]["name"],
            defaults={"short_name": data["committee"]["short_name"]},
        )
        self.committee = committee
        sessions = {}
        for item in data["sessions"]:
            sessions[item["name"]], _ = Session.objects.get_or_create(
                committee=committee,
                name=item["name"],
                defaults={
                    "term": item["term"],
                    "sitting": item["sitting"],
                    "year": item["year"],
                    "opened_on": _date(item["opened_on"]),
                    "is_current": item["is_current"],
                },
            )
        self.session = sessions[data["sessions"][0]["name"]]
        self.units = {}
        for item in data["units"]:
            self.units[item["key"]], _ = Unit.objects.get_or_create(
                committee=committee,
                name=item["name"],
                defaults={"short_name": item["short_name"], "doc_prefix": item["doc_prefix"]},
            )
        self.users = {}
        for item in data["users"]:
            self.users[item["username"]] = self._user(committee, item, data["password"])
        # The 提案委员会's clerk registers, accepts and closes; the government office's hands
        # the work to the units (交办).
        self.clerk = self.users[data.get("clerk", "tiwei")]
        self.assigner = self.users[data.get("assigner", "zhengfuban")]
        self.proposers = {}
        for item in data["proposers"]:
            fields = {k: v for k, v in item.items() if k not in ("key", "name")}
            self.proposers[item["key"]], _ = Proposer.objects.get_or_create(
                committee=committee, name=item["name"], defaults=fields
            )
        existing = set(
            Proposal.objects.filter(session=self.session).values_list("number", flat=True)
        )
        todo = [item for item in data["proposals"] if item["number"] not in existing]
        if not todo:
            return 0
        self.events: list[Event] = []
        for item in todo:
            self._plan(item, letter)
        self._plan_scans()
        self._replay()
        # 连云港's tasks, 会签, key proposals and 考评 (demo/tasks.py, countersign.py,
        # key_proposals.py, assessment.py).
        if data.get("story_extras", True):
            load_demo_tasks(units=self.units, users=self.users, days=self.days)
            countersign.load_countersign_demo(self)
            load_key_proposals(session=self.session, days=self.days)
            load_assessment(session=self.session, days=self.days)
            load_publication_demo(self)
        # Today's scan runs on the real clock, as the daily job would this morning.
        self._scan(self.today)
        self._check(todo)
        return len(todo)

    def _user(self, committee: Committee, item: dict, password: str):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=item["username"],
            defaults={
                "first_name": item["name"],
                # Only administrators use the admin site; everyone else uses the web app.
                "is_staff": item.get("committee_role") == CommitteeRole.Role.ADMINISTRATOR,
                "is_superuser": item.get("superuser", False),
            },
        )
        if created:
            user.set_password(password)
            user.save()
        if item.get("committee_role"):
            CommitteeRole.objects.get_or_create(
                user=user,
                committee=committee,
                role=item["committee_role"],
                defaults={"office": item.get("office", "")},
            )
        if item.get("unit"):
            Membership.objects.get_or_create(
                user=user, unit=self.units[item["unit"]], role=item["role"]
            )
        return user

    def _member(self, unit_key: str, role: str = Membership.Role.HANDLER):
        membership = self.units[unit_key].memberships.filter(role=role).first()
        if membership is None:
            raise CommandError(f"demo unit {unit_key} has no {role}")
        return membership.user

    # --- the story: events on days relative to today -------------------------------------

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        if day >= self.today:
            raise CommandError(f"a demo event on {day} is not before today ({self.today})")
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def _add(self, day: dt.date, hour: int, run: Callable[[], None], what: str) -> None:
        minute = len(self.events) % 60
        what = f"第{self.current}号 {what}"
        self.events.append(Event(self._at(day, hour, minute), len(self.events), run, what))

    def _day(self, spec: dict, assigned_on: dt.date | None, default_after: int = 1) -> dt.date:
        """`ago` counts working days back from today, `after` forward from 交办."""
        if "ago" in spec:
            return self.days.ago(spec["ago"])
        if assigned_on is None:
            raise CommandError(f"'after' needs a 交办 date: {spec}")
        return self.days.after(assigned_on, spec.get("after", default_after))

    def _plan(self, item: dict, letter: dict) -> None:
        self.current = item["number"]
        status = item["status"]
        assigned_on = None
        if "units" in item:
            assigned_on = self._assigned_on(item)
            registered = self.days.before(assigned_on, 10)
            accepted = self.days.before(assigned_on, 4)
        else:
            registered = self.days.ago(item["registered_ago"])
            accepted = self.days.ago(item.get("decided_ago", 1))
        self._add(registered, 9, lambda: self._register(item), "登记")
        if status == Status.REGISTERED:
            return
        if status == Status.REJECTED:
            self._add(accepted, 10, lambda: self._reject(item), "不予立案")
            return
        if status == Status.MERGED:
            self._add(accepted, 10, lambda: self._merge(item), "并案")
            return
        self._add(accepted, 10, lambda: self._accept(item), "立案")
        if assigned_on is None:
            return
        self._add(assigned_on, 9, lambda: self._assign(item, assigned_on), "交办")
        if status != Status.ASSIGNED:
            start = self.days.after(assigned_on, 1)
            self._add(start, 11, lambda: self._start(item), "开始办理")
        for contact in item.get("contacts", []):
            day = self._day(contact, assigned_on, 5)
            self._add(day, 10, lambda c=contact, d=day: self._contact(item, c, d), "沟通")
        entries = [
            {**_letter_section(letter, e["path"]), **e} for e in item.get("letter_sections", [])
        ] + item.get("sections", [])
        for order, entry in enumerate(entries, start=1):
            self._plan_section(item, entry, order, assigned_on)
        for request in item.get("extensions", []):
            self._plan_extension(item, request, assigned_on)
        for request in item.get("reassignments", []):
            day = self._day(request, assigned_on)
            self._add(day, 15, lambda r=request: self._reassignment(item, r), "申请调整")
        for task in item.get("tasks", []):
            day = self._day(task, assigned_on)
            self._add(day, 9, lambda t=task: self._task(item, t), "任务")
        if "reply" in item:
            self._plan_reply(item, item["reply"], assigned_on)

    def _assigned_on(self, item: dict) -> dt.date:
        if "assigned_ago" in item:
            return self.days.ago(item["assigned_ago"])
        # The window is the answering unit's due date, or `due_for` that unit's.
        low, high = item["due_in"]
        role = dict(item["units"])[item.get("due_for", item["units"][0][0])]
        # Room for the events counted back from today to come after 交办.
        room = max(_agos(item), default=0) + 1
        return self.days.assigned_for_due(self.session, role, low, high, room)

    def _plan_section(self, item: dict, entry: dict, order: int, assigned_on) -> None:
        day = self._day(entry, assigned_on, 3)
        state = entry["state"]
        self._add(day, 15, lambda: self._section_save(item, entry, order), "意见")
        if state == Section.State.DRAFT:
            return
        submitted = self._day(entry["submitted"], assigned_on) if "submitted" in entry else day
        self._add(submitted, 16, lambda: self._section_do(item, entry, "submit"), "提交意见")
        if state == Section.State.SUBMITTED:
            return
        decided = (
            self._day(entry["decided"], assigned_on)
            if "decided" in entry
            else self.days.after(submitted, 1)
        )
        verb = "return" if state == Section.State.RETURNED else "accept"
        self._add(decided, 10, lambda: self._section_do(item, entry, verb), "处理意见")

    def _plan_extension(self, item: dict, request: dict, assigned_on) -> None:
        day = self._day(request, assigned_on)
        self._add(day, 14, lambda: self._extension(item, request), "申请延期")
        if request.get("decision"):
            decided = self.days.after(day, request.get("decided_after", 1))
            self._add(decided, 11, lambda: self._extension_decide(item, request), "审批延期")

    def _plan_reply(self, item: dict, reply: dict, assigned_on) -> None:
        """Drafted on its day, then each step one working day after the one before."""
        steps = {
            "draft": ["draft"],
            "returned": ["draft", "submit", "return"],
            "in_review": ["draft", "submit"],
            "signed": ["draft", "submit", "sign"],
            "sent": ["draft", "submit", "sign", "send"],
        }[reply["state"]]
        day = self._day(reply, assigned_on)
        for index, step in enumerate(steps):
            at = self.days.after(day, index)
            self._add(at, 10 + index, lambda s=step, d=at: self._reply_step(item, s, d), step)
        feedback = reply.get("feedback")
        if feedback:
            at = self._day(feedback, assigned_on)
            self._add(at, 16, lambda: self._feedback(item, feedback), "反馈")
            if item["status"] == Status.CLOSED:
                closed = self.days.after(at, 2)
                self._add(closed, 10, lambda: self._close(item), "办结")

    def _plan_scans(self) -> None:
        for n in range(SCAN_WORKING_DAYS, 0, -1):
            day = self.days.ago(n)
            self.events.append(Event(self._at(day, 7, 30), -n, lambda d=day: self._scan(d)))

    def _replay(self) -> None:
        self.state: dict[tuple[int, str], dict] = {}  # section ids by (number, heading)
        for event in sorted(self.events):
            with product_clock(event.at):
                try:
                    event.run()
                except ValidationError as exc:
                    raise CommandError(f"{event.at:%Y-%m-%d} {event.what}: {exc}") from exc

    def _check(self, items: list[dict]) -> None:
        """The story must end where the fixture says it does (a wrong date would show)."""
        for item in items:
            status = Proposal.objects.get(session=self.session, number=item["number"]).status
            if status != item["status"]:
                raise CommandError(f"第{item['number']}号 ended {status}, not {item['status']}")

    # --- what happens on each event, through the services -------------------------------

    def _proposal(self, item: dict) -> Proposal:
        return Proposal.objects.get(session=self.session, number=item["number"])

    def _assignment(self, item: dict, unit_key: str) -> Assignment:
        return self._proposal(item).assignments.exclude(
            state=Assignment.State.WITHDRAWN
        ).get(unit=self.units[unit_key])

    def _answering(self, item: dict) -> Assignment:
        unit_key = next(key for key, role in item["units"] if role != Assignment.Role.CO)
        return self._assignment(item, unit_key)

    def _register(self, item: dict) -> None:
        services.proposal_register(
            session=self.session,
            number=item["number"],
            title=item["title"],
            lead_proposer=self.proposers[item["lead"]],
            co_signers=[self.proposers[k] for k in item.get("co_signers", [])],
            is_collective=item.get("collective", False),
            content=item.get("content", ""),
            reasons=item.get("reasons", ""),
            suggestions=item.get("suggestions", ""),
            suggested_units=item.get("suggested_units", ""),
            actor=self.clerk,
        )

    def _accept(self, item: dict) -> None:
        services.proposal_accept(proposal=self._proposal(item), actor=self.clerk)

    def _reject(self, item: dict) -> None:
        services.proposal_reject(
            proposal=self._proposal(item), reason=item["reject_reason"],
            actor=self.clerk,
        )

    def _merge(self, item: dict) -> None:
        into = Proposal.objects.get(session=self.session, number=item["merge_into"])
        services.proposal_merge(
            proposal=self._proposal(item), into=into, actor=self.clerk
        )

    def _assign(self, item: dict, assigned_on: dt.date) -> None:
        choices = []
        for key, role in item["units"]:
            # In a year without holiday data the product leaves the due date to the clerk,
            # who types the term's end (a weekday); the pages then say the year is missing.
            due = None
            if self.days.due_on(self.session, role, assigned_on) is None:
                months = (
                    self.session.co_term_months
                    if role == Assignment.Role.CO
                    else self.session.lead_term_months
                )
                due = add_months(assigned_on, months)
                while due.weekday() >= 5:
                    due += dt.timedelta(days=1)
            choices.append(services.UnitChoice(unit=self.units[key], role=role, due_on=due))
        services.proposal_assign(
            proposal=self._proposal(item),
            units=choices,
            assigned_on=assigned_on,
            actor=self.assigner,
        )

    def _start(self, item: dict) -> None:
        assignment = self._answering(item)
        services.assignment_start(assignment=assignment, actor=self._handler(assignment))

    def _handler(self, assignment: Assignment):
        key = next(k for k, unit in self.units.items() if unit.pk == assignment.unit_id)
        return self._member(key)

    def _contact(self, item: dict, contact: dict, day: dt.date) -> None:
        assignment = self._assignment(item, contact["unit"])
        services.contact_record_create(
            assignment=assignment,
            contacted_on=day,
            method=contact["method"],
            summary=contact["summary"],
            actor=self._handler(assignment),
        )

    def _section_key(self, item: dict, entry: dict) -> tuple[int, str]:
        return (item["number"], entry["heading"])

    def _section_save(self, item: dict, entry: dict, order: int) -> None:
        assignment = self._assignment(item, entry["unit"])
        section = services.section_save(
            assignment=assignment,
            heading=entry["heading"],
            paragraphs=entry["paragraphs"],
            order=order,
            actor=self._handler(assignment),
        )
        self.state[self._section_key(item, entry)] = {"section": section.pk}

    def _section_do(self, item: dict, entry: dict, verb: str) -> None:
        section = Section.objects.get(pk=self.state[self._section_key(item, entry)]["section"])
        if verb == "submit":
            services.section_submit(section=section, actor=self._handler(section.assignment))
            return
        # The lead (answering) unit decides, its own sections included.
        lead = self._answering(item)
        if verb == "accept":
            services.section_accept(section=section, actor=self._handler(lead))
        else:
            services.section_return(
                section=section, reason=entry["return_reason"], actor=self._handler(lead)
            )

    def _extension(self, item: dict, request: dict) -> None:
        assignment = self._assignment(item, request["unit"])
        asked = self.days.on_or_after(assignment.due_on + dt.timedelta(weeks=request["weeks"]))
        services.extension_request_create(
            assignment=assignment,
            requested_due_on=asked,
            reason=request["reason"],
            actor=self._handler(assignment),
        )

    def _extension_decide(self, item: dict, request: dict) -> None:
        assignment = self._assignment(item, request["unit"])
        pending = assignment.extension_requests.get(state=ExtensionRequest.State.PENDING)
        services.extension_request_decide(
            request=pending,
            approve=request["decision"] == "approve",
            note=request.get("note", ""),
            actor=self.assigner,
        )

    def _reassignment(self, item: dict, request: dict) -> None:
        assignment = self._assignment(item, request["unit"])
        suggested = request.get("suggested")
        try:
            services.reassignment_request_create(
                assignment=assignment,
                reason=request["reason"],
                suggested_unit=self.units[suggested] if suggested else None,
                actor=self._handler(assignment),
            )
        except MissingHolidayData as exc:
            # As on the request page: without the year's holidays the term cannot be told.
            self.warnings.append(f"第{item['number']}号的调整申请未能创建：{exc}")

    def _task(self, item: dict, task: dict) -> None:
        assignment = self._assignment(item, task["unit"])
        services.task_create(
            assignment=assignment,
            kind=task["kind"],
            title=task["title"],
            assignee=self.users[task["assignee"]],
            due_on=self.days.on_or_before(
                min(assignment.due_on, self.today + dt.timedelta(days=task["due_in"]))
            ),
            actor=self.users[task["by"]],
        )

    def _reply_step(self, item: dict, step: str, day: dt.date) -> None:
        from replies import services as reply_services
        from replies.models import Reply

        data = item["reply"]
        lead = self._answering(item)
        handler = self._handler(lead)
        signer = self._member(
            next(k for k, u in self.units.items() if u.pk == lead.unit_id),
            Membership.Role.SIGNER,
        )
        if step == "draft":
            reply = reply_services.reply_create_draft(assignment=lead, actor=handler)
            reply_services.reply_update(
                reply=reply,
                expected_version=reply.version,
                actor=handler,
                category=data["category"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            )
            return
        reply = Reply.objects.get(assignment=lead, supersedes__isnull=True)
        if step == "submit":
            reply_services.reply_submit_for_review(reply=reply, actor=handler)
        elif step == "return":
            reply_services.reply_return(reply=reply, comment=data["return_comment"], actor=signer)
        elif step == "sign":
            countersign.confirm_before_sign(self, reply)
            reply_services.reply_sign_off(reply=reply, actor=signer, signed_on=day)
        elif step == "send":
            reply_services.reply_mark_sent(reply=reply, actor=handler)

    def _feedback(self, item: dict, data: dict) -> None:
        from replies import services as reply_services
        from replies.models import Reply

        reply = Reply.objects.get(assignment=self._answering(item), supersedes__isnull=True)
        _link, token = reply_services.feedback_link_create(reply=reply)
        # Two parts (办理过程, 办理结果); "satisfaction" alone stands for both.
        reply_services.feedback_submit(
            token=token, process=data.get("process", ""), result=data.get("result", ""),
            satisfaction=data.get("satisfaction", ""), comment=data.get("comment", ""),
        )

    def _close(self, item: dict) -> None:
        services.proposal_set_status(
            proposal=self._proposal(item), status=Status.CLOSED, actor=self.clerk
        )

    def _scan(self, day: dt.date) -> None:
        for warning in scan_deadlines(today=day).warnings:
            if warning not in self.warnings:
                self.warnings.append(warning)


def load_province(cities: list[Committee], *, password: str) -> object:
    """江苏省政协 above the demo's cities, with a clerk of its 提案委员会 given read access
    to the committees below (可查阅下级政协): the province page, never their writes."""
    province, _ = Committee.objects.get_or_create(
        name=PROVINCE["name"], defaults={"short_name": PROVINCE["short_name"]}
    )
    for city in cities:
        if city.parent_id != province.pk:
            city.parent = province
            city.save(update_fields=["parent"])
    User = get_user_model()
    clerk, created = User.objects.get_or_create(
        username=PROVINCE_CLERK["username"], defaults={"first_name": PROVINCE_CLERK["name"]}
    )
    if created:
        clerk.set_password(password)
        clerk.save()
    CommitteeRole.objects.get_or_create(
        user=clerk, committee=province, role=CommitteeRole.Role.CLERK,
        defaults={"office": PROVINCE_CLERK["office"], "reads_descendants": True},
    )
    return clerk
