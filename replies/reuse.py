"""Reuse of earlier replies: the signed replies to earlier proposals most like a new one,
offered paragraph by paragraph on the compose page (and in the proposal page's panel)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from proposals.models import Proposal, Session, Unit
from proposals.similarity import MIN_SCORE, Index, cache, proposal_fingerprint, proposal_text

from .models import Disclosure, Reply, ReplyParagraph


@dataclass
class EarlierParagraph:
    id: int
    text: str
    kind: str
    level: int | None
    part: str
    source_unit_id: int
    source_unit_name: str

    @property
    def reusable(self) -> bool:
        """Body paragraphs are offered for copying; headings, the opening (收悉) and the
        closing are shown for context only."""
        return self.part == ReplyParagraph.Part.BODY and self.kind == ReplyParagraph.Kind.PARAGRAPH


@dataclass
class EarlierReply:
    reply: Reply
    proposal: Proposal
    score: float
    paragraphs: list[EarlierParagraph] = field(default_factory=list)

    @property
    def percent(self) -> str:
        return f"{self.score * 100:.0f}%"


def earlier_sessions(session: Session):
    """Sessions of the same committee held before `session`."""
    return Session.objects.filter(committee_id=session.committee_id).filter(
        Q(year__lt=session.year)
        | Q(year=session.year, term__lt=session.term)
        | Q(year=session.year, term=session.term, sitting__lt=session.sitting)
    )


def reusable_replies(session: Session, unit: Unit | None = None):
    """The replies in force of earlier sessions. Without a unit, only public ones (公开);
    with one, also that unit's own replies."""
    replies = Reply.objects.in_force().filter(proposal__session__in=earlier_sessions(session))
    visible = Q(disclosure=Disclosure.PUBLIC)
    if unit is not None:
        visible |= Q(unit=unit)
    return replies.filter(visible)


def earlier_reply_paragraphs(
    proposal: Proposal, *, unit: Unit | None = None, limit: int = 3,
    min_score: float = MIN_SCORE,
) -> list[EarlierReply]:
    """Signed replies to the earlier proposals most like `proposal` (same committee,
    earlier sessions), each with its paragraphs, so the drafter can copy one into the new
    draft; every paragraph keeps its id and writing unit as its source."""
    replies = reusable_replies(proposal.session, unit)
    proposals = Proposal.objects.filter(pk__in=replies.values("proposal_id"))

    def build() -> Index:
        rows = proposals.values_list("pk", "title", "content")
        return Index({pk: proposal_text(title, content) for pk, title, content in rows})

    fingerprint = (
        proposal_fingerprint(proposals),
        replies.aggregate(n=Count("pk"), last=Max("pk"))["n"],
    )
    key = ("earlier", proposal.session_id, unit.pk if unit else None)
    index = cache.get(key, fingerprint, build)
    ranked = index.query(
        proposal_text(proposal.title, proposal.content), limit=limit, min_score=min_score
    )
    if not ranked:
        return []
    score_of = dict(ranked)
    chosen = list(
        replies.filter(proposal_id__in=score_of).select_related("unit", "proposal__session")
    )
    paragraphs: dict[int, list[EarlierParagraph]] = {}
    for p in (
        ReplyParagraph.objects.filter(reply__in=chosen)
        .select_related("source_unit")
        .order_by("reply_id", "order")
    ):
        paragraphs.setdefault(p.reply_id, []).append(
            EarlierParagraph(
                id=p.pk, text=p.text, kind=p.kind, level=p.level, part=p.part,
                source_unit_id=p.source_unit_id, source_unit_name=p.source_unit.name,
            )
        )
    result = [
        EarlierReply(
            reply=r, proposal=r.proposal, score=score_of[r.proposal_id],
            paragraphs=paragraphs.get(r.pk, []),
        )
        for r in chosen
    ]
    result.sort(key=lambda e: (-e.score, e.proposal.pk, e.reply.pk))
    return result[:limit]
