"""重点提案 and 督办 (the clerk's): the list of key proposals with their progress, marking
and unmarking a proposal as key, and recording 督办 (走访, 座谈会, 批示).

Every view starts from `require_clerk` or `get_proposal_for_clerk` (404 for a proposal the
person may not see, 403 for a unit that sees it), see _access.py.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import access, selectors, services
from .. import once as _once
from ..forms import KeyMarkForm, KeyUnmarkForm, SupervisionRecordForm, apply_errors
from ..models import Assignment, Proposal, Section
from ._access import get_proposal_for_clerk, require_clerk
from .clerk import _rerender

# Other apps' columns on the key-proposal list (replies: the draft, the sign-off and the
# proposer's feedback): (headers, cell template, build). build(user, proposals) returns
# {proposal id: the row's context}, available as `cell` in the template, which writes
# one <td> per header. Register in the app's AppConfig.ready().
KeyColumn = tuple[tuple[str, ...], str, Callable[[object, list[Proposal]], dict[int, dict]]]
KEY_LIST_COLUMNS: list[KeyColumn] = []

SECTIONS_IN = (Section.State.SUBMITTED, Section.State.ACCEPTED)


def _sections_in(proposals: list[Proposal]) -> dict[int, dict[int, str]]:
    """Of each proposal, the co-handling assignments whose section is in (submitted or
    accepted) and its state: {proposal id: {assignment id: state}}, accepted winning."""
    found: dict[int, dict[int, str]] = {}
    rows = Section.objects.filter(
        assignment__proposal__in=[p.pk for p in proposals],
        assignment__role=Assignment.Role.CO,
        state__in=SECTIONS_IN,
    ).values_list("assignment__proposal_id", "assignment_id", "state")
    for proposal_id, assignment_id, state in rows:
        states = found.setdefault(proposal_id, {})
        if states.get(assignment_id) != Section.State.ACCEPTED:
            states[assignment_id] = state
    return found


@login_required
def key_proposal_list(request: HttpRequest) -> HttpResponse:
    require_clerk(request)
    user = request.user
    sessions = access.sessions_managed_by(user).select_related("committee")
    session = None
    wanted = request.GET.get("session")
    if wanted and wanted.isdigit():
        session = sessions.filter(pk=int(wanted)).first()
    if wanted is None:
        session = sessions.filter(is_current=True).first()
    proposals = list(selectors.key_proposals_for_clerk(user, session=session))
    sections_in = _sections_in(proposals)
    columns = [(headers, template, build(user, proposals)) for headers, template, build
               in KEY_LIST_COLUMNS]
    for p in proposals:
        units = [a for a in p.assignments.all() if a.state != Assignment.State.WITHDRAWN]
        p.answering_units = [a for a in units if a.answers_proposer]
        p.co_units = [a for a in units if not a.answers_proposer]
        states = sections_in.get(p.pk, {})
        p.sections_in = len(states)
        p.sections_accepted = sum(1 for s in states.values() if s == Section.State.ACCEPTED)
        p.cells = [(template, built.get(p.pk, {})) for _h, template, built in columns]
    return render(
        request,
        "proposals/clerk/key_list.html",
        {
            "proposals": proposals,
            "sessions": sessions,
            "session": session,
            "headers": [h for headers, _t, _b in KEY_LIST_COLUMNS for h in headers],
        },
    )


@login_required
@require_POST
def key_mark(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    was_key = proposal.is_key
    form = KeyMarkForm(request.POST, proposal=proposal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_mark_key(
                proposal=proposal,
                leader=data["leader"],
                leader_title=data["leader_title"],
                supervising_unit=data["supervising_unit"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(
                form, exc, {"supervising_leader": "leader", "supervising_unit": "supervising_unit"}
            )
        else:
            text = _("已修改%(p)s的领衔督办。") if was_key else _("已将%(p)s列为重点提案。")
            messages.success(request, text % {"p": proposal.display_number})
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    return _rerender(request, proposal, key_form=form)


@login_required
@require_POST
def key_unmark(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    form = KeyUnmarkForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_unmark_key(
                proposal=proposal, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc, {"key_unmark_reason": "reason"})
        else:
            messages.success(
                request, _("%(p)s已不再是重点提案。") % {"p": proposal.display_number}
            )
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    return _rerender(request, proposal, unmark_form=form)


@login_required
def supervision_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_clerk(request, pk)
    form = SupervisionRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with _once.guard(data["form_token"]) as fresh:
                if not fresh:
                    messages.info(request, _("这份表单已经提交过，没有重复保存。"))
                    return redirect("proposals:proposal_detail", pk=proposal.pk)
                services.supervision_record_create(
                    proposal=proposal,
                    kind=data["kind"],
                    held_on=data["held_on"],
                    participants=data["participants"],
                    text=data["text"],
                    actor=request.user,
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已记录督办情况。"))
            return redirect("proposals:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "proposals/clerk/supervision_form.html",
        {"proposal": proposal, "form": form},
        status=400 if form.is_bound else 200,
    )
