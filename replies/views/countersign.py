"""会签 pages of a co-handling unit: its requests, one request with the draft (its own
paragraphs marked), confirm or return with a reason. The lead unit sees the states on the
reply page (signer.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from proposals import access as proposal_access

from .. import access, selectors, services
from ..forms import CountersignReturnForm
from ..models import Countersign

PENDING = Countersign.State.PENDING


def _get_countersign(request: HttpRequest, pk: int) -> Countersign:
    """A request of one of the person's units; anyone else is not told it exists (404)."""
    return get_object_or_404(
        access.countersigns_visible_to(request.user).select_related(
            "unit", "assignment", "reply__unit", "reply__proposal__session",
            "reply__proposal__lead_proposer", "decided_by", "requested_by",
        ),
        pk=pk,
    )


def _page(request: HttpRequest, countersign: Countersign, *, form=None, status=200):
    reply = countersign.reply
    outline = []
    if countersign.is_pending:
        for p in selectors.reply_outline(reply):
            p["is_mine"] = p["unit"].pk == countersign.unit_id
            outline.append(p)
    earlier = (
        Countersign.objects.filter(reply=reply, unit=countersign.unit)
        .exclude(pk=countersign.pk).select_related("decided_by").order_by("-pk")
    )
    context = {
        "countersign": countersign,
        "reply": reply,
        "proposal": reply.proposal,
        "outline": outline,
        "mine_count": sum(1 for p in outline if p["is_mine"]),
        "edited_count": sum(1 for p in outline if p["is_mine"] and p["original"]),
        "earlier": earlier,
        "form": form or CountersignReturnForm(),
    }
    return render(request, "replies/countersign.html", context, status=status)


@login_required
@require_GET
def countersign_list(request: HttpRequest) -> HttpResponse:
    """The unit's 会签 requests: open ones first, then the latest answered."""
    if not proposal_access.units_of(request.user).exists():
        raise PermissionDenied
    visible = access.countersigns_visible_to(request.user).select_related(
        "unit", "reply__unit", "reply__proposal"
    )
    return render(request, "replies/countersign_list.html", {
        "pending": visible.filter(state=PENDING).order_by("due_on", "pk"),
        "answered": visible.exclude(state=PENDING).order_by("-decided_at", "-pk")[:30],
    })


@login_required
@require_GET
def countersign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _get_countersign(request, pk))


def _not_pending(request: HttpRequest, countersign: Countersign) -> HttpResponse:
    messages.info(request, _("这份会签已是「%(s)s」，无需再次处理。") % {
        "s": countersign.get_state_display()})
    return redirect("replies:countersign", pk=countersign.pk)


@login_required
@require_POST
def countersign_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    countersign = _get_countersign(request, pk)
    if not countersign.is_pending:
        return _not_pending(request, countersign)
    try:
        services.countersign_confirm(countersign=countersign, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已会签。主办单位将收到通知。"))
    return redirect("replies:countersign", pk=countersign.pk)


@login_required
@require_POST
def countersign_return(request: HttpRequest, pk: int) -> HttpResponse:
    countersign = _get_countersign(request, pk)
    if not countersign.is_pending:
        return _not_pending(request, countersign)
    form = CountersignReturnForm(request.POST)
    if form.is_valid():
        try:
            services.countersign_return(
                countersign=countersign, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    for e in errors:
                        form.add_error("reason" if name == "reason" else None, e)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("replies:countersign", pk=countersign.pk)
        else:
            messages.success(request, _("已退回主办单位修改，退回理由将显示在其答复函页面。"))
            return redirect("replies:countersign", pk=countersign.pk)
    return _page(request, countersign, form=form, status=400)
