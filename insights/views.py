"""Dashboard, exports, import and search pages. Thin: fetch with a permission check, call
stats/importing/search, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobs.heartbeat import interrupted_message
from jobs.models import Job
from proposals import access
from proposals.models import Session, Unit
from replies.services.publication import overdue_publications

from . import annual_report, importing, list_exports, stats, xlsx
from . import search as search_module
from .charts import bar_chart
from .forms import ImportUploadForm, ProvinceSearchForm, SearchForm
from .models import ProposalImport
from .panels import similar_context


def _xlsx_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=xlsx.XLSX_MIME)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _get_session(request: HttpRequest, session_id: int | None) -> Session:
    """A session of the person's committees (404 otherwise); the current one by default."""
    sessions = access.sessions_visible_to(request.user).select_related("committee")
    if session_id is None:
        session = sessions.filter(is_current=True).first() or sessions.first()
        if session is None:
            raise Http404
        return session
    return get_object_or_404(sessions, pk=session_id)


def _unit_param(raw: str | None) -> int | None:
    """The ?unit= filter: None when absent; anything but a plain number names no unit (0),
    which the scope answers as it answers another committee's or unit's id."""
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0


def _dashboard_scope(request: HttpRequest, session: Session) -> tuple[Unit | None, list | None]:
    """(unit filter, units allowed in the ranking). Staff of the committee see every unit;
    a unit's people see only their own unit's figures (another unit → 403)."""
    unit_id = _unit_param(request.GET.get("unit"))
    if access.manages_committee(request.user, session.committee_id):
        if unit_id is None:
            return None, None
        unit = Unit.objects.filter(committee_id=session.committee_id, pk=unit_id).first()
        if unit is None:
            raise Http404
        return unit, None
    own = list(access.own_units_in(request.user, session.committee_id))
    if not own:
        raise PermissionDenied
    if unit_id is None:
        return own[0], own
    unit = next((u for u in own if u.pk == unit_id), None)
    if unit is None:
        raise PermissionDenied
    return unit, own


def _board(request: HttpRequest, session_id: int | None, overdue_limit: int | None = None):
    session = _get_session(request, session_id)
    unit, units = _dashboard_scope(request, session)
    board = stats.cached_dashboard(
        session=session, unit=unit, units=units, overdue_limit=overdue_limit
    )
    return board, units


# The page lists the first overdue rows; the export has them all.
OVERDUE_ON_PAGE = 100


@login_required
@require_GET
def dashboard(request: HttpRequest, session_id: int | None = None) -> HttpResponse:
    try:
        board, own_units = _board(request, session_id, overdue_limit=OVERDUE_ON_PAGE)
    except Http404:
        if session_id is None and access.oversees_committees(request.user):
            return redirect("insights:province")  # a province's staff: the committees below
        raise
    session = board.session
    unit_choices = (
        own_units
        if own_units is not None
        else list(Unit.objects.filter(committee_id=session.committee_id).order_by("name"))
    )
    charts = [
        bar_chart(
            _("提案状态"),
            [(label, n, str(n)) for _key, label, n in board.status_counts if n],
        ),
        bar_chart(
            _("办复情况"),
            [
                (_("办复率"), board.reply_rate.value or 0, board.reply_rate.percent),
                (_("按期办复率"), board.on_time_rate.value or 0, board.on_time_rate.percent),
                (_("满意率"), board.satisfaction_rate.value or 0,
                 board.satisfaction_rate.percent),
                (_("办理过程满意率"), board.process_satisfaction_rate.value or 0,
                 board.process_satisfaction_rate.percent),
                (_("办理结果满意率"), board.result_satisfaction_rate.value or 0,
                 board.result_satisfaction_rate.percent),
            ] + ([
                (_("重点提案办复率"), board.key_reply_rate.value or 0,
                 board.key_reply_rate.percent),
                (_("重点提案满意率"), board.key_satisfaction_rate.value or 0,
                 board.key_satisfaction_rate.percent),
            ] if board.key_proposals else []),
            max_value=1.0,
        ),
        bar_chart(
            _("办理类别占比"),
            [(c, rate.value or 0, f"{n}件 {rate.percent}") for c, n, rate in board.class_shares],
            max_value=1.0,
        ),
        bar_chart(
            _("单位办复率"),
            [(r.unit_name, r.reply_rate.value or 0, r.reply_rate.percent)
             for r in board.units[:15]],
            max_value=1.0,
        ),
    ]
    return render(
        request,
        "insights/dashboard.html",
        {
            "board": board,
            "charts": charts,
            "definitions": stats.DEFINITIONS,
            "sessions": access.sessions_visible_to(request.user).select_related("committee"),
            "unit_choices": unit_choices,
            # The committee's staff (manages_committee, decided once in _dashboard_scope):
            # every unit's figures, the 考评 and the annual report, which speak for the
            # committee (annual_report_download refuses anyone else).
            "all_units_allowed": own_units is None,
            # Committee staff (who see every unit); the template shows it to the clerks.
            "publications_overdue": _publications_overdue(session)
            if own_units is None else None,
        },
    )


def _publications_overdue(session) -> int:
    """公开答复 of the session past their due date (one query)."""
    return overdue_publications(timezone.localdate()).filter(
        reply__proposal__session=session).count()


@login_required
@require_GET
def dashboard_export(request: HttpRequest, session_id: int) -> HttpResponse:
    board, _units = _board(request, session_id)
    return _xlsx_response(*xlsx.dashboard_workbook(board))


@login_required
@require_GET
def annual_report_download(request: HttpRequest, session_id: int) -> HttpResponse:
    """The draft 提案办理工作报告 of a session, for the committee's clerks only (it speaks
    for the committee); a unit's people and other committees' clerks get 404."""
    session = get_object_or_404(
        access.sessions_managed_by(request.user).select_related("committee"), pk=session_id
    )
    filename, mime, data = annual_report.annual_report(session, today=timezone.localdate())
    response = HttpResponse(data, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _start_list_export(request: HttpRequest, session_id: int, kind: str, label: str):
    """The lists run as background jobs (50,000 proposals take longer than a request may):
    start one for this person and show its progress page."""
    session = _get_session(request, session_id)
    job = list_exports.session_export_start(session=session, kind=kind, actor=request.user)
    job.refresh_from_db(fields=["state"])
    if job.state == Job.State.DONE:  # no broker: it ran in process when it was committed
        messages.success(request, _("%(label)s已导出，可在此下载。") % {"label": label})
    elif job.state != Job.State.FAILED:  # a failure shows its error on the page
        messages.success(
            request, _("已开始导出%(label)s，完成后可在此下载。") % {"label": label}
        )
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def export_proposals(request: HttpRequest, session_id: int) -> HttpResponse:
    return _start_list_export(request, session_id, list_exports.PROPOSALS_EXPORT, _("提案清单"))


@login_required
@require_POST
def export_assignments(request: HttpRequest, session_id: int) -> HttpResponse:
    return _start_list_export(request, session_id, list_exports.ASSIGNMENTS_EXPORT, _("交办清单"))


@login_required
@require_POST
def export_replies(request: HttpRequest, session_id: int) -> HttpResponse:
    return _start_list_export(request, session_id, list_exports.REPLIES_EXPORT, _("答复登记"))


# --- Import ------------------------------------------------------------------------------


def _get_import(request: HttpRequest, pk: int) -> ProposalImport:
    record = get_object_or_404(
        ProposalImport.objects.select_related("session__committee").filter(
            session__in=access.sessions_managed_by(request.user)
        ),
        pk=pk,
    )
    return record


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    sessions = access.sessions_managed_by(request.user).select_related("committee")
    if not sessions.exists():
        if not access.is_clerk(request.user):
            raise PermissionDenied
        # A clerk of a committee with no session yet (a province that only oversees the
        # committees below, say): the menu's 导入 explains instead of refusing.
        return render(request, "insights/import_upload.html", {"form": None, "sessions": []})
    form = ImportUploadForm(request.POST or None, request.FILES or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            form.add_error("file", _("文件过大：不能超过10MB。"))
        else:
            record = importing.import_create(
                session=form.cleaned_data["session"],
                owner=request.user,
                filename=upload.name,
                data=upload.read(),
            )
            return redirect("insights:import_detail", pk=record.pk)
    return render(request, "insights/import_upload.html", {"form": form, "sessions": sessions})


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_import(request, pk)
    preview = (
        importing.import_preview(record) if record.state == ProposalImport.State.CHECKED else None
    )
    # A background import whose worker died shows so at once; the sweep re-queues it.
    interrupted = interrupted_message(record) if record.is_interrupted else ""
    return render(
        request,
        "insights/import_detail.html",
        {
            "record": record,
            "background_rows": importing.BACKGROUND_ROWS,
            "preview": preview,
            "interrupted": interrupted,
        },
    )


@login_required
@require_GET
def import_template(request: HttpRequest, session_id: int) -> HttpResponse:
    """The import template of one session the clerk manages; its sample row imports into
    that session as it is (see importing.example_row)."""
    session = get_object_or_404(access.sessions_managed_by(request.user), pk=session_id)
    response = HttpResponse(
        importing.template_bytes(session),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, importing.template_file_name(session)
    )
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_import(request, pk)
    try:
        record = importing.import_confirm(record=record, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("insights:import_detail", pk=record.pk)
    if record.state == ProposalImport.State.DONE:
        messages.success(
            request, _("已导入%(n)d件提案。") % {"n": record.imported_count}
        )
    return redirect("insights:import_detail", pk=record.pk)


# --- Search and similar proposals ---------------------------------------------------------


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    sessions = access.sessions_visible_to(request.user).select_related("committee")
    form = SearchForm(request.GET or None, sessions=sessions)
    results, error = None, ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        try:
            results = search_module.add_links(request.user, search_module.search(
                request.user, form.cleaned_data["q"], session=form.cleaned_data["session"]
            ))
        except search_module.QueryError as exc:
            error = str(exc)
    return render(
        request, "insights/search.html", {"form": form, "results": results, "error": error}
    )


@login_required
@require_GET
def similar_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The similar-proposals box of a proposal, loaded by the proposal page when the
    session's index had to be built (see insights.panels.similar_panel). Empty when
    there is nothing to show."""
    proposal = get_object_or_404(
        access.proposals_visible_to(request.user).select_related("session"), pk=pk
    )
    if not access.can_manage_proposal(request.user, proposal):
        raise PermissionDenied
    context = similar_context(request, proposal)
    if context is None:
        return HttpResponse("")
    return render(request, "insights/_similar.html", {"proposal": proposal, **context})


def _overseen(request: HttpRequest) -> list:
    """The committees below the person's that they may read (403 when none)."""
    committees = access.committees_overseen_by(request.user)
    if not committees:
        raise PermissionDenied
    return committees


@login_required
@require_GET
def province_dashboard(request: HttpRequest) -> HttpResponse:
    """A province's staff given read access: each city's and county's figures."""
    committees = _overseen(request)
    return render(
        request,
        "insights/province.html",
        {
            "rows": stats.committee_rows(committees),
            "form": ProvinceSearchForm(committees=committees),
        },
    )


@login_required
@require_GET
def province_committee(request: HttpRequest, committee_id: int) -> HttpResponse:
    """One committee below, read only: the figures of its dashboard, without its exports
    or filters (those are its own staff's). ?session= picks another of its sessions."""
    committee = next((c for c in _overseen(request) if c.pk == committee_id), None)
    if committee is None:
        raise Http404
    sessions = list(
        Session.objects.filter(committee=committee).order_by(
            "-is_current", "-year", "-term", "-sitting"
        )
    )
    wanted = _unit_param(request.GET.get("session"))
    session = next((s for s in sessions if wanted is None or s.pk == wanted), None)
    if session is None and (wanted is not None or sessions):
        raise Http404
    board = (
        stats.cached_dashboard(session=session, overdue_limit=OVERDUE_ON_PAGE) if session else None
    )
    return render(
        request,
        "insights/province_committee.html",
        {"committee": committee, "sessions": sessions, "board": board,
         "definitions": stats.DEFINITIONS},
    )


@login_required
@require_GET
def province_search(request: HttpRequest) -> HttpResponse:
    """Search the proposals of every committee below (or of one), read only: the hits are
    listed with their committee, not linked (their pages are the committees' own)."""
    committees = _overseen(request)
    form = ProvinceSearchForm(request.GET or None, committees=committees)
    hits, error = None, ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        chosen = form.cleaned_data["committee"]
        try:
            hits = search_module.search_committees(
                [chosen] if chosen else committees,
                search_module.parse_query(form.cleaned_data["q"]),
            )
        except search_module.QueryError as exc:
            error = str(exc)
    names = {c.pk: c.name for c in committees}
    rows = None if hits is None else [(names[h.proposal.session.committee_id], h) for h in hits]
    return render(
        request, "insights/province_search.html", {"form": form, "rows": rows, "error": error}
    )
