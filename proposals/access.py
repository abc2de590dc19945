"""Who may see and do what with proposals, assignments, sections and sessions: the one
place where these rules are written.

Every view, download, search, export, statistic and context processor asks here (replies
ask `replies.access`, which builds on this). Two kinds of question, as in django-rules'
predicates: querysets ``<things>_visible_to(user)`` (not in it → 404, we do not even say
it exists) and yes/no predicates ``is_…`` / ``can_…`` (visible but not allowed → 403).
Committees never cross: every queryset is filtered by the person's committees or units.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import (
    Assignment,
    Committee,
    CommitteeRole,
    Membership,
    Proposal,
    Proposer,
    Section,
    Session,
    SupervisionRecord,
    Task,
    Unit,
)

MANAGING_ROLES = (CommitteeRole.Role.CLERK, CommitteeRole.Role.ADMINISTRATOR)
HANDLING_ROLES = (Membership.Role.HANDLER, Membership.Role.UNIT_ADMIN)


# --- Who the person is: committee staff, a unit's people, a signer.


def committees_staffed_by(user) -> QuerySet:
    """Committees the person works for (any committee role)."""
    return CommitteeRole.objects.filter(user=user).values("committee_id")


def managed_committee_ids(user) -> QuerySet:
    """Committees whose proposals this person registers and assigns (交办员/管理员)."""
    return CommitteeRole.objects.filter(user=user, role__in=MANAGING_ROLES).values(
        "committee_id"
    )


def is_clerk(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or managed_committee_ids(user).exists()


def manages_committee(user, committee_id: int) -> bool:
    """Committee staff (交办员/管理员) see every unit's work and figures of the committee."""
    return user.is_authenticated and (
        user.is_superuser or managed_committee_ids(user).filter(committee_id=committee_id).exists()
    )


def unit_ids_of(user) -> QuerySet:
    """The units the person works in (any role), as a subquery of ids."""
    return Membership.objects.filter(user=user).values("unit_id")


def units_of(user) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(memberships__user=user).distinct()


def own_units_in(user, committee_id: int) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(committee_id=committee_id, memberships__user=user)
        .distinct()
        .order_by("name")
    )


def is_member_of(user, unit_id: int) -> bool:
    return user.is_authenticated and Membership.objects.filter(user=user, unit_id=unit_id).exists()


def signing_unit_ids(user) -> QuerySet:
    """The units where the person signs replies (签发人), as a subquery of ids."""
    return Membership.objects.filter(user=user, role=Membership.Role.SIGNER).values("unit_id")


def is_signer(user, unit_id: int | None = None) -> bool:
    """A signer of the unit (or, without a unit, of any unit)."""
    if user is None or not user.is_authenticated:
        return False
    units = signing_unit_ids(user)
    if unit_id is not None:
        units = units.filter(unit_id=unit_id)
    return units.exists()


# --- Sessions.


def sessions_visible_to(user) -> QuerySet[Session]:
    """Sessions of the committees a person staffs or whose units they work for."""
    if not user.is_authenticated:
        return Session.objects.none()
    if user.is_superuser:
        return Session.objects.all()
    unit_committees = Unit.objects.filter(memberships__user=user).values("committee_id")
    return Session.objects.filter(
        Q(committee__in=committees_staffed_by(user)) | Q(committee__in=unit_committees)
    )


def sessions_managed_by(user) -> QuerySet[Session]:
    """Sessions of the committees the person works for as clerk or administrator: theirs to
    register proposals in and to compile (届次汇编)."""
    if not user.is_authenticated:
        return Session.objects.none()
    if user.is_superuser:
        return Session.objects.all()
    return Session.objects.filter(committee__in=managed_committee_ids(user))


# --- Proposals.


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """Committee staff see their committee's proposals; a unit's people see the proposals
    handed to their unit (not withdrawn); nobody sees another committee's."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    if user.is_superuser:
        return Proposal.objects.all()
    # Uncorrelated subqueries: the database hashes the assigned proposal ids once instead
    # of probing the assignments for every proposal.
    assigned = (
        Assignment.objects.filter(unit__in=unit_ids_of(user))
        .exclude(state=Assignment.State.WITHDRAWN)
        .values("proposal_id")
    )
    staffed = list(committees_staffed_by(user).values_list("committee_id", flat=True))
    if not staffed:
        return Proposal.objects.filter(pk__in=assigned)
    return Proposal.objects.filter(Q(session__committee_id__in=staffed) | Q(pk__in=assigned))


def proposals_managed_by(user) -> QuerySet[Proposal]:
    if not user.is_authenticated:
        return Proposal.objects.none()
    if user.is_superuser:
        return Proposal.objects.all()
    return Proposal.objects.filter(session__committee__in=managed_committee_ids(user))


def can_manage_proposal(user, proposal: Proposal) -> bool:
    return proposals_managed_by(user).filter(pk=proposal.pk).exists()


def handed_to_own_unit(user, proposal_ref: str) -> Exists:
    """The proposal at ``proposal_ref`` (an OuterRef path) is handed to one of the person's
    units, in any role, and not withdrawn: the unit handles it."""
    return Exists(
        Assignment.objects.filter(
            proposal=OuterRef(proposal_ref), unit_id__in=unit_ids_of(user)
        ).exclude(state=Assignment.State.WITHDRAWN)
    )


def units_assignable_by(user) -> QuerySet[Unit]:
    """Active units of the committees this clerk manages."""
    if not user.is_authenticated:
        return Unit.objects.none()
    units = Unit.objects.filter(is_active=True)
    if user.is_superuser:
        return units
    return units.filter(committee__in=managed_committee_ids(user))


def proposers_managed_by(user) -> QuerySet[Proposer]:
    if not user.is_authenticated:
        return Proposer.objects.none()
    if user.is_superuser:
        return Proposer.objects.all()
    return Proposer.objects.filter(committee__in=managed_committee_ids(user))


# --- Assignments.


def assignments_visible_to(user) -> QuerySet[Assignment]:
    if not user.is_authenticated:
        return Assignment.objects.none()
    if user.is_superuser:
        return Assignment.objects.all()
    return Assignment.objects.filter(
        Q(proposal__session__committee__in=committees_staffed_by(user))
        | Q(unit__in=unit_ids_of(user))
    )


def can_handle_assignment(user, assignment: Assignment) -> bool:
    """Handlers and unit admins of the assigned unit write on it; signers only read."""
    return (
        user.is_authenticated
        and assignment.state != Assignment.State.WITHDRAWN
        and Membership.objects.filter(
            user=user, unit_id=assignment.unit_id, role__in=HANDLING_ROLES
        ).exists()
    )


def answering_assignments_of(user) -> QuerySet[Assignment]:
    """Assignments (lead or split, not withdrawn) held by the person's units."""
    return Assignment.objects.filter(
        unit__in=unit_ids_of(user), role__in=Assignment.ANSWERING_ROLES
    ).exclude(state=Assignment.State.WITHDRAWN)


# --- Sections.


def section_visibility(user) -> Q:
    """The sections a person may see, as a condition on Section without joins that
    multiply rows (no DISTINCT; the search filters many sections with it). A unit sees its
    own sections (drafts too); the lead (or split) unit of the proposal and the
    committee's clerks see the other units' sections once submitted. Drafts never leave
    their unit."""
    if user.is_superuser:
        return Q()
    lead_of_proposal = Exists(
        answering_assignments_of(user).filter(proposal=OuterRef("assignment__proposal"))
    )
    clerk = Q(assignment__proposal__session__committee__in=managed_committee_ids(user))
    return Q(assignment__unit__in=unit_ids_of(user)) | (
        (lead_of_proposal | clerk) & ~Q(state=Section.State.DRAFT)
    )


def sections_visible_to(user) -> QuerySet[Section]:
    if not user.is_authenticated:
        return Section.objects.none()
    return Section.objects.filter(section_visibility(user))


def can_decide_section(user, *, assignment: Assignment, section: Section) -> bool:
    """Only a handler of the proposal's lead (or split) unit accepts or returns another
    unit's submitted section, working from its own assignment."""
    return (
        assignment.answers_proposer
        and section.assignment.proposal_id == assignment.proposal_id
        and section.assignment_id != assignment.pk
        and section.assignment.role == Assignment.Role.CO
        and can_handle_assignment(user, assignment)
    )


def menu_roles(user) -> tuple[bool, bool]:
    """(is a clerk, oversees committees below) in one query, for the menu on every page."""
    if not user.is_authenticated:
        return False, False
    rows = CommitteeRole.objects.filter(user=user).annotate(
        has_children=Exists(Committee.objects.filter(parent_id=OuterRef("committee_id")))
    ).values_list("role", "reads_descendants", "has_children")
    clerk, oversees = user.is_superuser, False
    for role, reads_descendants, has_children in rows:
        clerk = clerk or role in MANAGING_ROLES
        oversees = oversees or (reads_descendants and has_children)
    return clerk, oversees


def oversees_committees(user) -> bool:
    """Whether the person may read committees below their own (the province page)."""
    return menu_roles(user)[1]


def committees_overseen_by(user) -> list[Committee]:
    """The committees below those where the person holds a role that may read them (a
    province's staff given 可查阅下级政协): read only, never written. Cities first, then
    counties, each level by name. On PostgreSQL the row-level policies allow the same
    reads and no more (rls/)."""
    if not user.is_authenticated:
        return []
    frontier = set(
        CommitteeRole.objects.filter(user=user, reads_descendants=True).values_list(
            "committee_id", flat=True
        )
    )
    seen = set(frontier)
    found: list[Committee] = []
    while frontier:
        level = list(
            Committee.objects.filter(parent__in=frontier).exclude(pk__in=seen).order_by("name")
        )
        found += level
        frontier = {committee.pk for committee in level}
        seen |= frontier
    return found


# --- Tasks inside a unit.


def tasks_visible_to(user) -> QuerySet[Task]:
    """A unit's tasks are its own people's business (any role, signers too); nobody else,
    not even the committee's clerks, sees them."""
    if not user.is_authenticated:
        return Task.objects.none()
    return Task.objects.filter(assignment__unit__in=unit_ids_of(user))


def can_manage_tasks(user, assignment: Assignment) -> bool:
    """Who gives out, hands over and cancels the tasks of an assignment: the unit's
    administrator and its handlers (the people who hold the unit's assignments)."""
    return can_handle_assignment(user, assignment)


def can_finish_task(user, task: Task, *, manages: bool | None = None) -> bool:
    """The person holding the task marks it done (or whoever manages the unit's tasks;
    `manages`: can_manage_tasks for the task's assignment, when the caller knows it)."""
    if task.assignment.state == Assignment.State.WITHDRAWN:
        return False
    if task.assignee_id == user.pk:
        return True
    return can_manage_tasks(user, task.assignment) if manages is None else manages


def task_assignees_for(assignment: Assignment):
    """The people a task of this assignment may be given to: the unit's members."""
    return (
        get_user_model()
        .objects.filter(memberships__unit_id=assignment.unit_id, is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )


def unit_admin_unit_ids(user) -> QuerySet:
    """The units where the person is the unit administrator, as a subquery of ids."""
    return Membership.objects.filter(user=user, role=Membership.Role.UNIT_ADMIN).values(
        "unit_id"
    )


# --- 督办 records of key proposals.


def supervision_records_visible_to(user) -> QuerySet[SupervisionRecord]:
    """The committee's staff read every 督办 record of its proposals; a unit's people read
    those of the proposals handed to their unit (any role, not withdrawn), never write."""
    if not user.is_authenticated:
        return SupervisionRecord.objects.none()
    if user.is_superuser:
        return SupervisionRecord.objects.all()
    # proposals_visible_to, as subqueries of one query.
    assigned = (
        Assignment.objects.filter(unit__in=unit_ids_of(user))
        .exclude(state=Assignment.State.WITHDRAWN)
        .values("proposal_id")
    )
    return SupervisionRecord.objects.filter(
        Q(proposal__session__committee__in=committees_staffed_by(user))
        | Q(proposal__in=assigned)
    )


def can_supervise(user, proposal: Proposal) -> bool:
    """Marking a proposal as key, unmarking it and recording 督办: the committee's clerks."""
    return can_manage_proposal(user, proposal)
