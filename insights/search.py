"""Chinese search across proposals, sections and replies: permission-scoped and ranked.

Matching: every whitespace-separated term of the query must occur (as a substring,
case-insensitive) in the searched text. On PostgreSQL a GIN index over character bigrams
(migration 0002) finds the candidates first, so a search costs an index lookup rather than
a scan; SQLite scans. Ranking is the same on both: occurrences of each term, weighted by
where they occur (案由 4, 建议 2, 内容 1; for a section its heading 3, paragraphs 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Length, Lower, Replace
from django.urls import reverse
from django.utils.translation import gettext as _

from proposals import access, selectors
from proposals.links import proposal_urls
from proposals.models import Assignment, Proposal, Section
from proposals.selectors import text_contains as _contains
from replies.access import replies_readable_by, reply_visibility
from replies.models import Reply, ReplyParagraph
from rls import scope as rls_scope

MAX_TERMS = 5
MAX_TERM_CHARS = 50
DEFAULT_LIMIT = 20
MAX_CANDIDATES = 500
SCAN_AT_MOST = 2000  # proposals handed to a person's units: more, and the index is used
SNIPPET_CHARS = 40
ONCE_LIMIT = 10**9  # see _handed_to_units

# Keep these in step with the indexed expressions of migration 0002.
PROPOSAL_TEXT = (
    "coalesce(\"proposals_proposal\".\"title\", '') || ' ' || "
    "coalesce(\"proposals_proposal\".\"content\", '') || ' ' || "
    "coalesce(\"proposals_proposal\".\"suggestions\", '')"
)
TITLE_TEXT = "coalesce(\"proposals_proposal\".\"title\", '')"
SECTION_TEXT = (
    "coalesce(\"proposals_section\".\"heading\", '') || ' ' || "
    "coalesce(\"proposals_section\".\"paragraphs\"::text, '')"
)
PARAGRAPH_TEXT = "coalesce(\"replies_replyparagraph\".\"text\", '')"
# Behind the committees' wall (a committee set, rls/): the same index read by a function
# that applies the policy itself (rls/migrations/0003_search_through_the_wall.py).
WALLED_SEARCH = {
    PROPOSAL_TEXT: "app_search_proposal_text",
    TITLE_TEXT: "app_search_proposal_title",
    SECTION_TEXT: "app_search_section",
    PARAGRAPH_TEXT: "app_search_paragraph",
}


class QueryError(ValueError):
    """The query cannot be searched; the message says why, in Chinese."""


def parse_query(query: str) -> list[str]:
    terms = [t for t in re.split(r"\s+", (query or "").strip()) if t]
    if not terms:
        raise QueryError(_("请输入要检索的词语。"))
    if len(terms) > MAX_TERMS:
        raise QueryError(_("检索词最多%(n)d个。") % {"n": MAX_TERMS})
    for term in terms:
        if len(term) > MAX_TERM_CHARS:
            raise QueryError(_("检索词不能超过%(n)d个字。") % {"n": MAX_TERM_CHARS})
        if len(term) < 2:
            raise QueryError(_("检索词「%(t)s」太短：每个词至少两个字。") % {"t": term})
    return [t.lower() for t in dict.fromkeys(terms)]


_WORD = re.compile(r"\w")


def query_bigrams(term: str) -> str:
    """The term's overlapping character pairs, space-separated (停车难 → "停车 车难"); pairs
    with punctuation are left out (the text parser would split them)."""
    pairs = (term[i : i + 2] for i in range(len(term) - 1))
    return " ".join(dict.fromkeys(p for p in pairs if _WORD.match(p[0]) and _WORD.match(p[1])))


def _bigram_where(
    queryset: QuerySet, expression: str, terms: list[str], *, any_term: bool = False
) -> QuerySet:
    """On PostgreSQL, narrow to rows whose bigrams include every bigram of every term (or,
    with any_term, of at least one term) from the GIN index; the exact substring test comes
    after, on these few rows only."""
    if connection.vendor != "postgresql":
        return queryset
    wanted = [query_bigrams(t) for t in terms]
    if not all(wanted):  # a term of punctuation only: no index help, scan instead
        return queryset
    query = "plainto_tsquery('simple'::regconfig, %s)"
    if rls_scope.current() is not None:
        # Under row-level security the policy runs first and `@@` cannot use the index.
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        joined = (" || " if any_term else " && ").join([query] * len(wanted))
        where = [f"{table}.\"id\" IN (SELECT {WALLED_SEARCH[expression]}({joined}))"]
        return queryset.extra(where=where, params=wanted)
    vector = f"to_tsvector('simple'::regconfig, insights_bigrams({expression}))"
    if any_term:
        where = [f"{vector} @@ ({' || '.join([query] * len(wanted))})"]
    else:
        where = [f"{vector} @@ {query}" for _bigrams in wanted]
    return queryset.extra(where=where, params=wanted)


def _occurrences(field, term: str):
    """How many times `term` occurs in the field, as an expression. Chinese has no case, so
    lower() (costly on long text) is applied only when the term has letters with case."""
    text = Coalesce(field if not isinstance(field, str) else F(field), Value(""))
    if not selectors.caseless(term):
        text = Lower(text)
    return Cast(
        (Length(text) - Length(Replace(text, Value(term), Value("")))) / len(term),
        IntegerField(),
    )


@dataclass
class Hit:
    kind: str  # "proposal" | "section" | "reply"
    score: float
    proposal: Proposal
    title: str
    snippet: list[tuple[str, bool]] = field(default_factory=list)
    obj: object = None
    unit_name: str = ""
    url: str = ""  # where the reader opens the proposal; "" → plain text (see add_links)
    reply_url: str = ""  # a reply hit: its page, when the reader may open it


@dataclass
class Results:
    query: str
    terms: list[str]
    proposals: list[Hit]
    sections: list[Hit]
    replies: list[Hit]

    @property
    def total(self) -> int:
        return len(self.proposals) + len(self.sections) + len(self.replies)


def snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """A short piece of `text` around the first hit, as (text, is_hit) parts to render."""
    text = re.sub(r"\s+", " ", text or "")
    lowered = text.lower()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - width // 2) if positions else 0
    piece = text[start : start + width * 2]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width * 2 < len(text) else ""
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    parts: list[tuple[str, bool]] = []
    last = 0
    for match in pattern.finditer(piece):
        if match.start() > last:
            parts.append((piece[last : match.start()], False))
        parts.append((match.group(0), True))
        last = match.end()
    parts.append((piece[last:], False))
    if prefix:
        parts.insert(0, (prefix, False))
    if suffix:
        parts.append((suffix, False))
    return [p for p in parts if p[0]]


def _is_staff(user) -> bool:
    return user.is_superuser or access.committees_staffed_by(user).exists()


@dataclass(frozen=True)
class Scope:
    """How one person's search runs, decided once per search."""

    staff: bool  # the committee's staff: everything of the committee is visible
    use_index: bool  # the bigram index finds the candidates (see search_scope)


def search_scope(user) -> Scope:
    """Whether the bigram index should find the candidates (PostgreSQL only). For the
    committee's staff, always. For a unit's people it depends on the unit: testing the text
    of a few hundred proposals handed to it is cheaper than reading the index entries of a
    common word across the whole database, but a big unit handles thousands, and then the
    index wins. One bounded count decides."""
    staff = _is_staff(user)
    if connection.vendor != "postgresql":
        return Scope(staff=staff, use_index=False)
    if staff:
        return Scope(staff=True, use_index=True)
    handed = _handed_to_units(user)[:SCAN_AT_MOST + 1].count()
    return Scope(staff=False, use_index=handed > SCAN_AT_MOST)


def _visible_proposals(user, scope: Scope) -> QuerySet[Proposal]:
    """access.proposals_visible_to(user); for people who are not committee staff, also
    narrowed to the proposals handed to their units (a superset of what they may see, on
    an index), so PostgreSQL never tests the assignment rule on every matching one."""
    visible = access.proposals_visible_to(user)
    if scope.staff:
        return visible
    return visible.filter(pk__in=_handed_to_units(user, once=True))


def _handed_to_units(user, *, once: bool = False) -> QuerySet:
    """Ids of the proposals ever handed to the person's units (withdrawn too): everything a
    unit's people may see hangs from one of these. Unordered: read from the (unit,
    session) index alone.

    once: as a subquery that PostgreSQL reads once and hashes. A LIMIT (one no unit
    reaches) keeps it from turning the subquery into probes of the assignments and
    memberships for each candidate row, which it chooses because it expects a handful of
    bigram matches where there are thousands."""
    units = access.unit_ids_of(user)
    handed = Assignment.objects.filter(unit_id__in=units).order_by().values("proposal_id")
    return handed[:ONCE_LIMIT] if once else handed


def _matches_proposal(term: str) -> Q:
    return _contains("title", term) | _contains("content", term) | _contains("suggestions", term)


def _proposal_candidates(visible: QuerySet[Proposal], terms: list[str]) -> list[int]:
    """At most 2 × MAX_CANDIDATES ids to score: the proposals with every term in 案由
    (newest sessions first), then others the index finds in any order. The second query
    has no ORDER BY, so PostgreSQL stops reading once it has enough: a word found in most
    proposals costs no more than a rare one. (Materialised ids: as a subquery, the raw
    index condition would name the outer table.)"""
    in_title = visible
    for term in terms:
        in_title = in_title.filter(_contains("title", term))
    ids = list(
        _bigram_where(in_title, TITLE_TEXT, terms)
        .order_by("-session_id", "-number")
        .values_list("pk", flat=True)[:MAX_CANDIDATES]
    )
    others = _bigram_where(visible.order_by(), PROPOSAL_TEXT, terms)
    ids += others.values_list("pk", flat=True)[:MAX_CANDIDATES]
    return list(dict.fromkeys(ids))


def search_proposals(
    user, terms: list[str], *, session=None, limit: int = DEFAULT_LIMIT,
    scope: Scope | None = None,
):
    """Proposals (案由, 内容, 建议) holding every term, best first.

    The work is bounded (see _proposal_candidates): when a word is found in thousands of
    proposals, those with it in 案由 and a thousand others are scored, not all of them.
    """
    scope = scope or search_scope(user)
    return _ranked_proposals(_visible_proposals(user, scope), terms, session=session,
                             limit=limit, use_index=scope.use_index)


def search_committees(committees, terms: list[str], *, limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """The proposals of `committees` holding every term, best first: a province's staff
    searching the committees below (read only; on PostgreSQL the policies allow exactly
    these reads, rls/)."""
    visible = Proposal.objects.filter(session__committee__in=committees)
    return _ranked_proposals(visible, terms, session=None, limit=limit,
                             use_index=connection.vendor == "postgresql")


def _ranked_proposals(visible, terms, *, session, limit, use_index) -> list[Hit]:
    if session is not None:
        visible = visible.filter(session=session)
    if use_index:
        candidates = _proposal_candidates(visible, terms)
    else:
        candidates = visible
        for term in terms:
            candidates = candidates.filter(_matches_proposal(term))
        candidates = list(candidates.values_list("pk", flat=True)[:MAX_CANDIDATES * 2])
    queryset = Proposal.objects.filter(pk__any_of=candidates)
    score = Value(0.0, output_field=FloatField())
    for term in terms:
        queryset = queryset.filter(_matches_proposal(term))
        score = (
            score
            + 4 * _occurrences("title", term)
            + 2 * _occurrences("suggestions", term)
            + _occurrences("content", term)
        )
    rows = (
        queryset.annotate(score=Cast(score, FloatField()))
        .select_related("session")
        .only("pk", "number", "title", "content", "suggestions", "status", "session__name",
              "session__year", "session__committee_id")
        .order_by("-score", "-session__year", "number", "pk")[:limit]
    )
    hits = []
    for proposal in rows:
        content = (proposal.content or "").lower()
        text = proposal.content if any(t in content for t in terms) else proposal.suggestions
        hits.append(
            Hit(
                kind="proposal",
                score=proposal.score,
                proposal=proposal,
                title=str(proposal),
                snippet=snippet(text or proposal.title, terms),
                obj=proposal,
            )
        )
    return hits


def _section_text(section: Section) -> str:
    return "\n".join(str(p) for p in (section.paragraphs or []))


def search_sections(
    user, terms: list[str], *, session=None, limit: int = DEFAULT_LIMIT,
    scope: Scope | None = None,
):
    """Sections (heading, paragraphs) holding every term, best first (heading 3, text 1)."""
    if not user.is_authenticated:
        return []
    queryset = Section.objects.filter(access.section_visibility(user))
    if session is not None:
        queryset = queryset.filter(assignment__proposal__session=session)
    if connection.vendor == "postgresql":
        rows = _sections_in_sql(user, scope or search_scope(user), queryset, terms, limit)
    else:
        rows = _sections_in_python(queryset, terms, limit)
    return [
        Hit(
            kind="section",
            score=score,
            proposal=section.assignment.proposal,
            title=section.heading or _("%(unit)s的意见") % {"unit": section.unit.name},
            snippet=snippet(_section_text(section), terms),
            obj=section,
            unit_name=section.assignment.unit.name,
        )
        for section, score in rows
    ]


def _sections_in_sql(
    user, scope: Scope, queryset, terms: list[str], limit: int
) -> list[tuple[Section, float]]:
    """PostgreSQL keeps JSON as jsonb, whose text form has the characters as they are, so
    the test and the score run in the database (on at most MAX_CANDIDATES sections)."""
    if scope.use_index:
        queryset = _bigram_where(queryset, SECTION_TEXT, terms)
    if not scope.staff:  # a superset of what the person may see, on an index
        queryset = queryset.filter(assignment__proposal__in=_handed_to_units(user, once=True))
    body = Cast("paragraphs", TextField())
    queryset = queryset.annotate(body=body)
    for term in terms:  # the candidates hold every term: none is cut off by the limit
        queryset = queryset.filter(_contains("heading", term) | _contains("body", term))
    # No ORDER BY: PostgreSQL stops once it has enough (see _proposal_candidates).
    candidates = list(queryset.order_by().values_list("pk", flat=True)[:MAX_CANDIDATES])
    rows = Section.objects.filter(pk__any_of=candidates).annotate(body=body)
    score = Value(0.0, output_field=FloatField())
    for term in terms:
        score = score + 3 * _occurrences("heading", term) + _occurrences(body, term)
    rows = (
        rows.annotate(score=Cast(score, FloatField()))
        .select_related("assignment__unit", "assignment__proposal__session")
        .order_by("-score", "assignment__proposal__number", "pk")[:limit]
    )
    return [(section, section.score) for section in rows]


def _sections_in_python(queryset, terms: list[str], limit: int) -> list[tuple[Section, float]]:
    """SQLite stores JSON with \\u escapes, so the text is tested here, in Python."""
    found = []
    rows = queryset.select_related("assignment__unit", "assignment__proposal__session")
    for section in rows.iterator(chunk_size=500):
        heading = (section.heading or "").lower()
        body = _section_text(section).lower()
        score = 0.0
        for term in terms:
            in_heading, in_body = heading.count(term), body.count(term)
            if not (in_heading or in_body):
                break
            score += 3 * in_heading + in_body
        else:
            found.append((section, score))
    found.sort(key=lambda item: (-item[1], item[0].assignment.proposal.number, item[0].pk))
    return found[:limit]


def search_replies(
    user, terms: list[str], *, session=None, limit: int = DEFAULT_LIMIT,
    scope: Scope | None = None,
):
    """Replies whose paragraphs, together, hold every term; scored by occurrences, counted
    in the database per reply."""
    if not user.is_authenticated:
        return []
    paragraphs = ReplyParagraph.objects.filter(reply_visibility(user, prefix="reply__"))
    if session is not None:
        paragraphs = paragraphs.filter(reply__proposal__session=session)
    scope = scope or search_scope(user)
    if scope.use_index:
        paragraphs = _bigram_where(paragraphs, PARAGRAPH_TEXT, terms, any_term=True)
    if not scope.staff:  # as in _sections_in_sql
        paragraphs = paragraphs.filter(reply__proposal__in=_handed_to_units(user, once=True))
    match_any = Q()
    for term in terms:
        match_any |= _contains("text", term)
    # Bounded work: at most MAX_CANDIDATES replies (found in any order) are scored.
    reply_ids = set(
        paragraphs.filter(match_any).order_by().values_list("reply_id", flat=True)[
            : MAX_CANDIDATES * 3
        ]
    )
    paragraphs = ReplyParagraph.objects.filter(reply_id__any_of=list(reply_ids)[:MAX_CANDIDATES])
    counts = {f"n{i}": Sum(_occurrences("text", term)) for i, term in enumerate(terms)}
    every = {f"n{i}__gt": 0 for i in range(len(terms))}
    total = sum((F(name) for name in counts), Value(0))
    ranked = list(
        paragraphs.filter(match_any)
        .order_by()
        .values("reply_id")
        .annotate(**counts)
        .filter(**every)
        .annotate(score=total)
        .order_by("-score", "reply_id")
        .values_list("reply_id", "score")[:limit]
    )
    # Already permission-checked above: fetch the few replies by id.
    by_id = Reply.objects.select_related("unit", "proposal__session").in_bulk(
        [reply_id for reply_id, _score in ranked]
    )
    first_text: dict[int, str] = {}
    for reply_id, text in (
        ReplyParagraph.objects.filter(reply_id__any_of=list(by_id)).filter(match_any)
        .order_by("reply_id", "order").values_list("reply_id", "text")
    ):
        first_text.setdefault(reply_id, text)
    hits = []
    for reply_id, score in ranked:
        reply = by_id[reply_id]
        hits.append(
            Hit(
                kind="reply",
                score=float(score),
                proposal=reply.proposal,
                title=reply.doc_number or reply.title,
                snippet=snippet(first_text.get(reply_id, ""), terms),
                obj=reply,
                unit_name=reply.unit.name,
            )
        )
    return hits


def add_links(user, results: Results) -> Results:
    """Fill in each hit's links by the rules the linked pages enforce: a proposal opens on
    the clerk's page or on the reader's own assignment page (proposals.links); a reply
    on its page only if replies_readable_by lets the reader in. Anything else stays
    plain text: search must not lead to a 403."""
    hits = [*results.proposals, *results.sections, *results.replies]
    urls = proposal_urls(user, {hit.proposal.pk for hit in hits})
    for hit in hits:
        hit.url = urls.get(hit.proposal.pk, "")
    reply_ids = [hit.obj.pk for hit in results.replies]
    readable = set(
        replies_readable_by(user).filter(pk__in=reply_ids).values_list("pk", flat=True)
    ) if reply_ids else set()
    for hit in results.replies:
        if hit.obj.pk in readable:
            hit.reply_url = reverse("replies:detail", args=[hit.obj.pk])
    return results


def search(user, query: str, *, session=None, limit: int = DEFAULT_LIMIT) -> Results:
    """Everything `user` may see that matches `query`, best first in each group."""
    terms = parse_query(query)
    scope = search_scope(user) if user.is_authenticated else Scope(staff=False, use_index=False)
    return Results(
        query=query,
        terms=terms,
        proposals=search_proposals(user, terms, session=session, limit=limit, scope=scope),
        sections=search_sections(user, terms, session=session, limit=limit, scope=scope),
        replies=search_replies(user, terms, session=session, limit=limit, scope=scope),
    )


def search_publications(publications: QuerySet, terms: list[str]) -> QuerySet:
    """The public site's search (公开答复): every term in the published title or the
    redacted text, with the same matching as the rest of the search (case-insensitive
    substring; Chinese needs no word splitting). Only what is published is searched, so a
    removed phone number or name is never found. Ranked by occurrences, title weighted 3."""
    for term in terms:
        publications = publications.filter(_contains("title", term) | _contains("text", term))
    score = sum(
        (_occurrences("title", t) * 3 + _occurrences("text", t) for t in terms), Value(0)
    )
    return publications.annotate(score=score).order_by("-score", "-published_at", "-pk")
