"""The clerk's pages (交办员): register, decide (立案/不予立案/并案), assign, requests, list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, selectors, services
from ..dates import MissingHolidayData
from ..forms import (
    AssignForm,
    AssignFormSet,
    DecisionNoteForm,
    ExtensionDecideForm,
    KeyMarkForm,
    KeyUnmarkForm,
    MergeForm,
    ProposalFilterForm,
    ProposalRegisterForm,
    ReassignmentDecideForm,
    RejectForm,
    apply_errors,
)
from ..models import (
    Assignment,
    ContactRecord,
    ExtensionRequest,
    Proposal,
    ReassignmentRequest,
)
from ..timeline import proposal_timeline
from ..validators import converted_numbers
from ._access import get_proposal_for_clerk, require_clerk
from ._panels import Panel, build_panels

PAGE_SIZE = 20

# Other apps' panels on the clerk's proposal page (e.g. replies and feedback), see _panels.
PROPOSAL_PANELS: list[Panel] = []
ASSIGN_ROWS = 6


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    require_clerk(request)
    user = request.user
    params = request.GET.copy()
    if "session" not in params:
        # Clerks work on the current session; "全部届次" is one choice away.
        current = access.sessions_managed_by(user).filter(is_current=True).first()
        if current is not None:
            params["session"] = str(current.pk)
    form = ProposalFilterForm(params, user=user)
    today = timezone.localdate()
    filters = form.cleaned_data if form.is_valid() else {}
    proposals = selectors.proposals_for_clerk_list(user, today=today, **filters)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    # The 超期 flag, from the assignments already fetched for the page. As an EXISTS column
    # PostgreSQL hashed every overdue assignment of the database (17,000) for 20 rows.
    for proposal in page:
        proposal.is_overdue = any(a.is_overdue_on(today) for a in proposal.assignments.all())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/clerk/proposal_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": today},
    )


@login_required
def proposal_register(request: HttpRequest) -> HttpResponse:
    require_clerk(request)
    form = ProposalRegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_register(
                session=data["session"],
                number=data["number"],
                title=data["title"],
                lead_proposer=data["lead_proposer"],
                co_signers=data["co_signers"],
                is_collective=data["is_collective"],
                content=data["content"],
                reasons=data["reasons"],
                suggestions=data["suggestions"],
                suggested_units=data["suggested_units"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            note = converted_numbers(form)
            messages.success(
                request, _("已登记%(p)s。") % {"p": proposal} + (f"（{note}）" if note else "")
            )
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "proposals/clerk/proposal_register.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _detail_context(request: HttpRequest, proposal: Proposal, **forms) -> dict:
    """Everything the proposal page shows; action views re-render it with a bound form."""
    user = request.user
    assignments = proposal.assignments.select_related("unit").in_reading_order()
    units = access.units_assignable_by(user).filter(
        committee_id=proposal.session.committee_id
    )
    extension_requests = ExtensionRequest.objects.filter(
        assignment__proposal=proposal
    ).select_related("assignment__unit", "requested_by")
    reassignment_requests = ReassignmentRequest.objects.filter(
        assignment__proposal=proposal
    ).select_related("assignment__unit", "suggested_unit", "requested_by", "new_assignment")
    sections = (
        access.sections_visible_to(user)
        .filter(assignment__proposal=proposal)
        .select_related("assignment__unit")
    )
    context = {
        "proposal": proposal,
        "assignments": assignments,
        "sections": sections,
        "contact_records": proposal_contacts(proposal),
        "extension_requests": extension_requests,
        "reassignment_requests": reassignment_requests,
        "reassign_units": units,
        "timeline": proposal_timeline(proposal, user),
        "today": timezone.localdate(),
        "accept_form": DecisionNoteForm(),
        "reject_form": RejectForm(),
        "merge_form": MergeForm(proposal=proposal, user=user),
        "can_decide": proposal.status == Proposal.Status.REGISTERED,
        "can_merge": proposal.status in (Proposal.Status.REGISTERED, Proposal.Status.ACCEPTED),
        "can_assign": proposal.status == Proposal.Status.ACCEPTED,
        "panels": build_panels(PROPOSAL_PANELS, request, proposal),
        "can_mark_key": proposal.is_key or proposal.status in services.KEY_STATUSES,
        "key_form": KeyMarkForm(proposal=proposal),
        "unmark_form": KeyUnmarkForm(),
        "supervision_records": selectors.supervision_records_of(user, proposal),
    }
    context.update(forms)
    return context


def proposal_contacts(proposal: Proposal):
    return ContactRecord.objects.filter(assignment__proposal=proposal).select_related(
        "assignment__unit", "recorded_by"
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    return render(
        request, "proposals/clerk/proposal_detail.html", _detail_context(request, proposal)
    )


def _rerender(request: HttpRequest, proposal: Proposal, **forms) -> HttpResponse:
    messages.error(request, _("未能保存，请查看下方标出的问题。"))
    return render(
        request,
        "proposals/clerk/proposal_detail.html",
        _detail_context(request, proposal, **forms),
        status=400,
    )


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    form = DecisionNoteForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_accept(
                proposal=proposal, note=form.cleaned_data["note"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(p)s已立案。") % {"p": proposal.display_number})
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    return _rerender(request, proposal, accept_form=form)


@login_required
@require_POST
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_reject(
                proposal=proposal, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(p)s不予立案。") % {"p": proposal.display_number})
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    return _rerender(request, proposal, reject_form=form)


@login_required
@require_POST
def proposal_merge(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    form = MergeForm(request.POST, proposal=proposal, user=request.user)
    if form.is_valid():
        into = form.cleaned_data["into"]
        try:
            services.proposal_merge(
                proposal=proposal, into=into, note=form.cleaned_data["note"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(p)s已并入%(into)s。")
                % {"p": proposal.display_number, "into": into.display_number},
            )
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    return _rerender(request, proposal, merge_form=form)


def _default_rows(defaults: dict) -> list[dict]:
    """A lead row and co-handling rows, with the terms' due dates when they are known."""
    rows = [{"role": Assignment.Role.LEAD, "due_on": defaults.get(Assignment.Role.LEAD)}]
    rows += [
        {"role": Assignment.Role.CO, "due_on": defaults.get(Assignment.Role.CO)}
        for _ in range(ASSIGN_ROWS - 1)
    ]
    return rows


def _rows_without_due_date(formset) -> bool:
    """Whether a row names a unit but no due date (what the holiday notice asks for)."""
    formset.is_valid()  # cleans the rows, also when the date of 交办 was refused first
    return any(
        row.cleaned_data.get("unit") and not row.cleaned_data.get("due_on")
        and "due_on" not in row.errors
        for row in formset.forms
        if hasattr(row, "cleaned_data")
    )


@login_required
def proposal_assign(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    units = access.units_assignable_by(request.user).filter(
        committee_id=proposal.session.committee_id
    )
    today = timezone.localdate()
    defaults = {}
    # Said once, on this page only (a message would also follow the redirect after
    # assigning), and only while a chosen unit still has no due date.
    holiday_notice = ""
    try:
        defaults = {
            role: services.assignment_default_due_on(
                session=proposal.session, role=role, assigned_on=today
            )
            for role in (Assignment.Role.LEAD, Assignment.Role.CO)
        }
    except MissingHolidayData as exc:  # the clerk can still type the dates in
        holiday_notice = _("%(problem)s在此之前，请在下方手工填写各单位的办理期限。") % {
            "problem": exc
        }
    if request.method == "POST":
        form = AssignForm(request.POST)
        formset = AssignFormSet(request.POST, form_kwargs={"units": units})
        if form.is_valid() and formset.is_valid():
            choices = [
                services.UnitChoice(unit=row["unit"], role=row["role"], due_on=row["due_on"])
                for row in formset.chosen()
            ]
            try:
                services.proposal_assign(
                    proposal=proposal,
                    units=choices,
                    assigned_on=form.cleaned_data["assigned_on"],
                    actor=request.user,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except MissingHolidayData as exc:
                holiday_notice = ""  # the form's error says it, with the year
                form.add_error(
                    None, _("%(problem)s在此之前，请手工填写办理期限。") % {"problem": exc}
                )
            else:
                messages.success(
                    request,
                    _("%(p)s已交办给%(n)d个单位。")
                    % {"p": proposal.display_number, "n": len(choices)},
                )
                return redirect("proposals:proposal_detail", pk=proposal.pk)
        if holiday_notice and not _rows_without_due_date(formset):
            holiday_notice = ""
    else:
        form = AssignForm(initial={"assigned_on": today})
        formset = AssignFormSet(initial=_default_rows(defaults), form_kwargs={"units": units})
    return render(
        request,
        "proposals/clerk/proposal_assign.html",
        {
            "proposal": proposal,
            "form": form,
            "formset": formset,
            "defaults": defaults,
            "holiday_notice": holiday_notice,
            "can_assign": proposal.status == Proposal.Status.ACCEPTED,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    ext = get_object_or_404(ExtensionRequest, pk=request_pk, assignment__proposal=proposal)
    form = ExtensionDecideForm(request.POST)
    if form.is_valid():
        try:
            services.extension_request_decide(
                request=ext,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            unit = ext.assignment.unit
            messages.success(request, _("已处理%(unit)s的延期申请。") % {"unit": unit})
    else:
        messages.error(request, _("请选择同意或不同意。"))
    return redirect("proposals:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def reassignment_decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    req = get_object_or_404(ReassignmentRequest, pk=request_pk, assignment__proposal=proposal)
    units = access.units_assignable_by(request.user).filter(
        committee_id=proposal.session.committee_id
    )
    form = ReassignmentDecideForm(request.POST, units=units)
    if form.is_valid():
        try:
            services.reassignment_request_decide(
                request=req,
                approve=form.cleaned_data["approve"],
                new_unit=form.cleaned_data["new_unit"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            unit = req.assignment.unit
            messages.success(request, _("已处理%(unit)s的调整申请。") % {"unit": unit})
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("proposals:proposal_detail", pk=proposal.pk)
