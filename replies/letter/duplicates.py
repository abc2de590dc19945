"""Near-duplicate sentences: character-bigram Jaccard similarity, found without comparing
every pair.

A letter can hold hundreds of sentences; comparing all pairs grows with the square. Prefix
filtering (Bayardo et al., "Scaling up all pairs similarity search", WWW 2007) avoids it: order
every bigram by how rare it is across the letter; two sets with Jaccard ≥ t must share one of
the first ``|x| - ceil(t·|x|) + 1`` bigrams of each. Only sentences sharing such a bigram are
compared, which for prose is close to linear.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator

_NOT_TEXT = re.compile(r"[\s\W_]+")


def normalise(text: str) -> str:
    """Full-width and half-width alike (NFKC), without spaces and punctuation."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text))


def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def similar_pairs(texts: list[str], threshold: float) -> Iterator[tuple[int, int, float]]:
    """(i, j, similarity) with i < j for every pair of ``texts`` (already normalised) whose
    bigram sets have Jaccard similarity ≥ threshold; each j is paired with its most similar
    earlier i only (a copy with the first text it copies)."""
    sets = [bigrams(t) for t in texts]
    frequency = Counter(g for s in sets for g in s)
    rank = {g: r for r, g in enumerate(sorted(frequency, key=lambda g: (frequency[g], g)))}
    index: dict[str, list[int]] = defaultdict(list)
    first_of: dict[str, int] = {}
    for j, s in enumerate(sets):
        if not s:
            continue
        if texts[j] in first_of:  # a copy: paired with the first, and not indexed again,
            yield first_of[texts[j]], j, 1.0  # so that many copies cost no more than one
            continue
        first_of[texts[j]] = j
        ordered = sorted(s, key=rank.__getitem__)
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        best: tuple[float, int] | None = None
        seen: set[int] = set()
        for g in prefix:
            for i in index[g]:
                if i in seen:
                    continue
                seen.add(i)
                small, large = sorted((len(sets[i]), len(s)))
                if small < threshold * large:
                    continue
                sim = jaccard(sets[i], s)
                if sim >= threshold and (best is None or sim > best[0]):
                    best = (sim, i)
        for g in prefix:
            index[g].append(j)
        if best is not None:
            yield best[1], j, best[0]
