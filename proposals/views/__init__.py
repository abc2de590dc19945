"""Views of the proposals app: home here, the clerk's pages in clerk.py, units' in unit.py.
Permission checks live in _access.py (built on proposals.selectors)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import selectors

DUE_SOON_DAYS = 7


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on their own work list: clerks on the proposal list, unit people
    on their unit's open assignments."""
    user = request.user
    units = list(selectors.units_of(user))
    if selectors.is_clerk(user) and not units:
        return redirect("proposals:proposal_list")
    today = timezone.localdate()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    assignments = list(selectors.open_assignments_of(user)[:200])
    for a in assignments:
        a.is_overdue = a.due_on < today
        a.is_due_soon = not a.is_overdue and a.due_on <= soon
        a.days_left = (a.due_on - today).days
        a.days_overdue = -a.days_left
    context = {
        "today": today,
        "units": units,
        "assignments": assignments,
        "tasks": selectors.open_tasks_of(user)[:50],
        "is_clerk": selectors.is_clerk(user),
        "overdue_count": sum(a.is_overdue for a in assignments),
        "due_soon_count": sum(a.is_due_soon for a in assignments),
    }
    return render(request, "proposals/home.html", context)
