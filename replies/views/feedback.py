"""The proposer's page behind the personal link /f/<token>/: no account; the token is the
key (unguessable, expiring, stored only hashed). A cache counter per IP and token limits
requests, so the link cannot be used to hammer the server or guess other tokens."""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from rls.middleware import scope_from_view_kwargs
from rls.scope import scope_for_feedback_token

from ..forms import FeedbackForm
from ..models import FROZEN_STATES, Feedback, FeedbackLink, Reply, ReplyDownload
from ..services import feedback_link_get, feedback_submit
from ..services.feedback import answers_reopening, token_canonical, token_hashes
from ..spec_builder import heading_number
from . import _render

logger = logging.getLogger(__name__)

RATE_LIMIT = 20
RATE_WINDOW_SECONDS = 10 * 60
# Until proposals has a notice kind of its own for this, the closest one: the proposal is
# handed back to the unit for handling again.


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(request: HttpRequest, token: str) -> bool:
    key = "replies:f-rate:" + hashlib.sha256(
        f"{_client_ip(request)}|{token_canonical(token)}".encode()
    ).hexdigest()[:32]
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RATE_WINDOW_SECONDS)
        return False
    return count > RATE_LIMIT


def _gone(request: HttpRequest, token: str) -> HttpResponse:
    """Unknown, revoked or expired: say which, without telling anything about the reply."""
    link = (
        FeedbackLink.objects.filter(token_hash__in=token_hashes(token)).first() if token else None
    )
    if link is not None and not link.revoked and link.expires_at <= timezone.now():
        return render(request, "replies/public/gone.html", {"expired": True}, status=410)
    return render(request, "replies/public/gone.html", {"expired": False}, status=404)


def _letter_rows(spec: dict) -> list[dict]:
    """The frozen letter as a flat list of numbered headings and paragraphs."""
    rows = [{"kind": "p", "text": t} for t in spec.get("intro", [])]

    def walk(sections: list, level: int) -> None:
        for n, section in enumerate(sections, start=1):
            rows.append({
                "kind": "h", "level": level,
                "text": f"{heading_number(min(level, 4), n)}{section.get('heading', '')}",
            })
            rows.extend({"kind": "p", "text": t} for t in section.get("paragraphs", []))
            walk(section.get("sections", []), level + 1)

    walk(spec.get("sections", []), 1)
    rows.extend({"kind": "p", "text": t} for t in spec.get("closing", []))
    return rows


def _link_scope(view_kwargs: dict):
    """The proposer has no account: the link's committee is the request's (rls/)."""
    token = view_kwargs.get("token", "")
    return scope_for_feedback_token(token_hashes(token)) if 0 < len(token) <= 200 else None


@scope_from_view_kwargs(_link_scope)
@never_cache
@csrf_protect
def feedback_page(request: HttpRequest, token: str) -> HttpResponse:
    if rate_limited(request, token):
        return render(request, "replies/public/too_many.html", status=429)
    link = feedback_link_get(token=token)
    if link is None or link.reply.state not in FROZEN_STATES:
        return _gone(request, token)
    reply = Reply.objects.select_related("unit", "proposal__session").get(pk=link.reply_id)
    feedback = Feedback.objects.filter(reply=reply).first()
    form = FeedbackForm(request.POST or None) if feedback is None else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = feedback_submit(
                    token=token, process=data["process_satisfaction"],
                    result=data["result_satisfaction"], comment=data["comment"],
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "duplicate":
                    return redirect("feedback", token=token)
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        for e in errors:
                            form.add_error(name if name in form.fields else None, e)
                else:
                    form.add_error(None, exc)
                status = 400
            else:
                return redirect(f"{request.path}?thanks=1")
        else:
            status = 400
    spec = reply.signed_spec or {}
    context = {
        "reply": reply,
        "token": token,
        "spec": spec,
        "rows": _letter_rows(spec),
        "feedback": feedback,
        "form": form,
        "reopened": form is not None and answers_reopening(reply),
        "thanks": request.GET.get("thanks") == "1" and feedback is not None,
    }
    return render(request, "replies/public/feedback.html", context, status=status)


@scope_from_view_kwargs(_link_scope)
@never_cache
def feedback_letter(request: HttpRequest, token: str) -> HttpResponse:
    if rate_limited(request, token):
        return render(request, "replies/public/too_many.html", status=429)
    link = feedback_link_get(token=token)
    if link is None or link.reply.state not in FROZEN_STATES or not link.reply.signed_file:
        return _gone(request, token)
    reply = Reply.objects.select_related("unit", "proposal").get(pk=link.reply_id)
    ReplyDownload.objects.create(reply=reply, via=ReplyDownload.Via.PROPOSER)
    logger.info("reply %s downloaded through feedback link %s", reply.pk, link.pk)
    return _render.docx_response(_render.docx_of(reply), _render.file_name(reply))
