"""申请延期 and 申请调整: a unit asks, the clerk decides; due dates move only here."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..dates import WorkingCalendar, add_months
from ..models import Assignment, ExtensionRequest, ReassignmentRequest, Unit
from ..notices import notify_extension_decided, notify_reassignment_decided
from ..transitions import move
from ._common import save_as
from .assignments import UnitChoice, assignment_create, assignment_withdraw

Decision = ExtensionRequest.State


def extension_cap(assignment: Assignment) -> dt.date:
    """The latest due date an extension may reach: N months (default six) from 交办."""
    return add_months(assignment.assigned_on, assignment.proposal.session.extension_cap_months)


def _check_extension(assignment: Assignment, requested_due_on: dt.date) -> None:
    if requested_due_on <= assignment.due_on:
        raise ValidationError(
            {"requested_due_on": _("申请延至的日期必须晚于原期限（%(due)s）。")
             % {"due": assignment.due_on.isoformat()}},
            code="not_later",
        )
    cap = extension_cap(assignment)
    if requested_due_on > cap:
        raise ValidationError(
            {"requested_due_on": _(
                "延期最迟不能超过交办之日起%(months)d个月，即%(cap)s；申请的%(asked)s超出上限。"
            ) % {
                "months": assignment.proposal.session.extension_cap_months,
                "cap": cap.isoformat(),
                "asked": requested_due_on.isoformat(),
            }},
            code="beyond_cap",
        )


@transaction.atomic
def extension_request_create(
    *,
    assignment: Assignment,
    requested_due_on: dt.date,
    reason: str,
    actor=None,
    today: dt.date | None = None,
) -> ExtensionRequest:
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("proposal__session")
        .get(pk=assignment.pk)
    )
    today = today or timezone.localdate()
    if not assignment.is_open:
        raise ValidationError(_("该交办已完成或已撤回，不能申请延期。"), code="closed")
    if today > assignment.due_on:
        raise ValidationError(
            _("已超过办理期限（%(due)s），延期须在期限前申请。")
            % {"due": assignment.due_on.isoformat()},
            code="too_late",
        )
    if not reason.strip():
        raise ValidationError({"reason": _("请说明延期理由。")}, code="required")
    _check_extension(assignment, requested_due_on)
    request = ExtensionRequest(
        assignment=assignment,
        current_due_on=assignment.due_on,
        requested_due_on=requested_due_on,
        reason=reason.strip(),
        requested_by=actor,
    )
    save_as(request, actor)
    return request


@transaction.atomic
def extension_request_decide(
    *, request: ExtensionRequest, approve: bool, note: str = "", actor=None
) -> ExtensionRequest:
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("proposal__session")
        .get(pk=request.assignment_id)
    )
    move(request, Decision.APPROVED if approve else Decision.REJECTED)
    if approve:
        if not assignment.is_open:
            raise ValidationError(_("该交办已完成或已撤回。"), code="closed")
        _check_extension(assignment, request.requested_due_on)
        assignment.due_on = request.requested_due_on
        save_as(assignment, actor)
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.decision_note = note
    save_as(request, actor)
    notify_extension_decided(request=request, assignment=assignment)
    return request


def reassignment_deadline(assignment: Assignment, calendar: WorkingCalendar | None = None):
    days = assignment.proposal.session.reassign_request_working_days
    return (calendar or WorkingCalendar()).add_working_days(assignment.assigned_on, days)


@transaction.atomic
def reassignment_request_create(
    *,
    assignment: Assignment,
    reason: str,
    suggested_unit: Unit | None = None,
    actor=None,
    today: dt.date | None = None,
) -> ReassignmentRequest:
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("proposal__session")
        .get(pk=assignment.pk)
    )
    today = today or timezone.localdate()
    if not assignment.is_open:
        raise ValidationError(_("该交办已完成或已撤回，不能申请调整。"), code="closed")
    deadline = reassignment_deadline(assignment)
    if today > deadline:
        raise ValidationError(
            _("申请调整须在交办后%(days)d个工作日内（%(deadline)s前）提出。")
            % {
                "days": assignment.proposal.session.reassign_request_working_days,
                "deadline": deadline.isoformat(),
            },
            code="too_late",
        )
    if not reason.strip():
        raise ValidationError({"reason": _("请说明申请调整的理由。")}, code="required")
    if suggested_unit is not None and suggested_unit.pk == assignment.unit_id:
        raise ValidationError(
            {"suggested_unit": _("建议承办单位不能是本单位。")}, code="same_unit"
        )
    request = ReassignmentRequest(
        assignment=assignment,
        reason=reason.strip(),
        suggested_unit=suggested_unit,
        requested_by=actor,
    )
    save_as(request, actor)
    return request


@transaction.atomic
def reassignment_request_decide(
    *,
    request: ReassignmentRequest,
    approve: bool,
    new_unit: Unit | None = None,
    note: str = "",
    actor=None,
    today: dt.date | None = None,
) -> ReassignmentRequest:
    """Approving withdraws the assignment and hands the proposal, in the same role, to
    the new unit, with a due date counted afresh from today."""
    request = ReassignmentRequest.objects.select_for_update().get(pk=request.pk)
    move(request, Decision.APPROVED if approve else Decision.REJECTED)
    if approve:
        old = assignment_withdraw(assignment=request.assignment, actor=actor)
        unit = new_unit or request.suggested_unit
        if unit is None:
            raise ValidationError({"new_unit": _("请选择调整后的承办单位。")}, code="required")
        request.new_assignment = assignment_create(
            proposal=old.proposal,
            choice=UnitChoice(unit=unit, role=old.role),
            assigned_on=today or timezone.localdate(),
            calendar=WorkingCalendar(),
            actor=actor,
        )
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.decision_note = note
    save_as(request, actor)
    notify_reassignment_decided(request=request)
    return request
