"""Similar proposals (to support 并案), and the index the reuse of earlier replies
(replies.reuse) searches.

Similarity is the cosine of character-bigram TF-IDF vectors over 案由 (counted twice: it
says what the proposal is about) and 提案内容. Chinese needs no word segmentation for this:
two proposals about 老旧小区加装电梯 share the bigrams 老旧, 旧小, 小区, 加装, 装电, 电梯
however the rest is worded. The index of a session is built in Python and kept in memory,
keyed by a fingerprint of the session's proposals, so it is rebuilt only after a change.
"""

from __future__ import annotations

import math
import re
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from .models import Proposal, Session

CONTENT_CHARS = 3000
MIN_SCORE = 0.08
QUERY_TERMS = 24  # bigrams of a query that nominate candidates (see Index.query)
CANDIDATES = 200  # nominated documents scored exactly
LONG_POSTING_SHARE = 0.05  # a bigram in more than this share of documents does not nominate
MIN_POSTING_CAP = 500  # ... unless its list is this short anyway
_TEXT_RUNS = re.compile(r"[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]+")
# Bigrams that say nothing about the subject of a proposal.
_STOP_TEXT = (
    "关于 于进 进一 一步 步加 加强 强的 的提 提案 建议 议关 我市 市的 进行 以及 问题 工作 "
    "有关 相关 部门 政府 加快 推进 完善 提升 的建 的问 的工 一是 二是 三是"
)
STOP_BIGRAMS = frozenset(_STOP_TEXT.split(" "))


def bigrams(text: str) -> Counter:
    counts: Counter = Counter()
    for run in _TEXT_RUNS.findall((text or "").lower()):
        if len(run) == 1:
            continue
        for i in range(len(run) - 1):
            gram = run[i : i + 2]
            if gram not in STOP_BIGRAMS:
                counts[gram] += 1
    return counts


def proposal_text(title: str, content: str) -> str:
    return f"{title}\n{title}\n{(content or '')[:CONTENT_CHARS]}"


class Index:
    """TF-IDF vectors (sublinear tf, unit length) of a set of documents.

    The idf weights are fixed when the index is built; documents changed later are
    re-weighted with them (update), which is what keeps a busy session's index current
    without rebuilding it: a rebuild of 30,000 proposals takes seconds.

    Kept compact, since every server process holds the index of each session in use:
    bigrams are numbered, and each document's vector and each bigram's posting list are
    two flat arrays (27,500 proposals: 65 MB held, against 363 MB as dicts of dicts)."""

    def __init__(self, docs: dict[int, str]) -> None:
        counts = {key: bigrams(text) for key, text in docs.items()}
        df: Counter = Counter()
        for doc in counts.values():
            df.update(doc.keys())
        n = len(counts)
        self.idf = {gram: math.log((n + 1) / (d + 1)) + 1.0 for gram, d in df.items()}
        self.default_idf = math.log(n + 1) + 1.0
        self.gram_ids: dict[str, int] = {}
        # document -> (bigram ids, weights); bigram id -> (documents, weights)
        self.docs: dict[int, tuple[array, array]] = {}
        self.postings: dict[int, tuple[array, array]] = {}
        for key, doc in counts.items():
            self._add(key, self.vector(doc))
        self.lock = threading.Lock()  # update() against query() in a threaded server

    def __len__(self) -> int:
        return len(self.docs)

    def _add(self, key: int, vector: dict[str, float]) -> None:
        ids, weights = array("i"), array("d")
        for gram, weight in vector.items():
            gram_id = self.gram_ids.setdefault(gram, len(self.gram_ids))
            ids.append(gram_id)
            weights.append(weight)
            posting = self.postings.get(gram_id)
            if posting is None:
                posting = self.postings[gram_id] = (array("q"), array("d"))
            posting[0].append(key)
            posting[1].append(weight)
        self.docs[key] = (ids, weights)

    def _remove(self, key: int) -> None:
        ids, _weights = self.docs.pop(key, ((), ()))
        for gram_id in ids:
            keys, weights = self.postings[gram_id]
            at = keys.index(key)
            del keys[at]
            del weights[at]

    def update(self, docs: dict[int, str | None]) -> None:
        """Put in new or changed documents and take out those given as None."""
        with self.lock:
            for key, text in docs.items():
                self._remove(key)
                if text is not None:
                    self._add(key, self.vector(bigrams(text)))

    def vector(self, counts: Counter) -> dict[str, float]:
        weights = {
            gram: (1.0 + math.log(tf)) * self.idf.get(gram, self.default_idf)
            for gram, tf in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {gram: w / norm for gram, w in weights.items()}

    def query_vector(self, text: str) -> dict[int, float]:
        """The weights of `text` by bigram id (bigrams no document has are left out: they
        add nothing to a cosine)."""
        return {
            self.gram_ids[gram]: weight
            for gram, weight in self.vector(bigrams(text)).items()
            if gram in self.gram_ids
        }

    def score(self, query: dict[int, float], key: int) -> float:
        """The cosine of a query vector and a document."""
        ids, weights = self.docs[key]
        return sum(
            query.get(gram_id, 0.0) * weight for gram_id, weight in zip(ids, weights, strict=True)
        )

    def query(
        self, text: str, *, limit: int, exclude: Iterable[int] = (), min_score: float = 0.0
    ) -> list[tuple[int, float]]:
        """The `limit` documents most like `text`, with their cosine, best first.

        In two steps, so that a session of tens of thousands of proposals costs
        milliseconds: the query's QUERY_TERMS heaviest bigrams whose posting lists are not
        long nominate candidates by their partial score, and the best CANDIDATES of those
        are scored exactly over all bigrams. A document that shares none of them is not
        similar enough to matter (checked against scoring every document in the tests)."""
        partial: dict[int, float] = {}
        with self.lock:
            vector = self.query_vector(text)
            by_weight = sorted(vector.items(), key=lambda item: (-item[1], item[0]))
            # A bigram found in a large share of the documents nominates nobody in
            # particular and costs a long list: only the shorter lists nominate (the
            # exact scores below still count every bigram).
            longest = max(MIN_POSTING_CAP, LONG_POSTING_SHARE * len(self.docs))
            heaviest = [
                item for item in by_weight if len(self.postings[item[0]][0]) <= longest
            ][:QUERY_TERMS] or by_weight[:4]
            for gram_id, query_weight in heaviest:
                keys, weights = self.postings[gram_id]
                for key, weight in zip(keys, weights, strict=True):
                    partial[key] = partial.get(key, 0.0) + query_weight * weight
            for key in exclude:
                partial.pop(key, None)
            nominated = sorted(partial, key=lambda k: (-partial[k], k))[:CANDIDATES]
            scores = {key: self.score(vector, key) for key in nominated}
        ranked = sorted(
            ((k, s) for k, s in scores.items() if s >= min_score), key=lambda i: (-i[1], i[0])
        )
        return ranked[:limit]


class _Cache:
    """A small in-process LRU of indexes, each with the fingerprint it was built for."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, fingerprint, build) -> Index:
        with self.lock:
            hit = self.items.get(key)
            if hit and hit[0] == fingerprint:
                self.items.move_to_end(key)
                return hit[1]
        index = build()
        self.put(key, fingerprint, index)
        return index

    def peek(self, key):
        """(fingerprint, index) last stored under key, or None."""
        with self.lock:
            hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
            return hit

    def put(self, key, fingerprint, index: Index) -> None:
        with self.lock:
            self.items[key] = (fingerprint, index)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


cache = _Cache()


def proposal_fingerprint(proposals) -> tuple:
    """Changes when a proposal of the set is added, removed or edited (every edit writes a
    history row)."""
    live = proposals.aggregate(n=Count("pk"), last=Max("pk"))
    history = Proposal.history.filter(id__in=proposals.values("pk")).aggregate(
        n=Count("history_id"), last=Max("history_date")
    )
    return (live["n"], live["last"], history["n"], history["last"])


# A session's index is updated in place while at most this share of it has changed since
# it was built; beyond that (a big import) it is built afresh, idf weights and all.
REBUILD_SHARE = 0.2


def session_index(session: Session, *, build: bool = True) -> Index | None:
    """The index of the session's proposals, kept current: one query of index lookups
    when nothing changed; when something did, only the proposals with new history rows
    (or inserted in bulk) are read and re-weighted. A full build takes seconds at a
    province's scale; with build=False, None instead of building (the page then loads
    the panel separately)."""
    proposals = Proposal.objects.filter(session=session)
    mark = _session_mark(session)
    key = ("session", session.pk)

    def build_index() -> Index:
        rows = proposals.values_list("pk", "title", "content")
        return Index({pk: proposal_text(title, content) for pk, title, content in rows})

    hit = cache.peek(key)
    if hit is not None:
        old_mark, index = hit
        if old_mark == mark:
            return index
        changed = set(
            Proposal.history.filter(history_id__gt=old_mark.history_id or 0, session=session)
            .values_list("id", flat=True)
        )
        changed.update(proposals.filter(pk__gt=old_mark.last_pk or 0).values_list("pk", flat=True))
        if len(changed) <= REBUILD_SHARE * max(len(index), 1):
            found = {
                pk: proposal_text(title, content)
                for pk, title, content in proposals.filter(pk__in=changed).values_list(
                    "pk", "title", "content"
                )
            }
            index.update({pk: found.get(pk) for pk in changed})
            if len(index) == mark.count:
                cache.put(key, mark, index)
                return index
    if not build:
        return None
    index = build_index()
    cache.put(key, mark, index)
    return index


@dataclass(frozen=True)
class _Mark:
    history_id: int | None  # the newest history row of any proposal
    count: int  # the session's proposals
    last_pk: int | None  # and the highest id among them (bulk inserts write no history)


def _session_mark(session: Session) -> _Mark:
    latest = Proposal.history.order_by("-history_id").values_list("history_id", flat=True)
    live = Proposal.objects.filter(session=session).aggregate(n=Count("pk"), last=Max("pk"))
    return _Mark(history_id=next(iter(latest[:1]), None), count=live["n"], last_pk=live["last"])


@dataclass
class Similar:
    proposal: Proposal
    score: float

    @property
    def percent(self) -> str:
        return f"{self.score * 100:.0f}%"


def similar_to_text(
    *, session: Session, title: str, content: str = "", exclude_pk: int | None = None,
    limit: int = 5, min_score: float = MIN_SCORE, within: QuerySet | None = None,
    index: Index | None = None,
) -> list[Similar]:
    """The proposals of `session` most like this (possibly unsaved) title and content;
    with `within` (e.g. what a person may see), only those of that queryset. `index`: the
    session's, when the caller has it already."""
    index = index or session_index(session)
    assert index is not None  # built when missing
    exclude = [exclude_pk] if exclude_pk else []
    ranked = index.query(
        proposal_text(title, content), limit=limit, exclude=exclude, min_score=min_score
    )
    candidates = within if within is not None else Proposal.objects.all()
    found = candidates.select_related("lead_proposer").in_bulk([pk for pk, _ in ranked])
    return [Similar(found[pk], score) for pk, score in ranked if pk in found]


def similar_proposals(
    proposal: Proposal, limit: int = 5, within: QuerySet | None = None,
    index: Index | None = None,
) -> list[Similar]:
    """The proposals of the same session most like `proposal`, best first, with a score
    in [0, 1]; a candidate list for 并案 (only those of `within`, if given)."""
    return similar_to_text(
        within=within,
        session=proposal.session,
        title=proposal.title,
        content=proposal.content,
        exclude_pk=proposal.pk,
        limit=limit,
        index=index,
    )
