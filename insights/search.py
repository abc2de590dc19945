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
from django.db.models import F, FloatField, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Length, Lower, Replace
from django.utils.translation import gettext as _

from proposals import selectors
from proposals.models import Proposal, Section
from replies.models import ReplyParagraph

from .access import replies_visible_to

MAX_TERMS = 5
MAX_TERM_CHARS = 50
DEFAULT_LIMIT = 20
SNIPPET_CHARS = 40

# Keep these in step with the indexed expressions of migration 0002.
PROPOSAL_TEXT = (
    "coalesce(\"proposals_proposal\".\"title\", '') || ' ' || "
    "coalesce(\"proposals_proposal\".\"content\", '') || ' ' || "
    "coalesce(\"proposals_proposal\".\"suggestions\", '')"
)
SECTION_TEXT = (
    "coalesce(\"proposals_section\".\"heading\", '') || ' ' || "
    "coalesce(\"proposals_section\".\"paragraphs\"::text, '')"
)
PARAGRAPH_TEXT = "coalesce(\"replies_replyparagraph\".\"text\", '')"


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
    vector = f"to_tsvector('simple'::regconfig, insights_bigrams({expression}))"
    query = "plainto_tsquery('simple'::regconfig, %s)"
    if any_term:
        where = [f"{vector} @@ ({' || '.join([query] * len(wanted))})"]
    else:
        where = [f"{vector} @@ {query}" for _bigrams in wanted]
    return queryset.extra(where=where, params=wanted)


def _occurrences(field_name: str, term: str):
    """How many times `term` occurs in the field (case-insensitive), as an expression."""
    lowered = Lower(Coalesce(F(field_name), Value("")))
    return Cast(
        (Length(lowered) - Length(Replace(lowered, Value(term), Value("")))) / len(term),
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


def search_proposals(user, terms: list[str], *, session=None, limit: int = DEFAULT_LIMIT):
    queryset = selectors.proposals_visible_to(user)
    if session is not None:
        queryset = queryset.filter(session=session)
    queryset = _bigram_where(queryset, PROPOSAL_TEXT, terms)
    score = Value(0.0, output_field=FloatField())
    for term in terms:
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(content__icontains=term) | Q(suggestions__icontains=term)
        )
        score = (
            score
            + 4 * _occurrences("title", term)
            + 2 * _occurrences("suggestions", term)
            + _occurrences("content", term)
        )
    rows = (
        queryset.annotate(score=Cast(score, FloatField()))
        .select_related("session")
        .only("pk", "number", "title", "content", "suggestions", "status", "session__name")
        .order_by("-score", "-session__year", "number", "pk")[:limit]
    )
    hits = []
    for proposal in rows:
        text = proposal.content if any(t in (proposal.content or "").lower() for t in terms) \
            else proposal.suggestions
        hits.append(
            Hit(
                kind="proposal",
                score=proposal.score,
                proposal=proposal,
                title=str(proposal),
                snippet=snippet(text, terms),
                obj=proposal,
            )
        )
    return hits


def _section_text(section: Section) -> str:
    return "\n".join(str(p) for p in (section.paragraphs or []))


def search_sections(user, terms: list[str], *, session=None, limit: int = DEFAULT_LIMIT):
    """Sections keep their paragraphs as JSON (escaped on SQLite), so the exact test and the
    score are computed here, on the candidates the index (PostgreSQL) or the scope gives."""
    queryset = selectors.sections_visible_to(user)
    if session is not None:
        queryset = queryset.filter(assignment__proposal__session=session)
    queryset = _bigram_where(queryset, SECTION_TEXT, terms).select_related(
        "assignment__unit", "assignment__proposal__session"
    )
    hits = []
    for section in queryset.iterator(chunk_size=500):
        heading = (section.heading or "").lower()
        body = _section_text(section).lower()
        score = 0.0
        for term in terms:
            in_heading, in_body = heading.count(term), body.count(term)
            if not (in_heading or in_body):
                break
            score += 3 * in_heading + in_body
        else:
            hits.append(
                Hit(
                    kind="section",
                    score=score,
                    proposal=section.assignment.proposal,
                    title=section.heading or _("%(unit)s的意见") % {"unit": section.unit.name},
                    snippet=snippet(_section_text(section), terms),
                    obj=section,
                    unit_name=section.assignment.unit.name,
                )
            )
    hits.sort(key=lambda h: (-h.score, h.proposal.number, h.obj.pk))
    return hits[:limit]


def search_replies(user, terms: list[str], *, session=None, limit: int = DEFAULT_LIMIT):
    """Replies whose paragraphs, together, contain every term; scored by occurrences."""
    replies = replies_visible_to(user)
    if session is not None:
        replies = replies.filter(proposal__session=session)
    paragraphs = ReplyParagraph.objects.filter(reply__in=replies)
    paragraphs = _bigram_where(paragraphs, PARAGRAPH_TEXT, terms, any_term=True)
    match_any = Q()
    for term in terms:
        match_any |= Q(text__icontains=term)
    per_reply: dict[int, dict] = {}
    rows = paragraphs.filter(match_any).values_list("reply_id", "text")
    for reply_id, text in rows.iterator(chunk_size=1000):
        entry = per_reply.setdefault(reply_id, {"counts": dict.fromkeys(terms, 0), "text": ""})
        lowered = text.lower()
        for term in terms:
            entry["counts"][term] += lowered.count(term)
        if not entry["text"] and any(t in lowered for t in terms):
            entry["text"] = text
    ranked = sorted(
        (
            (sum(e["counts"].values()), reply_id, e["text"])
            for reply_id, e in per_reply.items()
            if all(e["counts"].values())
        ),
        key=lambda r: (-r[0], r[1]),
    )[:limit]
    by_id = replies.select_related("unit", "proposal__session").in_bulk(
        [r[1] for r in ranked]
    )
    hits = []
    for score, reply_id, text in ranked:
        reply = by_id[reply_id]
        hits.append(
            Hit(
                kind="reply",
                score=float(score),
                proposal=reply.proposal,
                title=reply.doc_number or reply.title,
                snippet=snippet(text, terms),
                obj=reply,
                unit_name=reply.unit.name,
            )
        )
    return hits


def search(user, query: str, *, session=None, limit: int = DEFAULT_LIMIT) -> Results:
    """Everything `user` may see that matches `query`, best first in each group."""
    terms = parse_query(query)
    return Results(
        query=query,
        terms=terms,
        proposals=search_proposals(user, terms, session=session, limit=limit),
        sections=search_sections(user, terms, session=session, limit=limit),
        replies=search_replies(user, terms, session=session, limit=limit),
    )
