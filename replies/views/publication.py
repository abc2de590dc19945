"""公开答复, the committee clerk's side: the list (待发布 with due dates and 逾期, 已发布,
已撤回), and one publication: the original and the public version side by side, the
choices (全文/摘要, 不宜公开 phrases), preview, confirm; withdraw with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from proposals import access as proposal_access
from proposals.transitions import TransitionError

from .. import access, redaction
from ..forms import PublicationForm, PublicationWithdrawForm
from ..models import Publication
from ..services import publication as svc

P = Publication.State


def _get(request: HttpRequest, pk: int) -> Publication:
    return get_object_or_404(
        access.publications_managed_by(request.user).select_related(
            "reply__unit", "reply__proposal__session", "reply__proposal__lead_proposer",
            "published_by", "withdrawn_by",
        ),
        pk=pk,
    )


@login_required
@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    if not proposal_access.is_clerk(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    managed = access.publications_managed_by(request.user).select_related(
        "reply__unit", "reply__proposal__session")
    in_force = managed.filter(reply__in=svc.publishable_replies())
    pending = list(in_force.filter(state=P.PENDING).order_by("due_on", "pk")[:500])
    overdue_ids = set(svc.overdue_publications(today).filter(
        pk__in=[p.pk for p in pending]).values_list("pk", flat=True))
    for p in pending:
        p.is_overdue = p.pk in overdue_ids
    # A published reply that a signed correction replaced is off the public site (the
    # clerks were told); the list says so instead of 已发布.
    done = Paginator(managed.exclude(state=P.PENDING).annotate(
        on_site=Exists(svc.publishable_replies().filter(pk=OuterRef("reply_id")))
    ).order_by("-published_at", "-pk"), 50)
    return render(request, "replies/publication_list.html", {
        "pending": pending,
        "overdue_count": len(overdue_ids),
        "only_overdue": request.GET.get("overdue") == "1",
        "done": done.get_page(request.GET.get("page")),
        "today": today,
    })


def _page(request, publication, *, form=None, withdraw_form=None, status=200):
    form = form or PublicationForm(initial={
        "mode": publication.mode, "summary": publication.summary, "marks": publication.marks})
    data = form.cleaned_data if form.is_bound and form.is_valid() else {
        "mode": form.initial.get("mode", "full"), "summary": form.initial.get("summary", ""),
        "marks": form.initial.get("marks", "")}
    marks = [m.strip() for m in (data.get("marks") or "").splitlines() if m.strip()]
    preview = svc.publication_preview(
        reply=publication.reply, mode=data.get("mode") or "full",
        summary=data.get("summary") or "", marks=marks,
    )
    return render(request, "replies/publication.html", {
        "publication": publication,
        "reply": publication.reply,
        "proposal": publication.reply.proposal,
        "preview": preview,
        "form": form,
        "withdraw_form": withdraw_form or PublicationWithdrawForm(),
        "rules": redaction.describe_rules(),
        "publishable": svc.publishable_replies().filter(pk=publication.reply_id).exists(),
        "is_overdue": svc.overdue_publications(timezone.localdate())
        .filter(pk=publication.pk).exists(),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the preview with the stored choices. POST action=preview: the preview with the
    choices typed (nothing saved); action=publish: confirm."""
    publication = _get(request, pk)
    if request.method == "GET":
        return _page(request, publication)
    form = PublicationForm(request.POST)
    if not form.is_valid():
        return _page(request, publication, form=form, status=400)
    if request.POST.get("action") != "publish":
        return _page(request, publication, form=form)
    try:
        svc.publication_publish(
            publication=publication, actor=request.user, mode=form.cleaned_data["mode"],
            summary=form.cleaned_data["summary"], marks=form.cleaned_data["marks"],
        )
    except (ValidationError, TransitionError) as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _page(request, publication, form=form, status=400)
    messages.success(request, _("已公开发布。公众可在政协网站“公开答复”栏目查看。"))
    return redirect("replies:publication", pk=publication.pk)


@login_required
@require_POST
def publication_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _get(request, pk)
    form = PublicationWithdrawForm(request.POST)
    if form.is_valid():
        try:
            svc.publication_withdraw(publication=publication, actor=request.user,
                                     reason=form.cleaned_data["reason"])
        except (ValidationError, TransitionError) as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("已撤回，公众不再能看到这份答复。"))
            return redirect("replies:publication", pk=publication.pk)
    return _page(request, publication, withdraw_form=form, status=400)
