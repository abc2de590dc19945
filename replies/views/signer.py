"""The reply page (read, with the unit of every paragraph), the signer's queue and actions
(return, sign off), the signed file, 已发送, and the proposer's link."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals import access as proposal_access

from .. import access, selectors, services
from ..forms import ReturnForm
from ..models import FROZEN_STATES, Countersign, Feedback, Reply, ReplyDownload
from ..services import DraftingCheckError
from ..services.countersign import countersign_rounds
from . import _render
from ._access import get_reply
from ._places import place_in_words
from .records import record_copy_context

logger = logging.getLogger(__name__)


def _detail_context(request: HttpRequest, reply: Reply, *, findings: list | None = None,
                    **extra) -> dict:
    """``findings``: those a refused sign-off found (else the checks run on the reply now)."""
    user = request.user
    if findings is None:
        findings = [] if reply.is_frozen else services.reply_check(reply)
    correction = getattr(reply, "superseded_by", None) if reply.is_frozen else None
    context = {
        "reply": reply,
        "proposal": reply.proposal,
        "outline": selectors.reply_outline(reply),
        "findings": [(place_in_words(f.place), f) for f in findings],
        "error_count": sum(1 for f in findings if f.severity == "error"),
        "can_compose": access.can_compose(user, reply),
        "is_signer": access.can_sign(user, reply),
        "is_member": proposal_access.is_member_of(user, reply.unit_id),
        "return_form": ReturnForm(),
        "feedback": Feedback.objects.filter(reply=reply).first(),
        "correction": correction,
        # Replaced only once the correction is signed (Reply.objects.in_force).
        "superseded_by": correction if correction is not None and correction.is_frozen else None,
    }
    context["can_act"] = context["can_compose"] or context["is_signer"]
    context["publication"] = (
        access.publications_managed_by(user).filter(reply=reply).first()
        if reply.state == Reply.State.SENT else None
    )
    context.update(_countersign_context(reply, is_member=context["is_member"]))
    # A key proposal still waiting for its leader's note (Session.key_requires_leader_note).
    context["leader_note_refusal"] = (
        services.leader_note_refusal(reply.proposal)
        if reply.state == Reply.State.IN_REVIEW else ""
    )
    context.update(record_copy_context(user, reply))
    context.update(extra)
    return context


def _countersign_context(reply: Reply, *, is_member: bool) -> dict:
    """The lead unit sees each co unit's 会签 of the latest submission (and the earlier
    ones); a return's reason shows at the top of the draft; the signer sees who holds it."""
    if not is_member:
        return {"countersign_rounds": [], "countersign_holding": [],
                "countersign_returned": []}
    rounds = countersign_rounds(reply)
    latest = rounds[0] if rounds else []
    return {
        "countersign_rounds": rounds,
        "countersign_latest": latest,
        "countersign_earlier": [c for r in rounds[1:] for c in r],
        "countersign_holding": [c for c in latest if c.is_pending],
        "countersign_returned": (
            [c for c in latest if c.state == Countersign.State.RETURNED]
            if reply.state == Reply.State.DRAFT else []
        ),  # as countersign_returns(reply), from the rounds read above
    }


@login_required
def reply_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request, pk)
    # The link made at sign-off, shown once to the signer who made it.
    link_url = request.session.pop(f"replies:link:{reply.pk}", None)
    return render(
        request, "replies/detail.html", _detail_context(request, reply, link_url=link_url)
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Replies waiting for the person's signature, oldest first."""
    units = proposal_access.signing_unit_ids(request.user)
    if not units.exists():
        raise PermissionDenied
    held = Countersign.objects.filter(reply=OuterRef("pk"), state=Countersign.State.PENDING)
    waiting = (
        access.replies_awaiting_signature_of(request.user)
        .select_related("proposal__lead_proposer", "created_by")
        .annotate(countersign_open=Exists(held))
        # Key proposals (重点提案) first, as in every work list.
        .order_by("-proposal__is_key", "updated_at", "pk")
    )
    recent = (
        access.replies_readable_by(request.user)
        .filter(unit__in=units, state__in=FROZEN_STATES)
        .order_by("-signed_at", "-pk")[:20]
    )
    return render(request, "replies/queue.html", {"waiting": waiting, "recent": recent})


@login_required
@require_POST
def reply_return(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request, pk, sign=True)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.reply_return(
                reply=reply, comment=form.cleaned_data["comment"], actor=request.user
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    for e in errors:
                        form.add_error("comment" if name == "review_comment" else None, e)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("replies:detail", pk=reply.pk)
        else:
            messages.success(request, _("已退回承办人修改。"))
            return redirect("replies:review_queue")
    return render(
        request, "replies/detail.html", _detail_context(request, reply, return_form=form),
        status=400,
    )


@login_required
@require_POST
def reply_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign off: number, render, store and sign, and make the proposer's link whose URL the
    letter carries as a QR code. A second POST (double click) finds the reply signed."""
    reply = get_reply(request, pk, sign=True)
    if reply.state in FROZEN_STATES:
        messages.info(request, _("这份答复已经签发（%(n)s），没有重复签发。") % {
            "n": reply.doc_number})
        return redirect("replies:detail", pk=reply.pk)
    tokens: list[str] = []

    def feedback_url_for(token: str) -> str:
        tokens.append(token)
        return request.build_absolute_uri(reverse("feedback", args=[token]))

    try:
        reply = services.reply_sign_off(
            reply=reply, actor=request.user, feedback_url_for=feedback_url_for
        )
    except DraftingCheckError as exc:
        reply.refresh_from_db()
        messages.error(request, _("检查发现错误，不能签发。请退回承办人修改。"))
        return render(
            request, "replies/detail.html",
            _detail_context(request, reply, findings=exc.findings, sign_refused=True),
            status=400,
        )
    except ValidationError as exc:
        reply.refresh_from_db()
        if reply.state in FROZEN_STATES:
            messages.info(request, _("这份答复已经签发（%(n)s），没有重复签发。") % {
                "n": reply.doc_number})
        else:
            messages.error(request, " ".join(exc.messages))
        return redirect("replies:detail", pk=reply.pk)
    messages.success(request, _("已签发，文号 %(n)s。") % {"n": reply.doc_number})
    if tokens:
        request.session[f"replies:link:{reply.pk}"] = request.build_absolute_uri(
            reverse("feedback", args=[tokens[-1]])
        )
    return redirect("replies:detail", pk=reply.pk)


@login_required
def reply_signed_docx(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request, pk)
    if not reply.signed_file:
        raise Http404
    ReplyDownload.objects.create(reply=reply, user=request.user)
    logger.info("reply %s downloaded by user %s", reply.pk, request.user.pk)
    return _render.docx_response(_render.docx_of(reply), _render.file_name(reply))


@login_required
@require_POST
def reply_mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_reply(request, pk, act=True)
    if reply.state == Reply.State.SENT:
        messages.info(request, _("这份答复已标记为已发送。"))
        return redirect("replies:detail", pk=reply.pk)
    try:
        reply = services.reply_mark_sent(reply=reply, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已标记为已发送。提案状态：%(status)s。") % {
            "status": reply.proposal.get_status_display()})
    return redirect("replies:detail", pk=reply.pk)


@login_required
@require_POST
def reply_feedback_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A new link for the proposer (to print or send). Only its digest is stored, so the
    page shows it this once; older links keep working until they expire."""
    reply = get_reply(request, pk, act=True)
    if reply.state not in FROZEN_STATES:
        messages.error(request, _("答复签发后才能生成提案人链接。"))
        return redirect("replies:detail", pk=reply.pk)
    _link, token = services.feedback_link_create(reply=reply, actor=request.user)
    url = request.build_absolute_uri(reverse("feedback", args=[token]))
    return render(request, "replies/feedback_link.html",
                  {"reply": reply, "proposal": reply.proposal, "url": url})
