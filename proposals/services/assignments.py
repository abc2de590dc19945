"""交办: handing a proposal to units, with due dates from the session's terms."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..dates import WorkingCalendar
from ..models import Assignment, Proposal, Session, Unit
from ..signals import assignment_withdrawn
from ..transitions import move
from ._common import save_as

Role = Assignment.Role


@dataclass(frozen=True)
class UnitChoice:
    """One unit to hand a proposal to; `due_on` None means "from the session's terms"."""

    unit: Unit
    role: str
    due_on: dt.date | None = None


def assignment_default_due_on(
    *, session: Session, role: str, assigned_on: dt.date, calendar: WorkingCalendar | None = None
) -> dt.date:
    months = session.co_term_months if role == Role.CO else session.lead_term_months
    return (calendar or WorkingCalendar()).months_after(assigned_on, months)


def _check_roles(choices: list[UnitChoice]) -> None:
    roles = [c.role for c in choices]
    if not choices:
        raise ValidationError(_("请至少选择一个承办单位。"), code="no_units")
    if Role.LEAD not in roles and Role.SPLIT not in roles:
        raise ValidationError(_("请指定主办单位或分办单位。"), code="no_lead")
    if roles.count(Role.LEAD) > 1:
        raise ValidationError(
            _("一件提案只能有一个主办单位；多个单位分别答复请选择“分办”。"), code="two_leads"
        )
    if Role.LEAD in roles and Role.SPLIT in roles:
        raise ValidationError(_("主办与分办不能同时使用。"), code="lead_and_split")
    units = [c.unit.pk for c in choices]
    if len(units) != len(set(units)):
        raise ValidationError(_("同一单位不能重复选择。"), code="duplicate_unit")


def assignment_create(
    *, proposal: Proposal, choice: UnitChoice, assigned_on: dt.date, calendar, actor
) -> Assignment:
    """Hand `proposal` to one unit, with the due date of its role unless the choice sets
    one. The building block of 交办, adding a unit and approved reassignments: it checks
    the unit, not the proposal's state, and runs inside the caller's transaction, which
    holds the proposal's row lock."""
    unit = choice.unit
    if unit.committee_id != proposal.session.committee_id:
        raise ValidationError(
            _("「%(unit)s」不属于%(committee)s。")
            % {"unit": unit, "committee": proposal.session.committee},
            code="other_committee",
        )
    if not unit.is_active:
        raise ValidationError(_("「%(unit)s」已停用。") % {"unit": unit}, code="inactive_unit")
    due_on = choice.due_on or assignment_default_due_on(
        session=proposal.session, role=choice.role, assigned_on=assigned_on, calendar=calendar
    )
    assignment = Assignment(
        proposal=proposal,
        unit=unit,
        role=choice.role,
        assigned_on=assigned_on,
        due_on=due_on,
        assigned_by=actor,
    )
    save_as(assignment, actor)
    return assignment


@transaction.atomic
def proposal_assign(
    *,
    proposal: Proposal,
    units: list[UnitChoice],
    assigned_on: dt.date | None = None,
    actor=None,
) -> list[Assignment]:
    """交办 an accepted proposal to its lead (or split) and co-handling units, all at once."""
    proposal = Proposal.objects.select_for_update().select_related("session").get(pk=proposal.pk)
    _check_roles(units)
    move(proposal, Proposal.Status.ASSIGNED)
    assigned_on = assigned_on or timezone.localdate()
    calendar = WorkingCalendar()
    created = [
        assignment_create(
            proposal=proposal, choice=c, assigned_on=assigned_on, calendar=calendar, actor=actor
        )
        for c in units
    ]
    proposal.assigned_on = assigned_on
    save_as(proposal, actor)
    return created


@transaction.atomic
def assignment_add(
    *,
    proposal: Proposal,
    choice: UnitChoice,
    assigned_on: dt.date | None = None,
    actor=None,
) -> Assignment:
    """Add one more unit (usually a co-handling one) to a proposal already handed over."""
    proposal = Proposal.objects.select_for_update().select_related("session").get(pk=proposal.pk)
    if proposal.status not in (Proposal.Status.ASSIGNED, Proposal.Status.IN_PROGRESS):
        raise ValidationError(
            _("只有已交办或办理中的提案可以增加承办单位。"), code="not_assigned"
        )
    open_roles = set(
        proposal.assignments.exclude(state=Assignment.State.WITHDRAWN).values_list(
            "role", flat=True
        )
    )
    if choice.role == Role.LEAD and (Role.LEAD in open_roles or Role.SPLIT in open_roles):
        raise ValidationError(_("该提案已有主办或分办单位。"), code="two_leads")
    if choice.role == Role.SPLIT and Role.LEAD in open_roles:
        raise ValidationError(_("主办与分办不能同时使用。"), code="lead_and_split")
    return assignment_create(
        proposal=proposal,
        choice=choice,
        assigned_on=assigned_on or timezone.localdate(),
        calendar=WorkingCalendar(),
        actor=actor,
    )


@transaction.atomic
def assignment_start(*, assignment: Assignment, actor=None) -> Assignment:
    """The unit starts handling; the proposal becomes 办理中 with its first lead unit."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.state == Assignment.State.IN_PROGRESS:
        return assignment
    move(assignment, Assignment.State.IN_PROGRESS)
    save_as(assignment, actor)
    proposal = Proposal.objects.select_for_update().get(pk=assignment.proposal_id)
    if assignment.answers_proposer and proposal.status == Proposal.Status.ASSIGNED:
        move(proposal, Proposal.Status.IN_PROGRESS)
        save_as(proposal, actor)
    return assignment


@transaction.atomic
def assignment_complete(*, assignment: Assignment, actor=None) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.state == Assignment.State.ASSIGNED:
        move(assignment, Assignment.State.IN_PROGRESS)
    move(assignment, Assignment.State.COMPLETED)
    assignment.completed_at = timezone.now()
    save_as(assignment, actor)
    return assignment


@transaction.atomic
def assignment_reopen(*, assignment: Assignment, actor=None) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    move(assignment, Assignment.State.IN_PROGRESS)
    assignment.completed_at = None
    save_as(assignment, actor)
    return assignment


@transaction.atomic
def assignment_due_again(*, assignment: Assignment, due_on: dt.date, actor=None) -> dt.date:
    """重新办理: the assignment is due again by `due_on` (never earlier than it was). The
    due date of the first answer is kept in first_due_on, once, for 按期办复."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.first_due_on is None:
        assignment.first_due_on = assignment.due_on
    assignment.due_on = max(assignment.due_on, due_on)
    save_as(assignment, actor)
    return assignment.due_on


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, actor=None) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    move(assignment, Assignment.State.WITHDRAWN)
    save_as(assignment, actor)
    assignment_withdrawn.send(sender=Assignment, assignment=assignment, actor=actor)
    return assignment
