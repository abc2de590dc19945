"""The error pages (404, 403, 500 and a refused form, CSRF), in Chinese and in the site's
frame, each with a way back.

404 and 403 show the same page: views answer 404 for what the person may not see (another
unit's proposal, a guessed id) and 403 for what they see but may not do, so the page must
not tell "no such thing" from "not yours" in any word.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def back_url(request: HttpRequest) -> str | None:
    """The page the person came from (the Referer), when it is a page of this site: never a
    link to another site (no open redirect). A page that failed to open is no way back from
    itself; a form's page, sent back to itself and refused, is: opening it again is the
    refresh the person needs."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    if not parts.netloc or (parts.path == request.path and request.method in ("GET", "HEAD")):
        return None
    return referer


def _render(request: HttpRequest, template: str, response_class, **context) -> HttpResponse:
    body = loader.render_to_string(template, {"back_url": back_url(request), **context}, request)
    return response_class(body)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _render(request, "404.html", HttpResponseNotFound)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _render(request, "403.html", HttpResponseForbidden)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent from a page that has expired (the session
    ended, the person logged in again in another tab) or without the site's cookie."""
    return _render(request, "403_csrf.html", HttpResponseForbidden)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the context processors and without base.html: the error may come
    from the database or from them."""
    try:
        back = back_url(request)
    except Exception:  # the page must come out whatever broke
        back = None
    body = loader.get_template("500.html").render({"back_url": back})
    return HttpResponseServerError(body)
