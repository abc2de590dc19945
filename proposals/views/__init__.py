from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .models import CommitteeRole


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on their own work list."""
    user = request.user
    is_staff_member = CommitteeRole.objects.filter(user=user).exists() or user.is_superuser
    context = {
        "today": timezone.localdate(),
        "units": selectors.units_of(user),
        "assignments": selectors.open_assignments_of(user)[:50],
        "is_committee_staff": is_staff_member,
        "recent_proposals": (
            selectors.proposals_visible_to(user)
            .select_related("session", "lead_proposer")
            .order_by("-registered_at")[:20]
            if is_staff_member
            else []
        ),
    }
    return render(request, "proposals/home.html", context)
