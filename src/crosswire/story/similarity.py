"""Which claims of different articles say the same thing.

A pair of claims is scored by meaning (cosine of MiniLM sentence embeddings) and wording
(rapidfuzz token-set ratio), so a paraphrase scores high through the first and an edited copy
through both. Claims are grouped greedily, best pair first, with average linkage: two groups
join when their claims score at least ``align_threshold`` on average, and never when that would
put two claims of one article in one group (an article states a claim once; a second mention
is a different claim or a repetition, not corroboration).
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from ..common import UnionFind
from ..embed import Embedder
from .lineage import monotone
from .units import Unit

# Weight of the embedding cosine in the pair score; the rest is the token-set ratio.
MEANING_WEIGHT = 0.7


def claim_texts(units: list[Unit]) -> list[str]:
    """What :func:`pair_scores` encodes: the claims as written. The cross-source stage asks
    for these ahead of time, in one call for all the stories it rebuilds."""
    return [u.claim.text for u in units]


def pair_scores(units: list[Unit], embedder: Embedder) -> np.ndarray:
    """Square matrix of pair scores in [0, 1]; -1 between claims of the same article.
    ``embedder``: the story's (its claims are usually encoded already, in one call for all
    the stories a run makes)."""
    texts = claim_texts(units)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    articles = np.array([u.article_id for u in units])
    if (articles == articles[0]).all():
        # One article: no pair can align, so nothing is worth encoding.
        return np.full((len(texts), len(texts)), -1.0, dtype=np.float32)
    vectors = embedder.encode(texts)
    meaning = np.clip(vectors @ vectors.T, 0.0, 1.0)
    folded = [t.lower() for t in texts]
    wording = cdist(folded, folded, scorer=fuzz.token_set_ratio, dtype=np.float32) / 100.0
    scores = MEANING_WEIGHT * meaning + (1 - MEANING_WEIGHT) * wording
    scores[articles[:, None] == articles[None, :]] = -1.0
    return scores.astype(np.float32)


def follow_derivations(units: list[Unit], scores: np.ndarray, pairs: list[tuple[str, str]],
                       floor: float, threshold: float) -> None:
    """Raise the scores of claims that a derived article took from its parent, halfway from
    ``threshold`` to 1 so the group holds against other articles' weaker matches.

    A rewrite tells the parent's facts in the parent's order, in new words that score lower
    than an independent paraphrase would need; so for each (parent, child) the two articles'
    claims are aligned in order (the monotone alignment maximising the sum of ``score -
    floor`` over pairs scoring at least ``floor``) and every aligned pair counts as aligned.
    """
    by_article: dict[str, list[int]] = {}
    for unit in units:
        by_article.setdefault(unit.article_id, []).append(unit.index)
    taken: list[tuple[int, int]] = []
    for parent, child in pairs:
        left, right = by_article.get(parent, []), by_article.get(child, [])
        if not left or not right:
            continue
        gain = scores[np.ix_(left, right)] - floor
        taken += [(left[i], right[j]) for i, j in monotone(gain, gain >= 0)]
    # A claim taken by a rewrite from the wire is also taken from the wire's verbatim copies:
    # every pair within a chain of taken pairs counts as aligned.
    chained: UnionFind[int] = UnionFind()
    for a, b in taken:
        chained.union(a, b)
    chains = chained.groups()
    for chain in chains:
        for a in chain:
            for b in chain:
                if a != b and units[a].article_id != units[b].article_id:
                    scores[a, b] = max(scores[a, b], (1 + threshold) / 2)


def group(units: list[Unit], scores: np.ndarray, threshold: float) -> list[list[int]]:
    """Partition of unit indexes into groups of claims that say the same thing."""
    n = len(units)
    owner = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    articles: dict[int, set[str]] = {i: {units[i].article_id} for i in range(n)}
    rows, cols = np.nonzero(np.triu(scores >= threshold, k=1))
    order = np.argsort(-scores[rows, cols], kind="stable")
    for k in order:
        a, b = owner[rows[k]], owner[cols[k]]
        if a == b or articles[a] & articles[b]:
            continue
        linkage = scores[np.ix_(members[a], members[b])]
        if float(linkage.mean()) < threshold:
            continue
        for i in members[b]:
            owner[i] = a
        members[a].extend(members.pop(b))
        articles[a] |= articles.pop(b)
    return [sorted(m) for m in sorted(members.values(), key=min)]
