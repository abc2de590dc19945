"""Fetch-and-check helpers used by every view (like healthchecks' `_get_rw_check_for_user`).

The rule everywhere: fetch the object through a permission-scoped queryset from
`proposals.access` — if the person may not see it, 404 (we don't even say it exists);
if they may see it but not do this, 403 (PermissionDenied). Committees never cross because
every scoped queryset is filtered by the person's committees or units.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from .. import access
from ..models import Assignment, Proposal, Section, Task


def require_clerk(request: HttpRequest) -> None:
    """Pages without an object (list, register): only committee clerks."""
    if not access.is_clerk(request.user):
        raise PermissionDenied


def get_proposal_for_clerk(request: HttpRequest, pk: int) -> Proposal:
    """A proposal the clerk manages. Unit people who can see it get 403, others 404."""
    proposal = get_object_or_404(
        access.proposals_visible_to(request.user).select_related(
            "session__committee", "lead_proposer", "merged_into"
        ),
        pk=pk,
    )
    if not access.can_manage_proposal(request.user, proposal):
        raise PermissionDenied
    return proposal


def get_assignment_for_unit(
    request: HttpRequest, pk: int, *, write: bool = False, answering: bool = False
) -> Assignment:
    """An assignment of one of the person's units.

    write: the person must be a handler (or unit admin) of the unit, not only a signer.
    answering: the assignment must be a lead or split one (the unit that answers the
    proposer: contact records, deciding co-units' sections, the reply).
    """
    assignment = get_object_or_404(
        access.assignments_visible_to(request.user).select_related(
            "proposal__session__committee", "proposal__lead_proposer", "unit"
        ),
        pk=pk,
    )
    user = request.user
    if not access.is_member_of(user, assignment.unit_id):
        raise PermissionDenied  # e.g. the committee's clerk on a unit page
    if write and not access.can_handle_assignment(user, assignment):
        raise PermissionDenied
    if answering and not assignment.answers_proposer:
        raise PermissionDenied
    return assignment


def get_section_for_unit(
    request: HttpRequest,
    assignment: Assignment,
    pk: int,
    *,
    own: bool = False,
    decide: bool = False,
) -> Section:
    """A section of the same proposal, visible to the person (drafts stay in their unit).

    own: the section must belong to `assignment` (writing or submitting it).
    decide: the person's assignment must be the lead (or split) one and the section a
    co-unit's (accepting or returning it).
    """
    section = get_object_or_404(
        access.sections_visible_to(request.user)
        .filter(assignment__proposal_id=assignment.proposal_id)
        .select_related("assignment__unit"),
        pk=pk,
    )
    if own and section.assignment_id != assignment.pk:
        raise PermissionDenied
    if decide and not access.can_decide_section(
        request.user, assignment=assignment, section=section
    ):
        raise PermissionDenied
    return section


def get_task_for_unit(
    request: HttpRequest, pk: int, task_pk: int, *, manage: bool = False, finish: bool = False
) -> Task:
    """A task of the assignment `pk`, seen only by the unit's own people (everyone else,
    the committee's clerks too, 404).

    manage: the person gives out, hands over or cancels the unit's tasks (unit admin or
    handler). finish: the person holds the task or manages the unit's tasks.
    """
    task = get_object_or_404(
        access.tasks_visible_to(request.user).select_related(
            "assignment__proposal__session__committee", "assignment__proposal__lead_proposer",
            "assignment__unit", "assignment__session", "assignee",
        ),
        pk=task_pk,
        assignment_id=pk,
    )
    if manage and not access.can_manage_tasks(request.user, task.assignment):
        raise PermissionDenied
    if finish and not access.can_finish_task(request.user, task):
        raise PermissionDenied
    return task
