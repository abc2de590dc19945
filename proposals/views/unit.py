"""Pages of a handling unit: its assignment, contact records, sections, requests.

Every view starts with `get_assignment_for_unit` (404 when the assignment is not the
person's unit's, 403 when they may see it but not do this), see _access.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import access, selectors, services
from .. import once as _once
from ..dates import MissingHolidayData
from ..forms import (
    ContactRecordForm,
    ExtensionRequestForm,
    ReassignmentRequestForm,
    SectionForm,
    SectionReturnForm,
    apply_errors,
)
from ..models import Assignment, Section
from ..services import ConflictError
from ._access import get_assignment_for_unit, get_section_for_unit
from ._panels import Panel, build_panels

SECTION_FIELDS = {"paragraphs": "body"}

# Other apps' panels on the assignment page (e.g. replies: the draft and its buttons).
ASSIGNMENT_PANELS: list[Panel] = []
DUPLICATE = gettext_lazy("这份表单已经提交过，没有重复保存。")


def _assignment_context(request: HttpRequest, assignment: Assignment, **extra) -> dict:
    user = request.user
    proposal = assignment.proposal
    sections = access.sections_visible_to(user).filter(
        assignment__proposal=proposal
    ).select_related("assignment__unit")
    own_sections = [s for s in sections if s.assignment_id == assignment.pk]
    other_sections = [s for s in sections if s.assignment_id != assignment.pk]
    co_assignments = []
    if assignment.answers_proposer:
        co_assignments = proposal.assignments.filter(role=Assignment.Role.CO).exclude(
            state=Assignment.State.WITHDRAWN
        ).select_related("unit")
    context = {
        "assignment": assignment,
        "proposal": proposal,
        "can_handle": access.can_handle_assignment(user, assignment),
        "own_sections": own_sections,
        "other_sections": other_sections if assignment.answers_proposer else [],
        "co_assignments": co_assignments,
        "contact_records": assignment.contact_records.select_related("recorded_by"),
        "supervision_records": selectors.supervision_records_of(user, proposal),
        "extension_requests": assignment.extension_requests.all(),
        "reassignment_requests": assignment.reassignment_requests.select_related(
            "suggested_unit"
        ),
        "return_forms": {},
        "panels": build_panels(ASSIGNMENT_PANELS, request, assignment),
    }
    context.update(extra)
    bound = context["return_forms"]
    for s in other_sections:
        s.return_form = bound.get(s.pk) or SectionReturnForm(auto_id=f"id_return_{s.pk}_%s")
    return context


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk)
    return render(
        request, "proposals/unit/assignment_detail.html", _assignment_context(request, assignment)
    )


def _back(assignment: Assignment) -> HttpResponse:
    return redirect("proposals:assignment_detail", pk=assignment.pk)


@login_required
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk, write=True, answering=True)
    form = ContactRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with _once.guard(data["form_token"]) as fresh:
                if not fresh:
                    messages.info(request, DUPLICATE)
                    return _back(assignment)
                services.contact_record_create(
                    assignment=assignment,
                    contacted_on=data["contacted_on"],
                    method=data["method"],
                    participants=data["participants"],
                    summary=data["summary"],
                    actor=request.user,
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已记录沟通协商情况。"))
            return _back(assignment)
    return render(
        request,
        "proposals/unit/contact_form.html",
        {"assignment": assignment, "proposal": assignment.proposal, "form": form},
        status=400 if form.is_bound else 200,
    )


def _save_section(request, form, *, assignment, section=None, submit=False) -> Section:
    """Save (and optionally submit) in one transaction: a refused submit keeps nothing."""
    with transaction.atomic():
        section = services.section_save(
            assignment=assignment,
            section=section,
            heading=form.cleaned_data["heading"],
            paragraphs=form.paragraphs(),
            expected_version=form.cleaned_data.get("version") if section else None,
            actor=request.user,
        )
        if submit:
            section = services.section_submit(section=section, actor=request.user)
    return section


def _submitted_message(assignment: Assignment) -> str:
    if assignment.answers_proposer:  # its own material: there is no lead unit above it
        return _("本单位材料已定稿。")
    return _("意见已提交给主办单位。")


def _section_saved(request, assignment, section, *, submit) -> HttpResponse:
    if submit:
        messages.success(request, _submitted_message(assignment))
        return _back(assignment)
    if assignment.answers_proposer:
        messages.success(
            request,
            _("已保存本单位材料（第%(v)d版），可用于起草答复函。") % {"v": section.version},
        )
    else:
        messages.success(request, _("已保存草稿（第%(v)d版）。") % {"v": section.version})
    return redirect("proposals:section_edit", pk=assignment.pk, section_pk=section.pk)


@login_required
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk, write=True)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            with _once.guard(form.cleaned_data["form_token"]) as fresh:
                if not fresh:
                    messages.info(request, DUPLICATE)
                    return _back(assignment)
                section = _save_section(request, form, assignment=assignment, submit=submit)
        except ValidationError as exc:
            apply_errors(form, exc, SECTION_FIELDS)
        else:
            return _section_saved(request, assignment, section, submit=submit)
    return render(
        request,
        "proposals/unit/section_form.html",
        {"assignment": assignment, "proposal": assignment.proposal, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk, write=request.method == "POST")
    section = get_section_for_unit(request, assignment, section_pk, own=True)
    editable = section.state in (Section.State.DRAFT, Section.State.RETURNED)
    status = 200
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                section = _save_section(
                    request, form, assignment=assignment, section=section, submit=submit
                )
            except ConflictError as exc:
                form.add_error(None, exc)
                status = 409
            except ValidationError as exc:
                apply_errors(form, exc, SECTION_FIELDS)
                status = 400
            else:
                return _section_saved(request, assignment, section, submit=submit)
        else:
            status = 400
    else:
        form = SectionForm(initial=SectionForm.initial_for(section))
    return render(
        request,
        "proposals/unit/section_form.html",
        {
            "assignment": assignment,
            "proposal": assignment.proposal,
            "section": section,
            "form": form,
            "editable": editable,
            "can_handle": access.can_handle_assignment(request.user, assignment),
        },
        status=status,
    )


@login_required
@require_POST
def section_submit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk, write=True)
    section = get_section_for_unit(request, assignment, section_pk, own=True)
    try:
        services.section_submit(section=section, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _submitted_message(assignment))
    return _back(assignment)


@login_required
@require_POST
def section_accept(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk, write=True, answering=True)
    section = get_section_for_unit(request, assignment, section_pk, decide=True)
    try:
        services.section_accept(section=section, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已采纳%(unit)s的意见。") % {"unit": section.unit})
    return _back(assignment)


@login_required
@require_POST
def section_return(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk, write=True, answering=True)
    section = get_section_for_unit(request, assignment, section_pk, decide=True)
    form = SectionReturnForm(request.POST, auto_id=f"id_return_{section.pk}_%s")
    if form.is_valid():
        try:
            services.section_return(
                section=section, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已将%(unit)s的意见退回。") % {"unit": section.unit})
            return _back(assignment)
    messages.error(request, _("未能退回，请查看下方标出的问题。"))
    context = _assignment_context(request, assignment, return_forms={section.pk: form})
    return render(request, "proposals/unit/assignment_detail.html", context, status=400)


@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk, write=True)
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with _once.guard(form.cleaned_data["form_token"]) as fresh:
                if not fresh:
                    messages.info(request, DUPLICATE)
                    return _back(assignment)
                services.extension_request_create(
                    assignment=assignment,
                    requested_due_on=form.cleaned_data["requested_due_on"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("延期申请已提交，等待交办员审批。"))
            return _back(assignment)
    return render(
        request,
        "proposals/unit/request_form.html",
        {
            "assignment": assignment,
            "proposal": assignment.proposal,
            "form": form,
            "title": _("申请延期"),
            "cap": services.extension_cap(assignment),
        },
        status=400 if form.is_bound else 200,
    )


def _reassignment_deadline(assignment: Assignment):
    try:
        return services.reassignment_deadline(assignment)
    except MissingHolidayData:
        return None


@login_required
def reassignment_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk, write=True)
    form = ReassignmentRequestForm(request.POST or None, assignment=assignment)
    if request.method == "POST" and form.is_valid():
        try:
            with _once.guard(form.cleaned_data["form_token"]) as fresh:
                if not fresh:
                    messages.info(request, DUPLICATE)
                    return _back(assignment)
                services.reassignment_request_create(
                    assignment=assignment,
                    reason=form.cleaned_data["reason"],
                    suggested_unit=form.cleaned_data["suggested_unit"],
                    actor=request.user,
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        except MissingHolidayData as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("调整申请已提交，等待交办员审批。"))
            return _back(assignment)
    return render(
        request,
        "proposals/unit/request_form.html",
        {
            "assignment": assignment,
            "proposal": assignment.proposal,
            "form": form,
            "title": _("申请调整承办单位"),
            "deadline": _reassignment_deadline(assignment),
        },
        status=400 if form.is_bound else 200,
    )
