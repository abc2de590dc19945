"""Reads for the pages. Who may see what is `access.py`; these build on it."""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from . import access
from .dates import MissingHolidayData, WorkingCalendar
from .models import Assignment, Proposal, Session, SupervisionRecord, Task, Unit

# A task is 临期 within its session's reminder working days (the widest, when it has
# several: the scan reminds from then on), or these when the session has none.
TASK_DUE_SOON_WORKING_DAYS = 3


def caseless(text: str) -> bool:
    """True when `text` has no letters with case (Chinese, digits, punctuation)."""
    return text.upper() == text.lower()


def text_contains(field: str, text: str) -> Q:
    """`field` holds `text`, case-insensitively. Chinese has no case: for text without
    cased letters the plain LIKE is used, which spares upper() on every row and which the
    PostgreSQL planner estimates far better."""
    lookup = "contains" if caseless(text) else "icontains"
    return Q(**{f"{field}__{lookup}": text})


def proposals_for_clerk_list(
    user, *, today: dt.date, q: str = "", session: Session | None = None, status: str = "",
    unit: Unit | None = None, overdue: bool = False,
) -> QuerySet[Proposal]:
    """The clerk's proposal list: the proposals the person manages, filtered by the list's
    form (q: words of the 案由 or the number, 第12号 too; the session; the status; a unit
    that holds it; only those with overdue work on `today`), with their assignments."""
    proposals = (
        access.proposals_managed_by(user)
        .select_related("session", "lead_proposer")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("unit").in_reading_order(),
            )
        )
        # Key proposals (重点提案) first, in every work list.
        .order_by("-is_key", "-session__year", "session_id", "number")
    )
    if q := q.strip():
        match = text_contains("title", q)
        if q.lstrip("第").rstrip("号").isdigit():
            match |= Q(number=int(q.lstrip("第").rstrip("号")))
        proposals = proposals.filter(match)
    if session:
        # Within one session the (session, is_key, number) index gives the order.
        proposals = proposals.filter(session=session).order_by("-is_key", "number")
    if status:
        proposals = proposals.filter(status=status)
    if unit:
        held = Assignment.objects.filter(proposal=OuterRef("pk"), unit=unit)
        if session:  # read from the (unit, session) index
            held = held.filter(session=session)
        proposals = proposals.filter(Exists(held.exclude(state=Assignment.State.WITHDRAWN)))
    if overdue:
        late = Assignment.objects.overdue(on=today).filter(proposal=OuterRef("pk"))
        proposals = proposals.filter(Exists(late))
    return proposals


def open_assignments_of(user) -> QuerySet[Assignment]:
    """A unit person's work list: their units' open assignments, those of key proposals
    (重点提案) first, then soonest due first."""
    return (
        Assignment.objects.filter(
            unit__in=access.unit_ids_of(user),
            state__in=Assignment.OPEN_STATES,
        )
        .select_related("proposal__session", "proposal__lead_proposer", "unit")
        .order_by("-proposal__is_key", "due_on", "pk")
    )


def reading_places(user, proposal_ids) -> dict[int, tuple[str, int]]:
    """Where the person opens each of these proposals, the one rule of every page that
    lists proposals: ("proposal", id) — the clerk's page, for the committee's clerks;
    ("assignment", id) — their unit's own assignment of it (an answering one before a
    co-handling one), for a unit's people. A proposal with neither is left out: the
    page shows it as plain text, not a link that ends in 403."""
    ids = {int(pk) for pk in proposal_ids}
    if not ids or not user.is_authenticated:
        return {}
    places: dict[int, tuple[str, int]] = {
        pk: ("proposal", pk)
        for pk in access.proposals_managed_by(user).filter(pk__in=ids).values_list("pk", flat=True)
    }
    own = (
        Assignment.objects.filter(
            proposal_id__in=ids - set(places),
            unit__in=access.unit_ids_of(user),
        )
        .exclude(state=Assignment.State.WITHDRAWN)
        .values_list("proposal_id", "pk", "role")
    )
    answering_first = lambda row: (row[2] not in Assignment.ANSWERING_ROLES, row[1])  # noqa: E731
    for proposal_id, pk, _role in sorted(own, key=answering_first):
        places.setdefault(proposal_id, ("assignment", pk))
    return places


def open_tasks_of(user) -> QuerySet[Task]:
    """The person's own open tasks, soonest due first."""
    if not user.is_authenticated:
        return Task.objects.none()
    return (
        Task.objects.filter(assignee=user, state=Task.State.OPEN)
        .exclude(assignment__state=Assignment.State.WITHDRAWN)
        .select_related("assignment__proposal", "assignment__unit", "assignment__session")
        .order_by("due_on", "pk")
    )


def overdue_tasks_watched_by(user, *, today: dt.date) -> QuerySet[Task]:
    """Past-due tasks of the units the person administers (单位管理员), whoever holds them."""
    if not user.is_authenticated:
        return Task.objects.none()
    return (
        Task.objects.overdue(on=today)
        .filter(assignment__unit__in=access.unit_admin_unit_ids(user))
        .exclude(assignment__state=Assignment.State.WITHDRAWN)
        .select_related("assignment__proposal", "assignment__unit", "assignee")
        .order_by("due_on", "pk")
    )


def task_due_soon_days(session: Session) -> int:
    days = [d for d in (session.reminder_working_days or []) if isinstance(d, int) and d > 0]
    return max(days, default=TASK_DUE_SOON_WORKING_DAYS)


def flag_tasks(tasks, *, today: dt.date, calendar: WorkingCalendar | None = None) -> list[Task]:
    """Mark each task is_overdue (过期), is_due_soon (临期) and days_left. Tasks need
    assignment__session loaded. Without the holiday data for the days ahead nothing is
    marked 临期 rather than guessed (the pages warn about the missing year)."""
    tasks = list(tasks)
    calendar = calendar or WorkingCalendar()
    horizons: dict[int, dt.date | None] = {}
    for task in tasks:
        session = task.assignment.session
        if session.pk not in horizons:
            try:
                horizons[session.pk] = calendar.add_working_days(
                    today, task_due_soon_days(session)
                )
            except MissingHolidayData:
                horizons[session.pk] = None
        horizon = horizons[session.pk]
        task.is_overdue = task.is_overdue_on(today)
        task.is_due_soon = (
            task.is_open and not task.is_overdue and horizon is not None and task.due_on <= horizon
        )
        task.days_left = (task.due_on - today).days
        task.days_overdue = -task.days_left
    return tasks


def key_proposals_for_clerk(user, *, session: Session | None = None) -> QuerySet[Proposal]:
    """The key proposals (重点提案) the person manages, of one session or all, by number,
    with their units in reading order and their 督办 record counts."""
    proposals = (
        access.proposals_managed_by(user)
        .filter(is_key=True)
        .select_related("session", "lead_proposer")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("unit").in_reading_order(),
            )
        )
        .order_by("-session__year", "session_id", "number")
    )
    if session is not None:
        proposals = proposals.filter(session=session)
    return proposals


def supervision_records_of(user, proposal: Proposal) -> QuerySet[SupervisionRecord] | list:
    """The 督办 records of the proposal the person may read, newest first. Records are
    made only on key proposals and marking names the leader, who stays named after an
    unmarking: a proposal never marked has none, and costs no query."""
    if not (proposal.is_key or proposal.supervising_leader):
        return []
    return (
        access.supervision_records_visible_to(user)
        .filter(proposal=proposal)
        .select_related("recorded_by")
    )


def awaits_leader_note(proposal: Proposal) -> bool:
    """A key proposal whose session asks for its 领衔督办 leader's note before sign-off
    (Session.key_requires_leader_note) and has none recorded yet: its replies may not be
    signed off. The one definition, asked by the sign-off and by the signer's page."""
    return (
        proposal.is_key
        and proposal.session.key_requires_leader_note
        and not SupervisionRecord.objects.filter(
            proposal=proposal, kind=SupervisionRecord.Kind.LEADER_NOTE
        ).exists()
    )
