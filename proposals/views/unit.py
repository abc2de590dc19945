"""Pages of a handling unit: its assignment, contact records, sections, requests.

Every view starts with `get_assignment_for_unit` (404 when the assignment is not the
person's unit's, 403 when they may see it but not do this), see _access.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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
    TaskCancelForm,
    TaskForm,
    TaskReassignForm,
    apply_errors,
)
from ..models import Assignment, Section
from ..selectors import flag_tasks
from ..services import ConflictError
from ._access import get_assignment_for_unit, get_section_for_unit, get_task_for_unit
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
        "task_forms": {},
        "panels": build_panels(ASSIGNMENT_PANELS, request, assignment),
    }
    context.update(extra)
    bound = context["return_forms"]
    for s in other_sections:
        s.return_form = bound.get(s.pk) or SectionReturnForm(auto_id=f"id_return_{s.pk}_%s")
    context.update(_tasks_context(request, assignment, context))
    return context


def _tasks_context(request: HttpRequest, assignment: Assignment, context: dict) -> dict:
    """The unit's tasks on this assignment, who holds what, and the forms to act on them."""
    user = request.user
    today = timezone.localdate()
    tasks = flag_tasks(
        assignment.tasks.select_related("assignee", "created_by", "assignment__session"),
        today=today,
    )
    can_manage = access.can_manage_tasks(user, assignment)
    bound = context["task_forms"]
    people = None
    if can_manage and any(task.is_open for task in tasks):
        # One list of the unit's people for every task's hand-over select, not one query
        # per task.
        people = TaskReassignForm(assignment=assignment).fields["assignee"].choices
        people = list(people)
    holders: dict[int, dict] = {}
    for task in tasks:
        task.can_finish = task.is_open and access.can_finish_task(user, task, manages=can_manage)
        if task.is_open:
            held = holders.setdefault(
                task.assignee_id, {"person": task.assignee, "open": 0, "overdue": 0}
            )
            held["open"] += 1
            held["overdue"] += task.is_overdue
        if can_manage and task.is_open:
            task.reassign_form = bound.get(("reassign", task.pk)) or TaskReassignForm(
                assignment=assignment, auto_id=f"id_reassign_{task.pk}_%s"
            )
            task.reassign_form.fields["assignee"].choices = people
            task.cancel_form = bound.get(("cancel", task.pk)) or TaskCancelForm(
                auto_id=f"id_cancel_{task.pk}_%s"
            )
    task_form = context.get("task_form")
    if task_form is None and can_manage and assignment.is_open:
        task_form = TaskForm(assignment=assignment, auto_id="id_task_%s")
    return {
        "tasks": tasks,
        "task_holders": sorted(holders.values(), key=lambda h: -h["open"]),
        "can_manage_tasks": can_manage,
        "task_form": task_form,
        "today": today,
    }


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


# --- Tasks inside the unit ---------------------------------------------------------------


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for_unit(request, pk)
    if not access.can_manage_tasks(request.user, assignment):
        raise PermissionDenied
    form = TaskForm(request.POST or None, assignment=assignment, auto_id="id_task_%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with _once.guard(data["form_token"]) as fresh:
                if not fresh:
                    messages.info(request, DUPLICATE)
                    return _back(assignment)
                task = services.task_create(
                    assignment=assignment,
                    kind=data["kind"],
                    title=data["title"],
                    assignee=data["assignee"],
                    due_on=data["due_on"],
                    note=data["note"],
                    actor=request.user,
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已把任务“%(task)s”交给%(name)s。")
                % {"task": task.title, "name": _person(task.assignee)},
            )
            return _back(assignment)
    return render(
        request,
        "proposals/unit/task_form.html",
        {"assignment": assignment, "proposal": assignment.proposal, "form": form},
        status=400 if form.is_bound else 200,
    )


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _task_refused(request, assignment, key, form) -> HttpResponse:
    messages.error(request, _("未能办理，请查看任务列表中标出的问题。"))
    context = _assignment_context(request, assignment, task_forms={key: form})
    return render(request, "proposals/unit/assignment_detail.html", context, status=400)


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    task = get_task_for_unit(request, pk, task_pk, finish=True)
    try:
        services.task_finish(task=task, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("proposals:assignment_detail", pk=pk)
    messages.success(request, _("任务“%(task)s”已完成。") % {"task": task.title})
    return _back_from_task(request, pk)


def _back_from_task(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to where the button was: the home page's task list or the assignment."""
    if request.POST.get("next") == "home":
        return redirect("home")
    return redirect("proposals:assignment_detail", pk=pk)


@login_required
@require_POST
def task_cancel(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    task = get_task_for_unit(request, pk, task_pk, manage=True)
    form = TaskCancelForm(request.POST, auto_id=f"id_cancel_{task.pk}_%s")
    if form.is_valid():
        try:
            services.task_cancel(
                task=task, reason=form.cleaned_data["cancel_reason"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("任务“%(task)s”已取消。") % {"task": task.title})
            return redirect("proposals:assignment_detail", pk=pk)
    return _task_refused(request, task.assignment, ("cancel", task.pk), form)


@login_required
@require_POST
def task_reassign(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    task = get_task_for_unit(request, pk, task_pk, manage=True)
    form = TaskReassignForm(
        request.POST, assignment=task.assignment, auto_id=f"id_reassign_{task.pk}_%s"
    )
    if form.is_valid():
        try:
            services.task_reassign(
                task=task, assignee=form.cleaned_data["assignee"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("任务“%(task)s”已转交给%(name)s。")
                % {"task": task.title, "name": _person(form.cleaned_data["assignee"])},
            )
            return redirect("proposals:assignment_detail", pk=pk)
    return _task_refused(request, task.assignment, ("reassign", task.pk), form)
