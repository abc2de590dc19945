"""Building blocks for the reply tests: a proposal with a lead unit, a co-handling unit with
an accepted section, the lead's own section, and a signer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from proposals.models import Assignment, Membership, Proposal, Section, Unit
from proposals.tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ProposalFactory,
    SectionFactory,
    UnitFactory,
    UserFactory,
)
from replies import services
from replies.models import Reply

CONTACT = {"contact_name": "朱昌伟", "contact_phone": "18905131999"}


@dataclass
class Case:
    proposal: Proposal
    lead: Assignment
    co: Assignment
    own_section: Section
    co_section: Section
    signer: object
    handler: object

    @property
    def unit(self) -> Unit:
        return self.lead.unit


def make_case(*, unit: Unit | None = None, proposal: Proposal | None = None) -> Case:
    proposal = proposal or ProposalFactory(
        status=Proposal.Status.IN_PROGRESS,
        number=44137,
        title="关于加快知识产权强市建设的提案",
    )
    committee = proposal.session.committee
    unit = unit or UnitFactory(
        committee=committee, name="连云港市市场监督管理局", doc_prefix="连市监办复"
    )
    lead = AssignmentFactory(
        proposal=proposal, unit=unit, role=Assignment.Role.LEAD,
        state=Assignment.State.IN_PROGRESS,
    )
    co_unit = UnitFactory(committee=committee, name="连云港市科学技术局")
    co = AssignmentFactory(
        proposal=proposal, unit=co_unit, role=Assignment.Role.CO,
        state=Assignment.State.IN_PROGRESS,
    )
    own_section = SectionFactory(
        assignment=lead,
        heading="知识产权强市建设工作情况",
        paragraphs=["一是指标快速增长。二是成果突出。", "全市有效发明专利突破一万件。"],
        order=1,
        state=Section.State.DRAFT,
    )
    co_section = SectionFactory(
        assignment=co,
        heading="科技创新支撑情况",
        paragraphs=["一是培育科技型中小企业。二是推动专利转化。"],
        order=1,
        state=Section.State.ACCEPTED,
    )
    SectionFactory(  # a returned co section never reaches the reply
        assignment=co, heading="退回的意见", paragraphs=["不应出现。"], order=2,
        state=Section.State.RETURNED, return_reason="数据有误",
    )
    signer = UserFactory(first_name="盈", last_name="马")
    MembershipFactory(user=signer, unit=unit, role=Membership.Role.SIGNER)
    handler = UserFactory()
    MembershipFactory(user=handler, unit=unit, role=Membership.Role.HANDLER)
    return Case(proposal, lead, co, own_section, co_section, signer, handler)


def ready_reply(case: Case, *, assignment: Assignment | None = None) -> Reply:
    """A reply in review, passing the drafting checks."""
    reply = services.reply_create_draft(assignment=assignment or case.lead, actor=case.handler)
    reply = services.reply_update(
        reply=reply, expected_version=reply.version, actor=case.handler, category="A", **CONTACT
    )
    return services.reply_submit_for_review(reply=reply, actor=case.handler)


def second_proposal_case(case: Case, number: int) -> Case:
    """Another proposal of the same session answered by the same unit."""
    proposal = ProposalFactory(
        session=case.proposal.session,
        lead_proposer=case.proposal.lead_proposer,
        status=Proposal.Status.IN_PROGRESS,
        number=number,
        title=f"关于第{number}项工作的提案",
    )
    lead = AssignmentFactory(
        proposal=proposal, unit=case.unit, role=Assignment.Role.LEAD,
        state=Assignment.State.IN_PROGRESS,
    )
    section = SectionFactory(
        assignment=lead, heading="办理情况", paragraphs=["已按建议办理。"], order=1,
        state=Section.State.DRAFT,
    )
    return Case(proposal, lead, case.co, section, case.co_section, case.signer, case.handler)


SIGN_DATE = dt.date(2025, 6, 20)
