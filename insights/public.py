"""The public site of 公开答复 (no login): /gongkai/ lists the committees that publish,
/gongkai/<committee>/ a committee's published replies by session with search, and
/gongkai/<committee>/<publication>/ one reply's public version and its .docx.

Only `public_publications()` is ever read: published, of a reply in force marked 此件公开发布,
its title and text as redacted at confirmation. On PostgreSQL nobody is logged in, so the
page runs as the committee named in its URL (rls.middleware.scope_from_view_kwargs): one
committee's page cannot read another's rows.

The pages are user-independent HTML (templates/gongkai/, no session, no CSRF token) and
kept in Django's cache under the committee's publication version, which the publish and
withdraw services change (PUBLIC_CACHE_SECONDS; 0 turns it off).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from proposals.models import Committee, Session
from replies.models import Publication
from replies.services.publication import public_cache_version, public_publications
from rls.middleware import scope_from_view_kwargs
from rls.scope import BIGINT_MAX, Scope, each_committee

from .search import QueryError, parse_query, search_publications, snippet

PER_PAGE = 20


def _committee_scope(view_kwargs: dict) -> Scope | None:
    committee_id = view_kwargs.get("committee_id")
    if committee_id is None or not 0 < int(committee_id) <= BIGINT_MAX:
        return None
    return Scope(int(committee_id))


def _cached(parts: tuple, committee_id: int | None, build: Callable[[], str]) -> HttpResponse:
    seconds = settings.PUBLIC_CACHE_SECONDS
    if not seconds:
        return HttpResponse(build())
    raw = repr((public_cache_version(committee_id), *parts)).encode()
    key = f"gongkai:page:{committee_id}:{hashlib.sha256(raw).hexdigest()[:32]}"
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, seconds)
    response = HttpResponse(html)
    response["Cache-Control"] = "public, max-age=60"
    return response


def _committee(committee_id: int) -> Committee:
    if not 0 < committee_id <= BIGINT_MAX:
        raise Http404
    return get_object_or_404(Committee, pk=committee_id)  # outside the wall


def _published_counts() -> dict[int, int]:
    rows = public_publications().values("reply__proposal__session__committee_id").annotate(
        n=Count("pk"))
    return {r["reply__proposal__session__committee_id"]: r["n"] for r in rows}


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    def build() -> str:
        counts: dict[int, int] = {}
        for part in each_committee(_published_counts):
            counts.update(part)
        committees = list(Committee.objects.filter(pk__in=counts).order_by("pk"))
        for c in committees:
            c.published = counts[c.pk]
        return render_to_string("gongkai/index.html", {"committees": committees})

    return _cached(("index",), None, build)


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) <= BIGINT_MAX else None


@scope_from_view_kwargs(_committee_scope)
@require_GET
def public_committee(request: HttpRequest, committee_id: int) -> HttpResponse:
    committee = _committee(committee_id)
    session_id = _int_param(request, "session")
    page = _int_param(request, "page") or 1
    query = (request.GET.get("q") or "").strip()[:200]

    def build() -> str:
        published = public_publications().filter(
            reply__proposal__session__committee_id=committee.pk)
        sessions = list(Session.objects.filter(
            pk__in=published.values("reply__proposal__session_id")).order_by("-year", "-pk"))
        if session_id is not None:
            published = published.filter(reply__proposal__session_id=session_id)
        error, terms = "", []
        if query:
            try:
                terms = parse_query(query)
            except QueryError as exc:
                error = str(exc)
        if terms:
            published = search_publications(published, terms)
        else:
            published = published.order_by("-published_at", "-pk")
        paginator = Paginator(
            published.select_related("reply__unit", "reply__proposal__session")
            .only("pk", "title", "text", "mode", "published_at", "reply__unit__name",
                  "reply__proposal__number", "reply__proposal__session__name",
                  "reply__doc_year", "reply__doc_seq", "reply__unit__doc_prefix"),
            PER_PAGE,
        )
        items = paginator.get_page(page)
        for p in items:
            p.snippet = snippet(p.text, terms) if terms else []
        return render_to_string("gongkai/committee.html", {
            "committee": committee, "sessions": sessions, "session_id": session_id,
            "query": query, "terms": terms, "error": error, "items": items,
            "total": paginator.count,
        })

    return _cached(("list", session_id, query, page), committee.pk, build)


def _publication(committee: Committee, publication_id: int) -> Publication:
    if not 0 < publication_id <= BIGINT_MAX:
        raise Http404
    return get_object_or_404(
        public_publications().filter(reply__proposal__session__committee_id=committee.pk)
        .select_related("reply__unit", "reply__proposal__session"),
        pk=publication_id,
    )


@scope_from_view_kwargs(_committee_scope)
@require_GET
def public_detail(request: HttpRequest, committee_id: int, publication_id: int) -> HttpResponse:
    committee = _committee(committee_id)

    def build() -> str:
        publication = _publication(committee, publication_id)
        return render_to_string("gongkai/detail.html", {
            "committee": committee, "p": publication, "reply": publication.reply,
            "lines": [line for line in publication.text.splitlines() if line.strip()],
        })

    return _cached(("detail", publication_id), committee.pk, build)


@scope_from_view_kwargs(_committee_scope)
@require_GET
def public_docx(request: HttpRequest, committee_id: int, publication_id: int) -> HttpResponse:
    """The public version's .docx (never the signed original)."""
    publication = _publication(_committee(committee_id), publication_id)
    if not publication.public_file:
        raise Http404(_("没有公开版文件。"))
    name = f"公开答复-{publication.reply.proposal.number}.docx"
    return FileResponse(publication.public_file.open("rb"), as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument."
                                     "wordprocessingml.document")
