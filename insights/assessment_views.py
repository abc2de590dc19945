"""承办单位考评 pages: the ranked table, a unit's breakdown, the rules, the adjustment and
the .xlsx. The committee's clerks only (交办员/管理员): the scores are the committee's
assessment of the units, adjusted by hand with reasons; a unit's people see their own
figures on the dashboard, not the committee's deliberation (403 here)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from proposals import access
from proposals.models import Session, Unit

from . import assessment, services, xlsx
from .forms import ScoreAdjustmentForm, rule_formset_class
from .models import AssessmentRule, ScoreAdjustment
from .views import _unit_param, _xlsx_response


def _session(request: HttpRequest) -> Session:
    """The session of ?session= among those the person manages as clerk (404 otherwise;
    the current one by default). Anyone else: 403."""
    if not access.is_clerk(request.user):
        raise PermissionDenied
    sessions = access.sessions_managed_by(request.user).select_related("committee")
    wanted = _unit_param(request.GET.get("session"))
    if wanted is None:
        session = sessions.filter(is_current=True).first() or sessions.first()
        if session is None:
            raise Http404
        return session
    return get_object_or_404(sessions, pk=wanted)


def _unit(session: Session, unit_id: int) -> Unit:
    return get_object_or_404(Unit, pk=unit_id, committee_id=session.committee_id)


def _with_session(name: str, session: Session, *args) -> str:
    return f"{reverse(f'insights:{name}', args=args)}?session={session.pk}"


@login_required
@require_GET
def assessment_page(request: HttpRequest) -> HttpResponse:
    session = _session(request)
    scheme = assessment.scheme_for(session)
    rules = assessment.rules_of(session)
    scores = assessment.session_scores(session, rules=rules)
    return render(request, "insights/assessment.html", {
        "session": session,
        "scheme": scheme,
        "sessions": access.sessions_managed_by(request.user).select_related("committee"),
        "rules": assessment.counted_rules(rules),
        "scores": scores,
        "today": timezone.localdate(),
        "indicators": assessment.INDICATORS.values(),
    })


@login_required
@require_GET
def assessment_export(request: HttpRequest) -> HttpResponse:
    session = _session(request)
    assessment.scheme_for(session)
    rules = assessment.rules_of(session)
    scores = assessment.session_scores(session, rules=rules)
    return _xlsx_response(
        *xlsx.assessment_workbook(session, scores, rules, today=timezone.localdate())
    )


def _history(session: Session, unit: Unit) -> list[dict]:
    """The adjustment's changes, oldest first: who, when, old → new points, reason."""
    rows = list(
        ScoreAdjustment.history.filter(session_id=session.pk, unit_id=unit.pk)
        .select_related("history_user").order_by("history_date", "history_id")
    )
    changes, before = [], None
    for row in rows:
        removed = row.history_type == "-"
        changes.append({
            "who": row.history_user,
            "when": row.history_date,
            "old": before,
            "new": None if removed else row.points,
            "reason": (row.history_change_reason or "") if removed else row.reason,
            "removed": removed,
        })
        before = None if removed else row.points
    return changes


@login_required
@require_GET
def assessment_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    session = _session(request)
    unit = _unit(session, unit_id)
    assessment.scheme_for(session)
    scores = assessment.session_scores(session)
    score = next((s for s in scores if s.unit_id == unit.pk), None)
    return render(request, "insights/assessment_unit.html", {
        "session": session,
        "unit": unit,
        "score": score,
        "units_scored": len(scores),
        "history": _history(session, unit),
    })


@login_required
@require_http_methods(["GET", "POST"])
def assessment_adjust(request: HttpRequest, unit_id: int) -> HttpResponse:
    session = _session(request)
    unit = _unit(session, unit_id)
    current = ScoreAdjustment.objects.filter(session=session, unit=unit).first()
    removing = request.method == "POST" and "remove" in request.POST
    initial = {"points": current.points, "reason": current.reason} if current else None
    form = ScoreAdjustmentForm(
        request.POST if request.method == "POST" else None, initial=initial, removing=removing
    )
    if request.method == "POST" and form.is_valid():
        try:
            if removing:
                if current is None:
                    raise ValidationError(_("该单位没有可撤销的调整。"))
                services.adjustment_remove(
                    adjustment=current, reason=form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, _("已撤销%(unit)s的调整。") % {"unit": unit.name})
            else:
                services.adjustment_save(
                    session=session, unit=unit, points=form.cleaned_data["points"],
                    reason=form.cleaned_data["reason"], actor=request.user,
                )
                messages.success(request, _("已保存%(unit)s的调整。") % {"unit": unit.name})
            return redirect(_with_session("assessment_unit", session, unit.pk))
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "insights/assessment_adjust.html", {
        "session": session, "unit": unit, "form": form, "current": current,
    })


@login_required
@require_http_methods(["GET", "POST"])
def assessment_rules(request: HttpRequest) -> HttpResponse:
    session = _session(request)
    scheme = assessment.scheme_for(session)
    FormSet = rule_formset_class()
    queryset = AssessmentRule.objects.filter(scheme=scheme).order_by("order", "pk")
    formset = FormSet(
        request.POST if request.method == "POST" else None, queryset=queryset, prefix="rules"
    )
    if request.method == "POST" and formset.is_valid():
        changed = formset.save(commit=False)
        services.rules_save(
            scheme=scheme, changed=changed, deleted=formset.deleted_objects, actor=request.user
        )
        total = formset.rate_weights
        messages.success(request, _("考评规则已保存。"))
        if total != assessment.RATE_WEIGHTS_TOTAL:
            messages.warning(request, _(
                "提示：启用的“比率×权重”规则权重合计为%(total)s，不是100；"
                "满分将是%(total)s分（扣分另计）。如非有意，请调整权重。"
            ) % {"total": f"{total.normalize():f}"})
        return redirect(_with_session("assessment_rules", session))
    if request.method == "POST":
        messages.error(request, _("考评规则未保存：请按各行的提示修改。"))
    return render(request, "insights/assessment_rules.html", {
        "session": session, "scheme": scheme, "formset": formset,
        "indicators": assessment.INDICATORS.values(),
        "rate_total": sum(
            (r.weight for r in queryset if r.enabled and r.kind == AssessmentRule.Kind.RATE),
            start=Decimal(0),
        ),
    })
