"""The lead unit handler's pages: start a reply, compose it, check, preview, submit.

The compose form carries the reply's ``version``: a save by someone else in between gives
the conflict message and the form comes back with what this person typed. Moving, adding,
deleting and inserting items, and copying a paragraph of an earlier session's signed reply
(its source kept), only rearrange the form (nothing is saved until 保存).
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals.models import Unit
from proposals.views._access import get_assignment_for_unit

from .. import access, selectors, services
from ..forms import ItemFormSet, ReplyForm, item_initial, split_kind
from ..models import Reply
from ..services import ConflictError, DraftingCheckError, editor
from ..services.checks import answer_classes
from ..services.countersign import countersign_returns
from . import _render
from ._access import get_reply
from ._places import item_places, place_findings, place_in_words

PREFIX = "items"
_ITEM_N = re.compile(r"^第(\d+)项：")


def _back(reply: Reply) -> HttpResponse:
    return redirect("replies:compose", pk=reply.pk)


@login_required
@require_POST
def reply_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Create the draft from the proposal and the accepted sections (one click). A second
    click finds the open draft and goes there."""
    assignment = get_assignment_for_unit(request, pk, write=True, answering=True)
    current = selectors.reply_current(assignment=assignment)
    if current is not None and current.state == Reply.State.DRAFT:
        return _back(current)
    try:
        reply = services.reply_create_draft(assignment=assignment, actor=request.user)
    except ValidationError as exc:
        current = selectors.reply_current(assignment=assignment)
        messages.error(request, " ".join(exc.messages))
        if current is not None:
            return redirect("replies:detail", pk=current.pk)
        return redirect("proposals:assignment_detail", pk=assignment.pk)
    messages.success(request, _("已根据各单位意见生成答复草稿，请修改完善。"))
    return _back(reply)


def _rows_of(reply: Reply) -> list[dict]:
    return [
        item_initial(
            text=p.text, part=p.part, kind=p.kind, level=p.level,
            unit_id=p.source_unit_id, section_id=p.source_section_id,
            paragraph_id=p.source_paragraph_id,
        )
        for p in reply.paragraphs.order_by("order")
    ]


def _raw_rows(formset) -> list[dict]:
    """What the person typed, valid or not (for rearranging and re-showing)."""
    rows = []
    for form in formset.forms:
        rows.append({
            "kind": form["kind"].value() or "p",
            "text": form["text"].value() or "",
            "source_unit": form["source_unit"].value() or None,
            "source_section": form["source_section"].value() or None,
            "source_paragraph": form["source_paragraph"].value() or None,
        })
    return rows


def _unit_names(reply: Reply) -> dict[int, str]:
    ids = set(reply.proposal.assignments.values_list("unit_id", flat=True)) | {reply.unit_id}
    return {u.pk: (u.short_name or u.name) for u in Unit.objects.filter(pk__in=ids)}


def _quoted(quotable: dict, value):
    """The earlier reply an item was copied from (None if none or not a valid source)."""
    try:
        return quotable[int(value)].reply if value else None
    except (KeyError, TypeError, ValueError):
        return None


def _row_of(kind: str | None) -> dict:
    """part, kind and level of an item as posted (a tampered kind counts as a paragraph)."""
    try:
        part, kind, level = split_kind(kind or "p")
    except (IndexError, ValueError):
        part, kind, level = split_kind("p")
    return {"part": part, "kind": kind, "level": level}


def _compose_context(request, reply, form, formset, *, dirty=False, findings=None) -> dict:
    names = _unit_names(reply)
    placed = None
    rows = [_row_of(f["kind"].value()) for f in formset.forms]
    # Each item says where it sits in the letter, as the findings name places.
    wheres = [place_in_words(paths[0]) for paths in item_places(rows)]
    if findings is None and not dirty:
        findings = services.reply_check(reply)
    if findings is not None and not dirty:
        placed = place_findings(findings, rows)
    quoted = selectors.quotable_paragraphs(
        reply=reply, ids=[f["source_paragraph"].value() for f in formset.forms]
    )
    items = []
    for i, f in enumerate(formset.forms):
        unit_id = f["source_unit"].value()
        try:
            unit_id = int(unit_id) if unit_id else reply.unit_id
        except (TypeError, ValueError):
            unit_id = reply.unit_id
        items.append({
            "index": i,
            "form": f,
            "kind": f["kind"].value() or "p",
            "unit_name": names.get(unit_id, ""),
            "is_own": unit_id == reply.unit_id,
            "from_section": bool(f["source_section"].value()),
            "quoted": _quoted(quoted, f["source_paragraph"].value()),
            "findings": placed.by_item.get(i, []) if placed else [],
            "where": wheres[i],
        })
    field_findings = placed.by_field if placed else {}
    header = [(form[name], field_findings.get(name, [])) for name in (
        "title", "addressee", "category", "disclosure", "contact_name", "contact_phone", "cc")]
    general = [(place_in_words(f.place), f) for f in placed.general] if placed else []
    return {
        "reply": reply,
        "proposal": reply.proposal,
        "assignment": reply.assignment,
        "form": form,
        "formset": formset,
        "items": items,
        "header": header,
        "general_findings": general,
        "findings": findings or [],
        "error_count": sum(1 for f in (findings or []) if f.severity == "error"),
        "warning_count": sum(1 for f in (findings or []) if f.severity != "error"),
        "dirty": dirty,
        "sections": editor.insertable_sections(reply),
        "is_signer": access.can_sign(request.user, reply),
        "countersign_returned": countersign_returns(reply),
    }


def _put_service_errors(exc: ValidationError, form, formset) -> None:
    """Item errors (第N项：…) next to the item, the rest next to their field or on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        for error in errors:
            for message in error.messages if hasattr(error, "messages") else [str(error)]:
                m = _ITEM_N.match(message) if name == "paragraphs" else None
                if m and 1 <= int(m.group(1)) <= len(formset.forms):
                    formset.forms[int(m.group(1)) - 1].add_error(
                        "text", message[m.end():]
                    )
                elif name in form.fields:
                    form.add_error(name, message)
                else:
                    form.add_error(None, message)


@login_required
def reply_compose(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request, pk, compose=True)
    if reply.state != Reply.State.DRAFT:
        return redirect("replies:detail", pk=reply.pk)
    classes = answer_classes(reply)
    status = 200
    if request.method != "POST":
        form = ReplyForm(initial=ReplyForm.initial_for(reply), answer_classes=classes)
        formset = ItemFormSet(initial=_rows_of(reply), prefix=PREFIX)
        return render(request, "replies/compose.html",
                      _compose_context(request, reply, form, formset))

    form = ReplyForm(request.POST, answer_classes=classes)
    formset = ItemFormSet(request.POST, prefix=PREFIX)
    action = request.POST.get("action", "save")
    if formset.management_form.is_valid():
        rearranged = editor.editor_apply(request.POST.get("op", ""), _raw_rows(formset), reply)
    else:
        rearranged = None
    if rearranged is not None:
        # Only the form changes; the bound header keeps what was typed.
        formset = ItemFormSet(initial=rearranged, prefix=PREFIX)
        messages.info(request, _("已调整，尚未保存：请点击“保存”。"))
        return render(request, "replies/compose.html",
                      _compose_context(request, reply, form, formset, dirty=True))

    header_ok = form.is_valid()
    items_ok = formset.is_valid()
    if header_ok and items_ok:
        data = form.cleaned_data
        try:
            with transaction.atomic():
                reply = services.reply_update(
                    reply=reply,
                    expected_version=data["version"],
                    actor=request.user,
                    title=data["title"],
                    addressee=data["addressee"],
                    category=data["category"],
                    disclosure=data["disclosure"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    cc=data["cc"],
                    paragraphs=[f.as_input() for f in formset.forms],
                )
        except ConflictError as exc:
            form.add_error(None, exc)
            status = 409
        except ValidationError as exc:
            _put_service_errors(exc, form, formset)
            status = 400
        else:
            if action == "submit":
                return _submit(request, reply)
            messages.success(request, _("已保存（第%(v)d版）。") % {"v": reply.version})
            if action == "check":
                return redirect(f"{_back(reply).url}#findings")
            return _back(reply)
    else:
        status = 400
        if formset.non_form_errors():
            form.add_error(None, formset.non_form_errors())
    return render(request, "replies/compose.html",
                  _compose_context(request, reply, form, formset, dirty=True), status=status)


def _submit(request: HttpRequest, reply: Reply) -> HttpResponse:
    try:
        reply = services.reply_submit_for_review(reply=reply, actor=request.user)
    except DraftingCheckError as exc:
        errors = [f for f in exc.findings if f.severity == "error"]
        messages.error(
            request,
            _("已保存，但检查发现%(n)d处错误，未能送审。请按提示修改。") % {"n": len(errors)},
        )
        return redirect(f"{_back(reply).url}#findings")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("replies:detail", pk=reply.pk)
    messages.success(request, _("已送签发人审核。"))
    return redirect("replies:detail", pk=reply.pk)


@login_required
@require_POST
def reply_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send for review without editing (e.g. from the reply page after a return)."""
    reply = get_reply(request, pk, compose=True)
    if reply.state != Reply.State.DRAFT:
        messages.info(request, _("这份答复已%(s)s，无需再次送审。") % {
            "s": reply.get_state_display()})
        return redirect("replies:detail", pk=reply.pk)
    return _submit(request, reply)


@login_required
def reply_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter's pages as images (LibreOffice), or a clear message why not."""
    reply = get_reply(request, pk)
    context = {"reply": reply, "proposal": reply.proposal, "pages": [], "problem": "",
               "spec_problems": []}
    try:
        data = _render.docx_of(reply)
    except _render.SpecError as exc:
        context["spec_problems"] = [(place_in_words(p), m) for p, m in exc.problems]
        return render(request, "replies/preview.html", context)
    try:
        context["pages"] = _render.preview_pages(data)
    except _render.PreviewUnavailable as exc:
        context["problem"] = _("预览暂不可用：服务器上的 LibreOffice 无法转换（%(why)s）。"
                               "您仍可下载 .docx 文件查看。") % {"why": str(exc)[:200]}
    return render(request, "replies/preview.html", context)


@login_required
def reply_draft_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as it stands, as .docx (no LibreOffice needed)."""
    reply = get_reply(request, pk)
    try:
        data = _render.docx_of(reply)
    except _render.SpecError as exc:
        messages.error(
            request,
            _("草稿尚不完整，无法生成文件：%(p)s")
            % {"p": "；".join(f"{place_in_words(p)}：{m}" for p, m in exc.problems[:5])},
        )
        if access.can_compose(request.user, reply) and reply.state == Reply.State.DRAFT:
            return _back(reply)
        return redirect("replies:detail", pk=reply.pk)
    return _render.docx_response(data, _render.file_name(reply))


@login_required
@require_POST
def reply_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft superseding a signed reply (e.g. after the proposer was not satisfied)."""
    reply = get_reply(request, pk, compose=True)
    try:
        correction = services.reply_correct(reply=reply, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("replies:detail", pk=reply.pk)
    messages.success(request, _("已新建更正答复，签发后将取代原答复。"))
    return _back(correction)
