"""会签: who is asked, what the signer may do meanwhile, returns, the lapse after N working
days (on the holiday calendar), and the session setting."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from proposals.deadlines import scan_deadlines
from proposals.models import Assignment, Membership, Notice, Section
from proposals.tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    SectionFactory,
    UnitFactory,
    UserFactory,
)
from replies import services
from replies.models import Countersign, Reply

from .reply_fixtures import CONTACT, SIGN_DATE, make_case

pytestmark = pytest.mark.django_db

S = Countersign.State
# Wednesday before 清明 2025: Friday 4 April is a holiday.
SUBMITTED = dt.date(2025, 4, 2)


def _at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour - 8,
                                           tzinfo=dt.UTC), tick=False)


def _case(*, required=True, days=3):
    case = make_case()
    session = case.proposal.session
    session.countersign_required = required
    session.countersign_working_days = days
    session.save()
    case.co_handler = UserFactory(first_name="科技局承办人")
    MembershipFactory(user=case.co_handler, unit=case.co.unit, role=Membership.Role.HANDLER)
    return case


def _draft(case):
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    return services.reply_update(reply=reply, expected_version=reply.version,
                                 actor=case.handler, category="A", **CONTACT)


def _submit(case, reply=None, on=SUBMITTED):
    with _at(on):
        return services.reply_submit_for_review(reply=reply or _draft(case), actor=case.handler)


def _co_unit(case, name, state=Section.State.ACCEPTED):
    unit = UnitFactory(committee=case.proposal.session.committee, name=name)
    assignment = AssignmentFactory(proposal=case.proposal, unit=unit, role=Assignment.Role.CO,
                                   state=Assignment.State.IN_PROGRESS)
    SectionFactory(assignment=assignment, heading=f"{name}意见", paragraphs=[f"{name}的做法。"],
                   order=1, state=state)
    return assignment


def test_it_asks_only_the_co_units_whose_sections_the_draft_uses():
    case = _case()
    finance = _co_unit(case, "连云港市财政局")
    _co_unit(case, "连云港市教育局", state=Section.State.SUBMITTED)  # not accepted: not used
    reply = _draft(case)
    # The lead leaves the finance bureau's section out of the letter.
    rows = [
        {"text": p.text, "part": p.part, "kind": p.kind, "level": p.level,
         "source_unit_id": p.source_unit_id, "source_section_id": p.source_section_id}
        for p in reply.paragraphs.order_by("order")
        if p.source_unit_id != finance.unit_id
    ]
    reply = services.reply_update(reply=reply, expected_version=reply.version,
                                  actor=case.handler, paragraphs=rows)
    reply = _submit(case, reply)
    asked = list(Countersign.objects.filter(reply=reply))
    assert [(c.unit_id, c.assignment_id, c.state) for c in asked] == [
        (case.co.unit_id, case.co.pk, S.PENDING)]
    c = asked[0]
    assert c.requested_on == SUBMITTED and c.requested_by == case.handler and c.round == 1
    notice = Notice.objects.get(kind=Notice.Kind.COUNTERSIGN_REQUESTED)
    assert notice.unit_id == case.co.unit_id and notice.assignment_id == case.co.pk
    assert "送请会签" in notice.message and "2025年4月8日" in notice.message
    assert c.history.first().history_user == case.handler


def test_it_counts_the_working_days_on_the_holiday_calendar():
    case = _case(days=3)
    reply = _submit(case)
    # Thu 3rd (1), Fri 4th 清明 holiday, Mon 7th (2), Tue 8th (3).
    assert reply.countersigns.get().due_on == dt.date(2025, 4, 8)


def test_it_asks_nobody_when_the_session_does_not_require_countersigning():
    case = _case(required=False)
    reply = _submit(case)
    assert not Countersign.objects.exists()
    assert not Notice.objects.filter(kind=Notice.Kind.COUNTERSIGN_REQUESTED).exists()
    signed = services.reply_sign_off(reply=reply, actor=case.signer, signed_on=SIGN_DATE)
    assert signed.state == Reply.State.SIGNED


def test_it_refuses_sign_off_while_a_co_unit_holds_it_naming_the_unit():
    case = _case()
    case.co.unit.short_name = "市科技局"
    case.co.unit.save()
    reply = _submit(case)
    with pytest.raises(ValidationError) as exc:
        services.reply_sign_off(reply=reply, actor=case.signer, signed_on=SIGN_DATE)
    assert "市科技局尚未会签" in exc.value.messages[0]
    assert exc.value.code == "countersign_open"
    reply.refresh_from_db()
    assert reply.state == Reply.State.IN_REVIEW and reply.doc_seq is None

    services.countersign_confirm(countersign=reply.countersigns.get(), actor=case.co_handler)
    signed = services.reply_sign_off(reply=reply, actor=case.signer, signed_on=SIGN_DATE)
    assert signed.state == Reply.State.SIGNED


def test_it_records_a_confirmation_and_tells_the_lead():
    case = _case()
    reply = _submit(case)
    c = services.countersign_confirm(countersign=reply.countersigns.get(), actor=case.co_handler)
    c.refresh_from_db()
    assert c.state == S.CONFIRMED and c.decided_by == case.co_handler and c.decided_at
    assert c.history.first().history_user == case.co_handler
    notice = Notice.objects.get(kind=Notice.Kind.COUNTERSIGN_CONFIRMED)
    assert notice.unit_id == case.unit.pk and "可以签发" in notice.message
    with pytest.raises(ValidationError):  # answered once
        services.countersign_confirm(countersign=c, actor=case.co_handler)


def test_only_the_asked_units_people_answer():
    case = _case()
    reply = _submit(case)
    c = reply.countersigns.get()
    for outsider in (case.handler, case.signer, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.countersign_confirm(countersign=c, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.countersign_return(countersign=c, reason="不同意", actor=outsider)
    c.refresh_from_db()
    assert c.state == S.PENDING


def test_a_return_sends_the_draft_back_with_the_reason_and_withdraws_the_others():
    case = _case()
    finance = _co_unit(case, "连云港市财政局")
    reply = _submit(case)
    ours = reply.countersigns.get(unit=case.co.unit)
    with pytest.raises(ValidationError) as exc:
        services.countersign_return(countersign=ours, reason="  ", actor=case.co_handler)
    assert "必须填写理由" in str(exc.value)
    services.countersign_return(countersign=ours, reason="第二段数据应为2024年末数。",
                                actor=case.co_handler)
    reply.refresh_from_db()
    assert reply.state == Reply.State.DRAFT
    ours.refresh_from_db()
    assert (ours.state, ours.reason, ours.decided_by) == (
        S.RETURNED, "第二段数据应为2024年末数。", case.co_handler)
    theirs = reply.countersigns.get(unit=finance.unit)
    assert theirs.state == S.WITHDRAWN
    notice = Notice.objects.get(kind=Notice.Kind.COUNTERSIGN_RETURNED)
    assert notice.unit_id == case.unit.pk and "第二段数据应为2024年末数。" in notice.message

    # Submitting again asks afresh; the first round stays as it was.
    reply = _submit(case, reply, on=dt.date(2025, 4, 9))
    fresh = reply.countersigns.filter(round=2)
    assert {c.unit_id for c in fresh} == {case.co.unit_id, finance.unit_id}
    assert all(c.state == S.PENDING for c in fresh)
    assert reply.countersigns.filter(round=1).count() == 2
    ours.refresh_from_db()
    assert ours.state == S.RETURNED


def test_the_signers_return_withdraws_the_open_requests():
    case = _case()
    reply = _submit(case)
    services.reply_return(reply=reply, comment="请补充。", actor=case.signer)
    c = reply.countersigns.get()
    assert c.state == S.WITHDRAWN and c.decided_at is not None


def test_it_lapses_after_n_working_days_skipping_holidays_once():
    case = _case(days=3)
    reply = _submit(case)
    c = reply.countersigns.get()
    for day in (dt.date(2025, 4, 7), dt.date(2025, 4, 8)):  # the 8th is its last day
        with _at(day, 9):
            assert services.countersigns_lapse_due(today=day) == 0
    c.refresh_from_db()
    assert c.state == S.PENDING
    with _at(dt.date(2025, 4, 9), 9):
        result = scan_deadlines(today=dt.date(2025, 4, 9))
        again = scan_deadlines(today=dt.date(2025, 4, 9))
    assert result.steps["会签逾期视为同意"] == 1  # (the other steps registered report too)
    assert again.steps["会签逾期视为同意"] == 0
    c.refresh_from_db()
    assert c.state == S.LAPSED and c.get_state_display() == "逾期视为同意"
    assert c.decided_on == dt.date(2025, 4, 9) and c.decided_by is None
    assert Notice.objects.filter(kind=Notice.Kind.COUNTERSIGN_LAPSED).count() == 1
    lapsed = Notice.objects.get(kind=Notice.Kind.COUNTERSIGN_LAPSED)
    assert lapsed.unit_id == case.unit.pk and "视为同意" in lapsed.message
    # It counts as consent: the signer may sign.
    signed = services.reply_sign_off(reply=reply, actor=case.signer, signed_on=SIGN_DATE)
    assert signed.state == Reply.State.SIGNED


def test_the_lapse_waits_when_the_calendar_lacks_the_year():
    from proposals.models import CalendarDay, CalendarYear

    case = _case()
    reply = _submit(case)
    c = reply.countersigns.get()
    Countersign.objects.filter(pk=c.pk).update(due_on=None)
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    warnings: list[str] = []
    assert services.countersigns_lapse_due(today=dt.date(2025, 5, 6), warnings=warnings) == 0
    assert warnings and "节假日数据" in warnings[0]
    c.refresh_from_db()
    assert c.state == S.PENDING and c.due_on is None


def test_a_withdrawn_co_unit_no_longer_holds_the_sign_off():
    """A co unit taken off the proposal (its assignment withdrawn) cannot answer: its open
    request is withdrawn with the assignment, in the same transaction."""
    from proposals.services import assignment_withdraw

    case = _case()
    reply = _submit(case)
    assignment_withdraw(assignment=case.co, actor=case.handler)
    c = reply.countersigns.get()
    assert c.state == S.WITHDRAWN and c.decided_at is not None
    assert c.history.first().history_user == case.handler
    signed = services.reply_sign_off(reply=reply, actor=case.signer, signed_on=SIGN_DATE)
    assert signed.state == Reply.State.SIGNED
