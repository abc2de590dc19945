import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from proposals import services
from proposals.models import Assignment, Proposal, Section
from proposals.services import UnitChoice
from proposals.tests.factories import (
    CommitteeFactory,
    ProposerFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)
from proposals.transitions import TransitionError

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def session():
    return SessionFactory()


@pytest.fixture
def units(session):
    return [UnitFactory(committee=session.committee) for _ in range(3)]


def _register(session, number=44137, actor=None):
    return services.proposal_register(
        session=session,
        number=number,
        title="关于加快知识产权强市建设的提案",
        lead_proposer=ProposerFactory(committee=session.committee),
        actor=actor,
    )


def _assigned(session, units, actor=None, on=D(2025, 3, 20)):
    proposal = services.proposal_accept(proposal=_register(session, actor=actor), actor=actor)
    services.proposal_assign(
        proposal=proposal,
        units=[
            UnitChoice(units[0], Assignment.Role.LEAD),
            UnitChoice(units[1], Assignment.Role.CO),
        ],
        assigned_on=on,
        actor=actor,
    )
    proposal.refresh_from_db()
    return proposal


def test_it_registers_and_explains_a_duplicate_number(session):
    _register(session)
    with pytest.raises(ValidationError) as excinfo:
        _register(session)
    assert "本届次已有同号提案" in str(excinfo.value)
    assert Proposal.objects.count() == 1


def test_it_refuses_a_proposer_of_another_committee(session):
    stranger = ProposerFactory(committee=CommitteeFactory())
    with pytest.raises(ValidationError):
        services.proposal_register(
            session=session, number=1, title="题目", lead_proposer=stranger
        )
    assert Proposal.objects.count() == 0


def test_it_assigns_with_due_dates_from_the_session_terms(session, units):
    proposal = _assigned(session, units)
    lead = proposal.assignments.get(role="lead")
    co = proposal.assignments.get(role="co")
    assert proposal.status == Proposal.Status.ASSIGNED
    assert proposal.assigned_on == D(2025, 3, 20)
    assert lead.due_on == D(2025, 6, 20)
    # One month after 03-20 is Sunday 04-20: the term runs to Monday 04-21.
    assert co.due_on == D(2025, 4, 21)


def test_it_uses_the_sessions_own_terms(session, units):
    session = SessionFactory(
        committee=units[0].committee, name="十四届五次会议", sitting=5,
        lead_term_months=2, co_term_months=2,
    )
    proposal = _assigned(session, units)
    assert {a.due_on for a in proposal.assignments.all()} == {D(2025, 5, 20)}


def test_it_refuses_two_leads_and_leaves_nothing_behind(session, units):
    proposal = services.proposal_accept(proposal=_register(session))
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_assign(
            proposal=proposal,
            units=[UnitChoice(units[0], "lead"), UnitChoice(units[1], "lead")],
            assigned_on=D(2025, 3, 20),
        )
    assert "只能有一个主办单位" in str(excinfo.value)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert Assignment.objects.count() == 0


def test_it_rolls_back_all_assignments_when_one_unit_is_invalid(session, units):
    proposal = services.proposal_accept(proposal=_register(session))
    foreign = UnitFactory(committee=CommitteeFactory())
    with pytest.raises(ValidationError):
        services.proposal_assign(
            proposal=proposal,
            units=[UnitChoice(units[0], "lead"), UnitChoice(foreign, "co")],
            assigned_on=D(2025, 3, 20),
        )
    assert Assignment.objects.count() == 0
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_it_refuses_to_assign_a_registered_proposal(session, units):
    proposal = _register(session)
    with pytest.raises(TransitionError):
        services.proposal_assign(
            proposal=proposal, units=[UnitChoice(units[0], "lead")], assigned_on=D(2025, 3, 20)
        )


def test_it_reports_a_missing_holiday_year_when_assigning(session, units):
    proposal = services.proposal_accept(proposal=_register(session))
    with pytest.raises(Exception, match="2027年"):
        services.proposal_assign(
            proposal=proposal, units=[UnitChoice(units[0], "lead")], assigned_on=D(2026, 11, 20)
        )
    assert Assignment.objects.count() == 0


def test_it_merges_into_a_proposal_of_the_same_session(session):
    target = _register(session, number=1)
    other = _register(session, number=2)
    services.proposal_merge(proposal=other, into=target)
    other.refresh_from_db()
    assert other.status == Proposal.Status.MERGED
    assert other.merged_into == target
    with pytest.raises(ValidationError):
        services.proposal_merge(proposal=target, into=target)


def test_it_requires_a_reason_to_reject(session):
    proposal = _register(session)
    with pytest.raises(ValidationError):
        services.proposal_reject(proposal=proposal, reason="  ")
    services.proposal_reject(proposal=proposal, reason="不属于提案范围")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED


def test_it_records_the_acting_user_in_history(session, units):
    clerk = UserFactory(username="zhoumin")
    proposal = _assigned(session, units, actor=clerk)
    records = list(proposal.history.order_by("history_date"))
    assert [r.status for r in records] == ["registered", "accepted", "assigned"]
    assert {r.history_user for r in records} == {clerk}
    lead = proposal.assignments.get(role="lead")
    assert lead.history.get().history_user == clerk


def test_it_counts_a_sections_versions_as_the_texts_the_unit_wrote(session, units):
    """One save and one submit is 第1版, not 第3版: moving between states, or saving the
    same text again, is no new version."""
    co = _assigned(session, units).assignments.get(role="co")
    section = services.section_save(assignment=co, heading="意见", paragraphs=["一是……"])
    assert section.version == 1
    # The 提交 button saves what the form holds, then submits.
    section = services.section_save(
        assignment=co, section=section, heading="意见", paragraphs=["一是……"],
        expected_version=1,
    )
    section = services.section_submit(section=section)
    assert section.version == 1
    section = services.section_return(section=section, reason="请补充数据")
    assert section.version == 1
    section = services.section_save(
        assignment=co, section=section, heading="意见", paragraphs=["一是……", "二是……"],
        expected_version=1,
    )
    section = services.section_submit(section=section)
    section = services.section_accept(section=section)
    assert section.version == 2


def test_it_runs_the_section_cycle_with_optimistic_locking(session, units):
    proposal = _assigned(session, units)
    co = proposal.assignments.get(role="co")
    author = UserFactory()
    section = services.section_save(
        assignment=co, heading="科技成果转化", paragraphs=["一是……", "", "二是……"], actor=author
    )
    assert section.paragraphs == ["一是……", "二是……"]
    co.refresh_from_db()
    assert co.state == Assignment.State.IN_PROGRESS
    stale = section.version
    section = services.section_save(
        assignment=co, section=section, heading="科技成果转化（修改）", paragraphs=["一是……"],
        expected_version=stale,
    )
    with pytest.raises(services.ConflictError):
        services.section_save(
            assignment=co, section=section, heading="旧稿", paragraphs=["x"],
            expected_version=stale,
        )
    section = services.section_submit(section=section)
    with pytest.raises(ValidationError):
        services.section_save(assignment=co, section=section, heading="改", paragraphs=["y"])
    with pytest.raises(ValidationError):
        services.section_return(section=section, reason="")
    section = services.section_return(section=section, reason="请补充数据")
    assert section.state == Section.State.RETURNED
    section = services.section_submit(section=section)
    section = services.section_accept(section=section)
    assert section.state == Section.State.ACCEPTED
    co.refresh_from_db()
    assert co.state == Assignment.State.COMPLETED  # the co unit's work is done
    services.section_return(section=section, reason="数据需更新")
    co.refresh_from_db()
    assert co.state == Assignment.State.IN_PROGRESS


def test_it_extends_within_the_cap_and_refuses_beyond(session, units):
    proposal = _assigned(session, units)
    lead = proposal.assignments.get(role="lead")
    with pytest.raises(ValidationError) as excinfo:
        services.extension_request_create(
            assignment=lead, requested_due_on=D(2025, 9, 21), reason="需协调省级部门",
            today=D(2025, 6, 1),
        )
    assert "2025-09-20" in str(excinfo.value)
    request = services.extension_request_create(
        assignment=lead, requested_due_on=D(2025, 8, 20), reason="需协调省级部门",
        today=D(2025, 6, 1),
    )
    services.extension_request_decide(request=request, approve=True)
    lead.refresh_from_db()
    assert lead.due_on == D(2025, 8, 20)
    assert list(lead.history.values_list("due_on", flat=True).order_by("history_date")) == [
        D(2025, 6, 20), D(2025, 8, 20)
    ]


def test_it_refuses_an_extension_asked_after_the_due_date(session, units):
    lead = _assigned(session, units).assignments.get(role="lead")
    with pytest.raises(ValidationError, match="期限前申请"):
        services.extension_request_create(
            assignment=lead, requested_due_on=D(2025, 7, 20), reason="晚了", today=D(2025, 6, 21)
        )


def test_it_reassigns_within_the_window(session, units):
    proposal = _assigned(session, units)
    lead = proposal.assignments.get(role="lead")
    with pytest.raises(ValidationError, match="工作日内"):
        services.reassignment_request_create(
            assignment=lead, reason="不属于本单位职责", today=D(2025, 3, 28)
        )
    request = services.reassignment_request_create(
        assignment=lead, reason="不属于本单位职责", suggested_unit=units[2], today=D(2025, 3, 27)
    )
    services.reassignment_request_decide(request=request, approve=True, today=D(2025, 3, 31))
    lead.refresh_from_db()
    assert lead.state == Assignment.State.WITHDRAWN
    new = proposal.assignments.get(role="lead", state=Assignment.State.ASSIGNED)
    assert new.unit == units[2]
    assert new.due_on == D(2025, 6, 30)


def test_it_starts_handling_when_the_lead_records_a_contact(session, units):
    proposal = _assigned(session, units)
    lead = proposal.assignments.get(role="lead")
    services.contact_record_create(
        assignment=lead, contacted_on=D(2025, 4, 15), method="phone", summary="电话沟通"
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.contact_record_create(
            assignment=lead, contacted_on=D(2025, 3, 1), method="phone", summary="早于交办"
        )
