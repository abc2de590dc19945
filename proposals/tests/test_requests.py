import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from jobs.models import OutboxMessage
from proposals import services
from proposals.models import Assignment, ExtensionRequest, Notice
from proposals.tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 6, 1)  # assigned 2025-03-20, due 2025-06-20, cap 2025-09-20


@pytest.fixture
def lead():
    return AssignmentFactory()


def _ask(assignment, due, **kwargs):
    return services.extension_request_create(
        assignment=assignment, requested_due_on=due, reason="需协调省级部门", today=TODAY,
        **kwargs,
    )


def test_it_names_the_cap_when_refusing_an_extension(lead):
    with pytest.raises(ValidationError) as excinfo:
        _ask(lead, D(2025, 9, 21))
    assert excinfo.value.message_dict["requested_due_on"] == [
        "延期最迟不能超过交办之日起6个月，即2025-09-20；申请的2025-09-21超出上限。"
    ]
    assert not ExtensionRequest.objects.exists()


def test_it_allows_an_extension_up_to_the_cap_exactly(lead):
    request = _ask(lead, D(2025, 9, 20))
    services.extension_request_decide(request=request, approve=True)
    lead.refresh_from_db()
    assert lead.due_on == D(2025, 9, 20)


def test_it_rechecks_the_cap_when_the_session_rule_changed_meanwhile(lead):
    request = _ask(lead, D(2025, 9, 1))
    session = lead.proposal.session
    session.extension_cap_months = 4
    session.save()
    with pytest.raises(ValidationError, match="4个月"):
        services.extension_request_decide(request=request, approve=True)
    lead.refresh_from_db()
    request.refresh_from_db()
    assert lead.due_on == D(2025, 6, 20) and request.state == ExtensionRequest.State.PENDING


def test_it_keeps_one_pending_extension_per_assignment(lead):
    _ask(lead, D(2025, 7, 20))
    with pytest.raises(ValidationError):
        _ask(lead, D(2025, 8, 20))


def test_it_keeps_the_history_of_a_decided_extension(lead):
    clerk = UserFactory()
    request = _ask(lead, D(2025, 7, 20), actor=UserFactory())
    services.extension_request_decide(request=request, approve=False, note="理由不充分",
                                      actor=clerk)
    request.refresh_from_db()
    states = list(request.history.order_by("history_date").values_list("state", flat=True))
    assert states == ["pending", "rejected"]
    assert request.history.latest().history_user == clerk
    lead.refresh_from_db()
    assert lead.due_on == D(2025, 6, 20)


def test_it_tells_the_unit_when_an_extension_is_approved(
    lead, django_capture_on_commit_callbacks
):
    handler = MembershipFactory(unit=lead.unit, user=UserFactory(email="h@unit.cn"))
    request = _ask(lead, D(2025, 8, 20))
    with django_capture_on_commit_callbacks(execute=True):
        services.extension_request_decide(request=request, approve=True, note="同意")

    notice = Notice.objects.get()
    assert (notice.unit, notice.kind) == (lead.unit, Notice.Kind.EXTENSION_DECIDED)
    assert "已同意" in notice.message and "2025-08-20" in notice.message
    assert [m.to for m in mail.outbox] == [[handler.user.email]]


def test_it_tells_the_unit_when_an_extension_is_refused(lead):
    request = _ask(lead, D(2025, 8, 20))
    services.extension_request_decide(request=request, approve=False, note="理由不充分")
    notice = Notice.objects.get()
    assert "未同意" in notice.message and "理由不充分" in notice.message
    assert OutboxMessage.objects.filter(task_name="proposals.notices_email").exists()


def test_it_sends_no_notice_when_the_decision_fails(lead):
    request = _ask(lead, D(2025, 8, 20))
    Assignment.objects.filter(pk=lead.pk).update(state=Assignment.State.COMPLETED)
    with pytest.raises(ValidationError):
        services.extension_request_decide(request=request, approve=True)
    assert not Notice.objects.exists() and not OutboxMessage.objects.exists()


def test_it_tells_both_units_when_a_reassignment_is_approved(lead):
    new_unit = UnitFactory(committee=lead.proposal.session.committee)
    request = services.reassignment_request_create(
        assignment=lead, reason="不属于本单位职责", suggested_unit=new_unit, today=D(2025, 3, 21)
    )
    services.reassignment_request_decide(request=request, approve=True, today=D(2025, 3, 24))

    old_notice = Notice.objects.get(unit=lead.unit)
    new_notice = Notice.objects.get(unit=new_unit)
    assert old_notice.kind == Notice.Kind.REASSIGNMENT_DECIDED
    assert new_unit.name in old_notice.message
    assert new_notice.kind == Notice.Kind.ASSIGNED
    assert new_notice.assignment.unit == new_unit


def test_it_tells_the_unit_when_a_reassignment_is_refused(lead):
    request = services.reassignment_request_create(
        assignment=lead, reason="不属于本单位职责", today=D(2025, 3, 21)
    )
    services.reassignment_request_decide(request=request, approve=False)
    notice = Notice.objects.get()
    assert notice.unit == lead.unit and "未同意" in notice.message
