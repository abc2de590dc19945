"""The progress page of a background job, its JSON status and its download."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import registry
from .access import jobs_visible_to
from .heartbeat import interrupted_message
from .models import Job


def _get_job_for_user(user, pk: int) -> Job:
    # 404, not 403: another unit's people must not learn that the job exists.
    return get_object_or_404(jobs_visible_to(user), pk=pk)


def _status(job: Job) -> dict:
    # A running job whose worker died shows so at once; the sweep re-queues it (heartbeat).
    interrupted = job.is_interrupted
    return {
        "id": job.pk,
        "state": job.state,
        "state_display": _("已中断") if interrupted else job.get_state_display(),
        "interrupted": interrupted,
        "progress": job.progress,
        "message": interrupted_message(job) if interrupted else job.message,
        "error": job.error if job.state == Job.State.FAILED else "",
        "download_url": (
            reverse("jobs:download", args=[job.pk])
            if job.state == Job.State.DONE and job.result
            else ""
        ),
        "filename": job.result.name.rsplit("/", 1)[-1] if job.result else "",
    }


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request.user, pk)
    session_id = (job.params or {}).get("session_id")
    back = reverse("insights:dashboard_session", args=[session_id]) if session_id else ""
    return render(
        request, "jobs/job_detail.html", {"job": job, "status": _status(job), "back": back}
    )


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _get_job_for_user(request.user, pk)
    response = JsonResponse(_status(job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _get_job_for_user(request.user, pk)
    if job.state != Job.State.DONE or not job.result:
        raise Http404
    name = job.result.name.rsplit("/", 1)[-1]
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=name)


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = jobs_visible_to(request.user).select_related("owner")[:50]
    actions = registry.start_actions_for(request.user)
    return render(request, "jobs/job_list.html", {"jobs": jobs, "actions": actions})
