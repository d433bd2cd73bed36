"""Summary: a story and its members -> a few sentences, every one citing article spans.

Extractive: the story's aligned claims when there are any (corroborated first, disputed never:
a summary sentence is stated as fact), else the articles' own sentences, copies collapsed into
one sentence citing every copy. The story stage makes it for every story it rebuilds.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right

from rapidfuzz import fuzz, process

from ..common import fold
from ..config import BriefConfig
from ..records import ParsedArticle, SpanRef, Story, SummarySentence
from . import lineage

@dataclasses.dataclass(slots=True)
class _Candidate:
    text: str
    cites: list[SpanRef]
    support: int  # independent sources backing it
    rank: int  # 0 corroborated claim, 1 single-source claim, 2 sentence; +1 weak opening
    index: int  # sentence number in its article (claims: the earliest mention's)

    @property
    def score(self) -> float:
        # More independent sources first; within one support level lead sentences first
        # (news puts the main facts at the top), so a twice-corroborated sentence deep in
        # an article still beats an uncorroborated lead.
        return self.support - 0.15 * min(self.index, 6) - 0.5 * self.rank


def summarize(story: Story, members: list[ParsedArticle],
              config: BriefConfig | None = None) -> tuple[SummarySentence, ...]:
    """A short summary of the story (``summary_min``-``summary_max`` sentences, more for
    stories with more independent sources), every sentence citing the article spans it
    comes from. Uses the aligned claims when there are any (corroborated first, disputed
    never: a summary sentence is stated as fact), else the sentences of the articles, copies
    collapsed into one sentence citing every copy."""
    config = config or BriefConfig()
    articles = {p.id: p for p in members}
    groups = lineage.families(story.article_ids or list(articles), story.derivations)
    candidates = _claim_candidates(story, articles)
    want = max(config.summary_min, min(config.summary_max, 2 + max(story.independent_sources, 1)))
    if len(candidates) < want:
        # Root articles (copied from no other article of the story) first, so a sentence's
        # wording is the original's rather than a reprint's.
        children = {d.child for d in story.derivations}
        ordered = sorted(members, key=lambda p: (p.id in children, p.article.published or "9"))
        disputed = [m for c in story.claims if c.status == "disputed" for m in c.mentions]
        candidates += [c for c in _sentence_candidates(ordered, groups, config)
                       if not any(_overlaps(ref, m) for ref in c.cites for m in disputed)]
    chosen: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: (-c.score, -len(c.cites))):
        key = fold(cand.text)
        if not key or any(fuzz.token_set_ratio(key, fold(c.text)) >= config.corroboration_similarity
                          for c in chosen):
            continue  # says what a chosen sentence says
        chosen.append(cand)
        if len(chosen) == want:
            break
    chosen.sort(key=lambda c: (c.index, -c.score))
    return tuple(SummarySentence(c.text, tuple(c.cites)) for c in chosen)


def _overlaps(a: SpanRef, b: SpanRef) -> bool:
    return a.article_id == b.article_id and a.span[0] < b.span[1] and b.span[0] < a.span[1]


def _sentence_index(parsed: ParsedArticle, start: int) -> int:
    return max(0, bisect_right([s for s, _ in parsed.sentences], start) - 1)


def _claim_candidates(story: Story, articles: dict[str, ParsedArticle]) -> list[_Candidate]:
    out = []
    for claim in story.claims:
        if claim.status == "disputed":
            continue
        cites = [m for m in claim.mentions if m.article_id in articles
                 and 0 <= m.span[0] < m.span[1] <= len(articles[m.article_id].article.text)]
        text = claim.text.strip()
        # A claim may be a clause ("said more than 500 homes had been flooded"): only whole
        # sentences read as a summary.
        if not cites or not _usable_sentence(text):
            continue
        index = min(_sentence_index(articles[m.article_id], m.span[0]) for m in cites)
        rank = (0 if claim.status == "corroborated" else 1) + _weak_opening(text)
        out.append(_Candidate(text, cites, max(claim.independent_sources, 1), rank, index))
    return out


_PRONOUN = re.compile(r"^(it|he|she|they|this|that|these|those|we|i)\b", re.I)


def _weak_opening(text: str) -> int:
    """1 for a sentence that opens with a quote or a pronoun: reporters' sentences naming
    their subject summarise better than quotes and sentences that need the one before."""
    return int(text[0] in "\"“‘'" or bool(_PRONOUN.match(text)))


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


def _usable_sentence(text: str) -> bool:
    words = len(text.split())
    # Short lines are headings, bylines and share prompts; very long ones are run-on lists
    # or text the sentence splitter failed on; a piece with unbalanced quote marks is a quote
    # the splitter cut in two. None of them reads as a summary sentence.
    return (6 <= words <= 60 and bool(_SENTENCE_END.search(text)) and not text[0].islower()
            and any(c.islower() for c in text) and text.count("“") == text.count("”")
            and text.count('"') % 2 == 0 and "\n\n" not in text)


# Bounds on the sentence pool, so a story of hundreds of articles is summarised in well under
# a second (comparing every sentence with every other is quadratic: 2,400 sentences took
# 12 s): the first articles (roots first, then by date) and their leading sentences, which
# is where news puts what a summary needs.
SUMMARY_MAX_ARTICLES = 80
SUMMARY_SENTENCES_PER_ARTICLE = 8


def _sentence_candidates(members: list[ParsedArticle], groups: dict[str, int],
                         config: BriefConfig) -> list[_Candidate]:
    pool: list[tuple[_Candidate, str]] = []  # one candidate per sentence, with its key
    for parsed in members[:SUMMARY_MAX_ARTICLES]:
        text = parsed.article.text
        taken = 0
        for index, (start, end) in enumerate(parsed.sentences):
            sentence = text[start:end].strip()
            if taken == SUMMARY_SENTENCES_PER_ARTICLE:
                break
            if not _usable_sentence(sentence):
                continue
            taken += 1
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            ref = SpanRef(parsed.id, (start + lead, start + lead + len(sentence)))
            pool.append((_Candidate(sentence, [ref], 1, 2 + _weak_opening(sentence), index),
                         fold(sentence)))
    if not pool:
        return []
    keys = [key for _, key in pool]
    # Copies collapse into the first sentence of their cluster, which cites every copy.
    same = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=config.copy_similarity,
                         workers=1)
    clusters: list[_Candidate] = []
    cluster_keys: list[str] = []
    cluster_groups: list[set[int]] = []
    taken_by = [-1] * len(pool)
    for i, (cand, key) in enumerate(pool):
        if taken_by[i] >= 0:
            continue
        members_of = [i] + [int(j) for j in same[i].nonzero()[0] if j > i and taken_by[j] < 0]
        for j in members_of:
            taken_by[j] = len(clusters)
        refs: dict[str, SpanRef] = {}
        for j in members_of:
            refs.setdefault(pool[j][0].cites[0].article_id, pool[j][0].cites[0])
        cand.cites = list(refs.values())
        cand.index = min(pool[j][0].index for j in members_of)
        clusters.append(cand)
        cluster_keys.append(key)
        cluster_groups.append({groups.get(a, -1) for a in refs})
    # Independent articles saying the same thing in other words corroborate each other.
    support = [set(g) for g in cluster_groups]
    if len(cluster_keys) > 1:
        scores = process.cdist(cluster_keys, cluster_keys, scorer=fuzz.token_set_ratio,
                               score_cutoff=config.corroboration_similarity, workers=1)
        for i, j in zip(*scores.nonzero()):
            if i != j:
                support[i] |= cluster_groups[j]
    for cand, groups_backing in zip(clusters, support):
        cand.support = len(groups_backing)
    return clusters
