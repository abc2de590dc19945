"""The notice list behind the bell in the header."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import NoticeCursor
from .notices import notices_mark_seen, notices_visible_to
from .selectors import open_assignments_of


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """A person sees their units' notices only; opening the list marks them read."""
    notices = notices_visible_to(request.user).order_by("-pk")
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    cursor = NoticeCursor.objects.filter(user=request.user).first()
    last_seen = cursor.last_seen_id if cursor else 0
    newest = notices.values_list("pk", flat=True).first()
    if newest:
        notices_mark_seen(user=request.user, up_to_id=newest)
    due_dates = {n.due_on for n in page if n.due_on}
    due_dates |= set(open_assignments_of(request.user).values_list("due_on", flat=True))
    return render(
        request,
        "proposals/notices.html",
        {"page": page, "last_seen": last_seen, "due_dates": sorted(due_dates)},
    )
