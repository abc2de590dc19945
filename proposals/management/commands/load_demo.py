"""Load the demo data: 连云港市政协 十四届四次会议, the real 第44137号 case and a dozen others.

Idempotent: what exists is left alone, so a second run changes nothing. Everything goes
through the services, so the demo has the same history rows and checks as real work.
"""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from proposals import services
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

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
Status = Proposal.Status

# The order in which a proposal reaches each demo status.
PATH_TO = {
    Status.REGISTERED: [],
    Status.ACCEPTED: ["accept"],
    Status.REJECTED: ["reject"],
    Status.MERGED: ["merge"],
    Status.ASSIGNED: ["accept", "assign"],
    Status.IN_PROGRESS: ["accept", "assign", "start"],
    Status.ANSWERED: ["accept", "assign", "start", "answer"],
    Status.FEEDBACK: ["accept", "assign", "start", "answer", "feedback"],
    Status.CLOSED: ["accept", "assign", "start", "answer", "feedback", "close"],
}


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _letter_section(letter: dict, path: list[int]) -> dict:
    node = {"sections": letter["sections"]}
    for index in path:
        node = node["sections"][index]
    return node


class Command(BaseCommand):
    help = "载入演示数据（含第44137号提案真实案例），可重复执行。"

    def handle(self, *args, **options) -> None:
        data = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))
        letter = json.loads((FIXTURES / "reply-44137.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            created = self._load(data, letter)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（本次新建 {created} 件提案）。"))
        self.stdout.write("演示账号（仅供演示，密码均为 %s）：" % data["password"])
        for user in data["users"]:
            where = user.get("office") or self.units[user["unit"]].name
            role = (
                CommitteeRole.Role(user["committee_role"]).label
                if user.get("committee_role")
                else Membership.Role(user["role"]).label
            )
            self.stdout.write(f"  {user['username']:<12} {user['name']}  {where} · {role}")

    def _load(self, data: dict, letter: dict) -> int:
        committee, _ = Committee.objects.get_or_create(
            name=data["committee"]["name"],
            defaults={"short_name": data["committee"]["short_name"]},
        )
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
        self.proposers = {}
        for item in data["proposers"]:
            fields = {k: v for k, v in item.items() if k not in ("key", "name")}
            self.proposers[item["key"]], _ = Proposer.objects.get_or_create(
                committee=committee, name=item["name"], defaults=fields
            )
        created = 0
        self.replies = {}
        for item in data["proposals"]:
            if Proposal.objects.filter(session=self.session, number=item["number"]).exists():
                continue
            self._proposal(item, letter)
            created += 1
        return created

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

    def _proposal(self, item: dict, letter: dict) -> None:
        clerk = self.users["tiwei"]
        proposal = services.proposal_register(
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
            actor=clerk,
        )
        for step in PATH_TO[item["status"]]:
            proposal = self._step(step, proposal, item, letter)

    def _lead_handler(self, assignment):
        membership = assignment.unit.memberships.filter(role=Membership.Role.HANDLER).first()
        return membership.user if membership else None

    def _step(self, step: str, proposal: Proposal, item: dict, letter: dict) -> Proposal:
        clerk = self.users["tiwei"]
        if step == "accept":
            return services.proposal_accept(proposal=proposal, actor=clerk)
        if step == "reject":
            return services.proposal_reject(
                proposal=proposal, reason=item["reject_reason"], actor=clerk
            )
        if step == "merge":
            into = Proposal.objects.get(session=self.session, number=item["merge_into"])
            return services.proposal_merge(proposal=proposal, into=into, actor=clerk)
        if step == "assign":
            services.proposal_assign(
                proposal=proposal,
                units=[
                    services.UnitChoice(unit=self.units[key], role=role)
                    for key, role in item["units"]
                ],
                assigned_on=_date(item["assigned_on"]),
                actor=self.users["zhengfuban"],
            )
            return proposal
        if step == "start":
            self._start(proposal, item, letter)
            return proposal
        if step == "answer" and "reply" in item:
            self.replies[proposal.pk] = self._reply(proposal, item["reply"])
            return proposal
        if step == "feedback" and item.get("reply", {}).get("feedback"):
            self._feedback(self.replies[proposal.pk], item["reply"])
            return proposal
        if step == "answer":
            for assignment in proposal.assignments.all():
                services.assignment_complete(
                    assignment=assignment, actor=self._lead_handler(assignment)
                )
        target = {"answer": Status.ANSWERED, "feedback": Status.FEEDBACK, "close": Status.CLOSED}
        return services.proposal_set_status(proposal=proposal, status=target[step], actor=clerk)

    def _reply(self, proposal: Proposal, data: dict):
        """The whole reply cycle through the services: draft from the unit's sections,
        review, sign-off (numbered, frozen, signed), sent."""
        from replies import services as reply_services

        lead = proposal.assignments.get(role=Assignment.Role.LEAD)
        handler = self._lead_handler(lead)
        signer = lead.unit.memberships.get(role=Membership.Role.SIGNER).user
        reply = reply_services.reply_create_draft(assignment=lead, actor=handler)
        reply = reply_services.reply_update(
            reply=reply,
            expected_version=reply.version,
            actor=handler,
            category=data["category"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
        )
        reply = reply_services.reply_submit_for_review(reply=reply, actor=handler)
        reply = reply_services.reply_sign_off(
            reply=reply, actor=signer, signed_on=_date(data["signed_on"])
        )
        return reply_services.reply_mark_sent(reply=reply, actor=handler)

    def _feedback(self, reply, data: dict) -> None:
        from replies import services as reply_services

        _link, token = reply_services.feedback_link_create(reply=reply)
        reply_services.feedback_submit(
            token=token, satisfaction=data["feedback"], comment=data.get("comment", "")
        )

    def _start(self, proposal: Proposal, item: dict, letter: dict) -> None:
        assignments = {a.unit_id: a for a in proposal.assignments.select_related("unit")}
        for assignment in assignments.values():
            if assignment.answers_proposer:
                services.assignment_start(
                    assignment=assignment, actor=self._lead_handler(assignment)
                )
        for contact in item.get("contacts", []):
            assignment = assignments[self.units[contact["unit"]].pk]
            services.contact_record_create(
                assignment=assignment,
                contacted_on=_date(contact["on"]),
                method=contact["method"],
                summary=contact["summary"],
                actor=self._lead_handler(assignment),
            )
        entries = [
            {**_letter_section(letter, e["path"]), **e} for e in item.get("letter_sections", [])
        ] + item.get("sections", [])
        for order, entry in enumerate(entries, start=1):
            assignment = assignments[self.units[entry["unit"]].pk]
            author = self._lead_handler(assignment)
            section = services.section_save(
                assignment=assignment,
                heading=entry["heading"],
                paragraphs=entry["paragraphs"],
                order=order,
                actor=author,
            )
            if entry["state"] in (Section.State.SUBMITTED, Section.State.ACCEPTED):
                section = services.section_submit(section=section, actor=author)
            if entry["state"] == Section.State.ACCEPTED:
                lead = next(a for a in assignments.values() if a.answers_proposer)
                services.section_accept(section=section, actor=self._lead_handler(lead))
