import random

import pytest

from replies.letter.duplicates import bigrams, jaccard, normalise, similar_pairs


def test_it_normalises_width_spaces_and_punctuation():
    assert normalise("达到 １０３７４件，比去年底增长6.2％。") == "达到10374件比去年底增长62"


@pytest.mark.parametrize("seed", range(5))
def test_it_finds_what_comparing_every_pair_finds(seed):
    # Prefix filtering must not miss a pair: compare with the brute force on texts made to
    # be near one another (few characters, copies with changes).
    rng = random.Random(seed)
    alphabet = "的一是在不了有和人这中大为上个国我以要他"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(15, 40)))
             for _ in range(60)]
    for _ in range(40):
        base = list(rng.choice(texts))
        for _ in range(rng.randrange(0, 4)):
            base[rng.randrange(len(base))] = rng.choice(alphabet)
        texts.append("".join(base))
    sets = [bigrams(t) for t in texts]
    for threshold in (0.6, 0.8):
        best = {}
        for j in range(len(texts)):
            scores = [(jaccard(sets[i], sets[j]), i) for i in range(j)]
            hits = [s for s in scores if s[0] >= threshold]
            if hits:
                best[j] = max(s for s, _ in hits)
        assert best  # the test data does hold near pairs
        found = {j: sim for _, j, sim in similar_pairs(texts, threshold)}
        assert found == pytest.approx(best)
