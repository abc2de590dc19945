"""One committee with a proposal handed to a lead unit and two co units, the people around
it, and a second committee that must never see any of it. Shared by the view tests, the
permission matrix and the browser tests."""

import datetime as dt
from dataclasses import dataclass

from proposals.models import (
    Assignment,
    CommitteeRole,
    ExtensionRequest,
    Membership,
    Proposal,
    ReassignmentRequest,
    Section,
    Task,
)

from .factories import (
    AssignmentFactory,
    CommitteeFactory,
    CommitteeRoleFactory,
    MembershipFactory,
    ProposalFactory,
    ProposerFactory,
    SectionFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)

TODAY = dt.date(2025, 4, 1)
ASSIGNED_ON = dt.date(2025, 3, 28)
PASSWORD = "pass-12345"


@dataclass
class Scenario:
    committee: object
    session: object
    other_session: object
    lead_unit: object
    co_unit: object
    co2_unit: object
    idle_unit: object
    users: dict
    proposer: object
    proposal: Proposal
    lead: Assignment
    co: Assignment
    co2: Assignment
    co_section: Section
    co2_draft: Section
    lead_draft: Section
    registered: Proposal
    accepted: Proposal
    extension: ExtensionRequest
    reassignment: ReassignmentRequest
    other_proposal: Proposal
    other_assignment: Assignment
    other_section: Section
    lead_task: Task
    signer_task: Task
    co_task: Task
    other_task: Task


def _member(username, unit, role=Membership.Role.HANDLER, first_name=""):
    user = UserFactory(username=username, first_name=first_name)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


def build_scenario() -> Scenario:
    committee = CommitteeFactory(name="连云港市政协", short_name="市政协")
    session = SessionFactory(committee=committee)
    other = CommitteeFactory(name="徐州市政协", short_name="徐州市政协")
    other_session = SessionFactory(committee=other)
    lead_unit = UnitFactory(
        committee=committee, name="连云港市市场监督管理局", short_name="市市场监管局"
    )
    co_unit = UnitFactory(committee=committee, name="连云港市科学技术局", short_name="市科技局")
    co2_unit = UnitFactory(committee=committee, name="连云港市财政局", short_name="市财政局")
    idle_unit = UnitFactory(committee=committee, name="连云港市教育局", short_name="市教育局")
    other_unit = UnitFactory(committee=other, name="徐州市市场监督管理局", short_name="徐州市监局")

    clerk = UserFactory(username="clerk", first_name="提案委交办员")
    CommitteeRoleFactory(user=clerk, committee=committee, role=CommitteeRole.Role.CLERK)
    other_clerk = UserFactory(username="other_clerk")
    CommitteeRoleFactory(user=other_clerk, committee=other, role=CommitteeRole.Role.CLERK)
    users = {
        "clerk": clerk,
        "other_clerk": other_clerk,
        "lead": _member("lead", lead_unit, first_name="市场监管局承办人"),
        "co": _member("co", co_unit, first_name="科技局承办人"),
        "co2": _member("co2", co2_unit),
        "stranger": _member("stranger", idle_unit),
        "signer": _member("signer", lead_unit, Membership.Role.SIGNER, first_name="马盈"),
        "lead_admin": _member(
            "lead_admin", lead_unit, Membership.Role.UNIT_ADMIN, first_name="市场监管局管理员"
        ),
        "other_handler": _member("other_handler", other_unit),
    }

    proposer = ProposerFactory(committee=committee, name="王波")
    proposal = ProposalFactory(
        session=session,
        number=44100,
        title="关于加快知识产权强市建设的提案",
        lead_proposer=proposer,
        status=Proposal.Status.IN_PROGRESS,
        assigned_on=ASSIGNED_ON,
    )
    common = {"proposal": proposal, "assigned_on": ASSIGNED_ON}
    lead = AssignmentFactory(
        unit=lead_unit, role=Assignment.Role.LEAD, due_on=dt.date(2025, 6, 30), **common
    )
    co = AssignmentFactory(
        unit=co_unit, role=Assignment.Role.CO, due_on=dt.date(2025, 4, 28), **common
    )
    co2 = AssignmentFactory(
        unit=co2_unit, role=Assignment.Role.CO, due_on=dt.date(2025, 4, 28), **common
    )
    co_section = SectionFactory(
        assignment=co, heading="科技局意见", state=Section.State.SUBMITTED
    )
    co2_draft = SectionFactory(assignment=co2, heading="财政局草稿")
    lead_draft = SectionFactory(assignment=lead, heading="本单位材料")

    registered = ProposalFactory(session=session, number=44200, lead_proposer=proposer)
    accepted = ProposalFactory(
        session=session, number=44300, lead_proposer=proposer, status=Proposal.Status.ACCEPTED
    )
    extension = ExtensionRequest.objects.create(
        assignment=co,
        current_due_on=co.due_on,
        requested_due_on=dt.date(2025, 5, 20),
        reason="需要补充调研。",
        requested_by=users["co"],
    )
    reassignment = ReassignmentRequest.objects.create(
        assignment=co2, reason="不属于本单位职能。", suggested_unit=idle_unit,
        requested_by=users["co2"],
    )

    other_proposal = ProposalFactory(
        session=other_session, number=44100, status=Proposal.Status.ASSIGNED
    )
    other_assignment = AssignmentFactory(proposal=other_proposal, unit=other_unit)
    other_section = SectionFactory(
        assignment=AssignmentFactory(
            proposal=other_proposal,
            unit=UnitFactory(committee=other),
            role=Assignment.Role.CO,
        ),
        state=Section.State.SUBMITTED,
    )
    # Tasks inside the units (created as rows: the scenario's day is before their due dates).
    def task(assignment, assignee, title, due_on, kind=Task.Kind.OTHER):
        return Task.objects.create(
            assignment=assignment, kind=kind, title=title, assignee=assignee, due_on=due_on,
            created_by=users["lead_admin"] if assignment == lead else assignee,
        )

    lead_task = task(lead, users["lead"], "电话联系王波委员", dt.date(2025, 4, 10),
                     Task.Kind.CONTACT)
    signer_task = task(lead, users["signer"], "审阅本单位意见", dt.date(2025, 4, 15))
    co_task = task(co, users["co"], "起草科技局意见", dt.date(2025, 4, 20), Task.Kind.OPINION)
    other_task = task(other_assignment, users["other_handler"], "徐州的任务",
                      dt.date(2025, 4, 20))
    return Scenario(
        lead_task=lead_task,
        signer_task=signer_task,
        co_task=co_task,
        other_task=other_task,
        committee=committee,
        session=session,
        other_session=other_session,
        lead_unit=lead_unit,
        co_unit=co_unit,
        co2_unit=co2_unit,
        idle_unit=idle_unit,
        users=users,
        proposer=proposer,
        proposal=proposal,
        lead=lead,
        co=co,
        co2=co2,
        co_section=co_section,
        co2_draft=co2_draft,
        lead_draft=lead_draft,
        registered=registered,
        accepted=accepted,
        extension=extension,
        reassignment=reassignment,
        other_proposal=other_proposal,
        other_assignment=other_assignment,
        other_section=other_section,
    )
