"""Views of the proposals app: home here, the clerk's pages in clerk.py, units' in unit.py.
Fetch-and-check helpers live in _access.py (built on proposals.access)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import access, selectors
from ..dates import WorkingCalendar
from ..models import Assignment
from ._panels import Panel, build_panels

DUE_SOON_DAYS = 7
WORK_LIST_ROWS = 50

# Other apps' panels on the home page (e.g. replies: 会签 waiting for the unit), see _panels.
HOME_PANELS: list[Panel] = []


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on their own work list: clerks on the proposal list, unit people
    on their unit's open assignments."""
    user = request.user
    units = list(access.units_of(user))
    if (not units and access.oversees_committees(user)
            and not access.sessions_visible_to(user).exists()):
        # A province's staff with no proposals of its own: the committees below.
        return redirect("insights:province")
    if access.is_clerk(user) and not units:
        return redirect("proposals:proposal_list")
    today = timezone.localdate()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    open_work = selectors.open_assignments_of(user)
    # The counts cover all open work; the list shows the most urgent (soonest due) first.
    totals = open_work.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Assignment.overdue_condition(today)),
        due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=soon)),
    )
    assignments = list(open_work[:WORK_LIST_ROWS])
    calendar = WorkingCalendar()  # one holiday table for both task lists
    for a in assignments:
        a.is_overdue = a.is_overdue_on(today)
        a.is_due_soon = not a.is_overdue and a.due_on <= soon
        a.days_left = (a.due_on - today).days
        a.days_overdue = -a.days_left
    context = {
        "today": today,
        "units": units,
        "assignments": assignments,
        "open_total": totals["total"],
        "tasks": selectors.flag_tasks(
            selectors.open_tasks_of(user)[:WORK_LIST_ROWS], today=today, calendar=calendar
        ),
        "late_unit_tasks": selectors.flag_tasks(
            selectors.overdue_tasks_watched_by(user, today=today)
            .select_related("assignment__session")[:WORK_LIST_ROWS],
            today=today,
            calendar=calendar,
        ),
        "is_clerk": access.is_clerk(user),
        "overdue_count": totals["overdue"],
        "due_soon_count": totals["due_soon"],
        "panels": build_panels(HOME_PANELS, request, user),
    }
    return render(request, "proposals/home.html", context)
