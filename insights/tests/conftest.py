import datetime as dt

import pytest

from proposals.models import Assignment, CommitteeRole, Membership, Proposal
from proposals.similarity import cache
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeFactory,
    CommitteeRoleFactory,
    MembershipFactory,
    ProposalFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)
from replies.models import Feedback, Reply

from .helpers import signed_reply

S = Proposal.Status
A = Assignment.State
SAT = Feedback.Satisfaction
TODAY = dt.date(2025, 7, 1)
DUE = dt.date(2025, 6, 20)


@pytest.fixture(autouse=True)
def _fresh_similarity_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    """One session, three units, seven proposals; the figures in test_stats are computed
    by hand from this table (today = 2025-07-01, due dates 2025-06-20 unless noted):

    P1 lead U1, reply sent 06-10 (on time), A, 满意
    P2 lead U1, reply sent 06-25 (late), B, 不满意
    P3 lead U2, reply sent 06-20 (on the due date: on time), A, 基本满意; co U1 (completed)
    P4 lead U2, in progress, no reply (a draft only) → overdue
    P5 split U2 reply signed (not sent) 06-01, C, no feedback; split U3 open → overdue
    P6 lead U3 withdrawn; lead U1 due 08-01, open (not overdue)
    P7 registered, not assigned
    Another committee has a proposal and reply that must never be counted.
    """
    committee = CommitteeFactory(name="连云港市政协")
    session = SessionFactory(committee=committee, answer_classes=["A", "B", "C"])
    u1 = UnitFactory(committee=committee, name="市住房和城乡建设局", short_name="市住建局")
    u2 = UnitFactory(committee=committee, name="市市场监督管理局", short_name="市市场监管局")
    u3 = UnitFactory(committee=committee, name="市交通运输局", short_name="市交通局")

    def proposal(number, status):
        return ProposalFactory(session=session, number=number, status=status)

    def assign(p, unit, role=Assignment.Role.LEAD, state=A.ASSIGNED, due=DUE):
        return AssignmentFactory(
            proposal=p, unit=unit, role=role, state=state, assigned_on=dt.date(2025, 3, 20),
            due_on=due,
        )

    p1, p2, p3 = proposal(1, S.FEEDBACK), proposal(2, S.IN_PROGRESS), proposal(3, S.FEEDBACK)
    p4, p5, p6 = proposal(4, S.IN_PROGRESS), proposal(5, S.IN_PROGRESS), proposal(6, S.ASSIGNED)
    p7 = proposal(7, S.REGISTERED)

    a1 = assign(p1, u1, state=A.COMPLETED)
    signed_reply(a1, signed_on=dt.date(2025, 6, 10), category="A", satisfaction=SAT.SATISFIED)
    a2 = assign(p2, u1, state=A.COMPLETED)
    signed_reply(a2, signed_on=dt.date(2025, 6, 25), category="B", satisfaction=SAT.UNSATISFIED)
    a3 = assign(p3, u2, state=A.COMPLETED)
    signed_reply(
        a3, signed_on=DUE, category="A", satisfaction=SAT.BASICALLY_SATISFIED
    )
    assign(p3, u1, role=Assignment.Role.CO, state=A.COMPLETED, due=dt.date(2025, 4, 20))
    a4 = assign(p4, u2, state=A.IN_PROGRESS)
    Reply.objects.create(
        proposal=p4, assignment=a4, unit=u2, title="草稿", addressee="某委员", category="A"
    )
    a5 = assign(p5, u2, role=Assignment.Role.SPLIT, state=A.COMPLETED)
    signed_reply(a5, signed_on=dt.date(2025, 6, 1), category="C", state=Reply.State.SIGNED)
    assign(p5, u3, role=Assignment.Role.SPLIT, state=A.ASSIGNED)
    assign(p6, u3, state=A.WITHDRAWN)
    assign(p6, u1, state=A.ASSIGNED, due=dt.date(2025, 8, 1))

    other = CommitteeFactory(name="徐州市政协")
    other_session = SessionFactory(committee=other)
    other_unit = UnitFactory(committee=other)
    op = ProposalFactory(session=other_session, number=1, status=S.FEEDBACK)
    oa = AssignmentFactory(proposal=op, unit=other_unit, due_on=DUE)
    signed_reply(oa, signed_on=dt.date(2025, 5, 1), satisfaction=SAT.UNSATISFIED)

    clerk = CommitteeRoleFactory(
        committee=committee, role=CommitteeRole.Role.CLERK, user=UserFactory(username="clerk")
    ).user
    other_clerk = CommitteeRoleFactory(
        committee=other, role=CommitteeRole.Role.CLERK, user=UserFactory(username="xz-clerk")
    ).user
    u1_handler = MembershipFactory(
        unit=u1, role=Membership.Role.HANDLER, user=UserFactory(username="u1")
    ).user
    u3_handler = MembershipFactory(
        unit=u3, role=Membership.Role.HANDLER, user=UserFactory(username="u3")
    ).user
    return {
        "committee": committee, "session": session, "units": (u1, u2, u3),
        "proposals": (p1, p2, p3, p4, p5, p6, p7), "clerk": clerk,
        "other_clerk": other_clerk, "other_session": other_session,
        "u1_handler": u1_handler, "u3_handler": u3_handler,
    }
