"""届次汇编: started from the job list, followed on the job's progress page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs.registry import StartAction
from proposals import access

from .. import compilation


@login_required
@require_POST
def session_compilation_start(request: HttpRequest, session_id: int) -> HttpResponse:
    # 404 for another committee's session (an outsider must not learn it exists); 403 for
    # the committee's units, who see the session but do not compile it.
    session = get_object_or_404(access.sessions_visible_to(request.user), pk=session_id)
    if not compilation.can_start_session_compilation(request.user, session):
        raise PermissionDenied
    job = compilation.session_compilation_start(session=session, actor=request.user)
    return redirect("jobs:detail", pk=job.pk)


def job_list_actions(user) -> list[StartAction]:
    """The job list's 导出届次汇编 buttons: one per session the person may compile."""
    return [
        StartAction(
            heading=_("导出届次汇编"),
            label=str(session),
            url=reverse("replies:session_compilation", args=[session.pk]),
            button=_("导出汇编"),
        )
        for session in access.sessions_managed_by(user)
    ]
