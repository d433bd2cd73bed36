"""Lineage: which article copied, trimmed, rewrote or partly reused which.

Takes ParsedArticles (their sentences and direct quotes); gives :class:`Derivation` edges
parent -> child, each with its kind (``copy``: the child's own words are the parent's, maybe
trimmed; ``rewrite``: the parent's facts in the parent's order in new words; ``partial``:
some passages reused), a score in 0-1, the aligned sentence spans as evidence and the reason
the direction was chosen.

How:
1. Words inside quotation marks are masked. Two outlets quoting the same briefing share the
   speaker's words, not each other's: only the text outside quotes is evidence of reuse.
2. Candidate pairs: MinHash LSH over 2- and 3-word shingles of the unquoted text (copies,
   trims, partial reuse), plus pairs the caller names (articles of one story with similar
   document vectors: rewrites share facts but few shingles).
3. Sentence alignment: rapidfuzz ratio finds near-verbatim sentences in any order; sentence
   embeddings find paraphrases, aligned in order (a rewrite keeps the sequence of facts).
4. Direction: an agency credit in the dateline, then publication times, then which text
   contains the other, then which one carries the dateline, then length.
5. Each child keeps the parents that best explain it (a copy of a wire story and the wire
   story itself explain a rewrite equally: the original wins).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz, process

from ..common import components
from ..config import AnalysisConfig
from ..embed import Embedder
from ..records import Derivation, ParsedArticle, Span, SpanPair
from ..nlp.quotes import find_embeds
from . import credits

# --------------------------------------------------------------------------- text units

# Paired quotation marks; a quote left open runs to the end of its paragraph (news style
# opens every paragraph of a long quote and closes only the last one).
_QUOTE_PAIRS = {"“": "”", "\"": "\"", "«": "»", "„": "“", "‘": "’"}
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
# Fallback sentence split for articles without a parse (the NLP stage gives real sentences).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])|\n\s*\n")


def quoted_spans(parsed: ParsedArticle) -> list[Span]:
    """Spans of the article's text inside quotation marks, marks included, and of embedded
    social-media posts with their widget's credit line (every outlet embedding a post
    prints the same "— Name (@handle) date")."""
    text = parsed.article.text
    spans = [q.span for q in parsed.quotes if q.kind == "direct"]
    spans += [(e.paragraph_start, e.credit[1]) for e in find_embeds(text)]
    i = 0
    while i < len(text):
        ch = text[i]
        close = _QUOTE_PAIRS.get(ch)
        # A single opening quote only after a space or bracket: elsewhere it is an apostrophe.
        if close is None or (ch == "‘" and i > 0 and not (text[i - 1].isspace() or text[i - 1] in "([—–-")):
            i += 1
            continue
        para_end = text.find("\n", i)
        para_end = len(text) if para_end < 0 else para_end
        j = i + 1
        while j < para_end:
            if text[j] == close and (close != "’" or j + 1 >= len(text) or not text[j + 1].isalpha()):
                break
            j += 1
        end = min(j + 1, para_end)
        spans.append((i, end))
        i = end
    return spans


def mask(text: str, spans: Iterable[Span]) -> str:
    """The text with every span blanked by spaces: offsets are unchanged."""
    chars = list(text)
    for start, end in spans:
        chars[max(0, start):max(0, end)] = " " * (max(0, end) - max(0, start))
    return "".join(chars)


def sentence_spans(parsed: ParsedArticle) -> list[Span]:
    """The parse's sentences, or a punctuation split when the article was not parsed."""
    if parsed.sentences:
        return list(parsed.sentences)
    text = parsed.article.text
    spans, start = [], 0
    for m in _SENTENCE_BREAK.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence seen through its own words (quoted words removed)."""

    span: Span
    words: tuple[str, ...]
    text: str  # the unquoted words joined: what is compared

    @property
    def weight(self) -> int:
        return len(self.words)


@dataclass(slots=True)
class Doc:
    """What lineage needs of one article, computed once."""

    parsed: ParsedArticle
    units: list[Unit]
    words: list[str]
    agency: str | None = None  # the news agency whose story it carries (credits.py)
    agency_own: bool = False  # published by that agency itself
    outlets: frozenset[str] = frozenset()  # keys its own outlet goes by
    cites: frozenset[str] = frozenset()  # keys of outlets its text names as a source
    vectors: np.ndarray | None = None  # unit embeddings, filled on first need

    @property
    def id(self) -> str:
        return self.parsed.id

    @property
    def weight(self) -> int:
        return sum(u.weight for u in self.units)


def make_doc(parsed: ParsedArticle, min_words: int) -> Doc:
    text = parsed.article.text
    masked = mask(text, quoted_spans(parsed))
    units = []
    for start, end in sentence_spans(parsed):
        words = tuple(w.lower() for w in _WORD.findall(masked[start:end]))
        if len(words) >= min_words:
            units.append(Unit((start, end), words, " ".join(words)))
    agency, own = credits.wire_agency(parsed.article)
    return Doc(parsed, units, [w.lower() for w in _WORD.findall(masked)], agency=agency,
               agency_own=own, outlets=credits.outlet_keys(parsed.article),
               cites=credits.cited_outlets(parsed.article))


# Stored signatures are only comparable when made with one hashing scheme: name it.
_SCHEME = "affine32"


def signature(doc: Doc, num_perm: int) -> MinHash:
    """MinHash of the article's unquoted 2- and 3-word shingles."""
    w = doc.words
    shingles = {" ".join(w[i:i + n]).encode("utf-8") for n in (2, 3) for i in range(len(w) - n + 1)}
    m = MinHash(num_perm=num_perm, scheme=_SCHEME)
    m.update_batch(sorted(shingles))
    return m


def signature_bytes(m: MinHash) -> bytes:
    return np.asarray(m.hashvalues, dtype=np.uint64).tobytes()


def signature_from_bytes(blob: bytes, num_perm: int) -> MinHash | None:
    values = np.frombuffer(blob, dtype=np.uint64)
    if len(values) != num_perm:
        return None
    return MinHash(num_perm=num_perm, hashvalues=values, scheme=_SCHEME)


# --------------------------------------------------------------------------- alignment


@dataclass(frozen=True, slots=True)
class Pair:
    """Two aligned sentences: unit ``a`` of the first article, unit ``b`` of the second."""

    a: int
    b: int
    similarity: float
    how: str  # "verbatim" (any order) or "paraphrase" (in order)

    def side(self, side: int) -> int:
        return self.a if side == 0 else self.b


@dataclass(frozen=True, slots=True)
class Alignment:
    """The sentence pairs of two articles, in the first article's order."""

    pairs: tuple[Pair, ...] = ()

    def coverage(self, doc: Doc, side: int, how: str | None = None) -> float:
        """Share of ``doc``'s own words in aligned sentences (side 0 = a, 1 = b)."""
        if not doc.weight:
            return 0.0
        idx = {p.side(side) for p in self.pairs if how is None or p.how == how}
        return sum(doc.units[i].weight for i in idx) / doc.weight

    def matched_words(self, doc: Doc, side: int, how: str) -> int:
        return sum(doc.units[p.side(side)].weight for p in self.pairs if p.how == how)

    def longest_run(self, floor: float) -> tuple[int, float]:
        """The longest run of pairs at or above ``floor`` that follow each other in both
        articles (a sentence skipped on either side at most: a heading or an added aside),
        and its mean similarity: a passage taken over sentence by sentence."""
        best: list[Pair] = []
        run: list[Pair] = []
        for p in sorted((p for p in self.pairs if p.similarity >= floor), key=lambda p: p.a):
            if run and 0 < p.a - run[-1].a <= 2 and 0 < p.b - run[-1].b <= 2:
                run.append(p)
            else:
                run = [p]
            if len(run) > len(best):
                best = list(run)
        return len(best), (sum(p.similarity for p in best) / len(best) if best else 0.0)


def align(a: Doc, b: Doc, embedder: Embedder | None, config: AnalysisConfig) -> Alignment:
    """Near-verbatim sentence pairs in any order, then paraphrase pairs in order."""
    if not a.units or not b.units:
        return Alignment()
    ratios = process.cdist([u.text for u in a.units], [u.text for u in b.units],
                           scorer=fuzz.ratio, score_cutoff=config.verbatim_ratio, workers=1)
    pairs: list[Pair] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for i, j in sorted(zip(*np.nonzero(ratios)), key=lambda ij: (-ratios[ij], ij)):
        if i not in used_a and j not in used_b:
            used_a.add(int(i))
            used_b.add(int(j))
            pairs.append(Pair(int(i), int(j), float(ratios[i, j]) / 100.0, "verbatim"))
    if embedder is not None and len(used_a) < len(a.units) and len(used_b) < len(b.units):
        rest_a = [i for i in range(len(a.units)) if i not in used_a]
        rest_b = [j for j in range(len(b.units)) if j not in used_b]
        sims = _unit_vectors(a, embedder)[rest_a] @ _unit_vectors(b, embedder)[rest_b].T
        pairs += [Pair(rest_a[i], rest_b[j], float(sims[i, j]), "paraphrase")
                  for i, j in monotone(sims, sims >= config.paraphrase_similarity)]
    return Alignment(tuple(sorted(pairs, key=lambda p: (p.a, p.b))))


def unit_texts(doc: Doc) -> list[str]:
    """What provenance encodes of an article: its units' unquoted words. The cross-source
    stage asks for these ahead of time, in one call for every article of its pairs."""
    return [u.text for u in doc.units]


def _unit_vectors(doc: Doc, embedder: Embedder) -> np.ndarray:
    if doc.vectors is None:
        doc.vectors = embedder.encode(unit_texts(doc))
    return doc.vectors


def monotone(weight: np.ndarray, allowed: np.ndarray) -> list[tuple[int, int]]:
    """The order-preserving matching of rows to columns with the largest total ``weight``
    among ``allowed`` pairs (a weighted longest common subsequence): a rewrite tells its
    parent's facts in the parent's order, so its sentences align in sequence."""
    n, m = weight.shape
    # Plain lists: indexing numpy arrays element by element costs more than the arithmetic.
    w, ok = weight.tolist(), allowed.tolist()
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, above, wi, oki = best[i], best[i - 1], w[i - 1], ok[i - 1]
        for j in range(1, m + 1):
            value = above[j] if above[j] > row[j - 1] else row[j - 1]
            if oki[j - 1] and above[j - 1] + wi[j - 1] > value:
                value = above[j - 1] + wi[j - 1]
            row[j] = value
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        if best[i][j] == best[i - 1][j]:
            i -= 1
        elif best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


# --------------------------------------------------------------------------- direction


def _when(value: str | None) -> tuple[datetime | None, bool]:
    """Publication time and whether it carries a time of day."""
    if not value:
        return None, False
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None, False
    return when.replace(tzinfo=None), "T" in value


def direction(a: Doc, b: Doc, cov_a: float, cov_b: float) -> tuple[Doc, Doc, str]:
    """(parent, child, basis) for a pair judged derived one from the other: what the
    articles say of their sources first (an agency's own story is the parent of the copies
    crediting it; the text citing the other's outlet is the child), then publication time,
    then containment (the text mostly contained in the other is the trimmed one), then the
    dateline (the fuller wire form keeps it). Never length alone: when nothing tells, the
    basis says so."""
    for x, y in ((a, b), (b, a)):
        if x.agency_own and y.agency == x.agency and not y.agency_own:
            return x, y, "credit"
    for x, y in ((a, b), (b, a)):
        if x.outlets & y.cites and not y.outlets & x.cites:
            return x, y, "cited"
    (ta, time_a) = _when(a.parsed.article.published_at or a.parsed.article.published)
    (tb, time_b) = _when(b.parsed.article.published_at or b.parsed.article.published)
    if ta and tb:
        if time_a and time_b and ta != tb:
            return (a, b, "published") if ta < tb else (b, a, "published")
        if ta.date() != tb.date():
            return (a, b, "published") if ta.date() < tb.date() else (b, a, "published")
    if abs(cov_a - cov_b) >= 0.15:
        return (a, b, "coverage") if cov_b > cov_a else (b, a, "coverage")
    if bool(a.parsed.article.dateline) != bool(b.parsed.article.dateline):
        return (a, b, "dateline") if a.parsed.article.dateline else (b, a, "dateline")
    return (a, b, "undetermined") if a.id < b.id else (b, a, "undetermined")


# --------------------------------------------------------------------------- edges


def same_wire(a: Doc, b: Doc) -> bool:
    """Both carry one agency's story and neither is the agency's own publication: wire
    siblings, whatever the words say of who copied whom."""
    return a.agency is not None and a.agency == b.agency and not (a.agency_own or b.agency_own)


def judge(a: Doc, b: Doc, embedder: Embedder | None, config: AnalysisConfig) -> Derivation | None:
    """The derivation edge between two articles, or None when neither reuses the other.

    Kinds, from the aligned sentences of the child: ``copy`` (its own words are the parent's),
    ``trim`` (a shortened copy), ``rewrite`` (the parent's facts in the parent's order in new
    words, most of both texts), ``partial`` (passages taken over inside an own report:
    verbatim, or a run of reworded sentences in the parent's order), ``sibling`` (both carry
    one agency's story, whose own copy is not here)."""
    alignment = align(a, b, embedder, config)
    if not alignment.pairs:
        return None
    cov_a, cov_b = alignment.coverage(a, 0), alignment.coverage(b, 1)
    parent, child, basis = direction(a, b, cov_a, cov_b)
    side = 0 if child is a else 1
    verbatim = alignment.coverage(child, side, "verbatim")
    parent_verbatim = alignment.coverage(parent, 1 - side, "verbatim")
    total = alignment.coverage(child, side)
    reused_words = alignment.matched_words(child, side, "verbatim")
    matched = len(alignment.pairs)
    mean_sim = sum(p.similarity for p in alignment.pairs) / matched
    run, run_mean = alignment.longest_run(config.run_similarity)
    siblings = same_wire(a, b)
    share = _strong_share(alignment, a, b, config) if siblings else 0.0
    kind: str | None = None
    if verbatim >= config.copy_coverage:
        kind = "sibling" if siblings else "copy" if parent_verbatim >= config.copy_coverage \
            else "trim"
        score = verbatim * mean_sim
    elif min(cov_a, cov_b) >= config.rewrite_coverage and matched >= config.rewrite_min_sentences:
        # Both sides: a rewrite retells the whole story (independent reports of one event
        # often match most of a short article, never most of both), in new words or with
        # some sentences kept (a content farm's rewrite keeps half of them).
        kind, score = "rewrite", total * mean_sim
    elif reused_words >= config.partial_min_words:
        kind, score = "partial", verbatim
    elif run >= config.partial_run and run_mean >= config.partial_run_mean:
        # A passage retold sentence by sentence in the parent's order: independent reports
        # of one event share facts, not a run of them in one order and close wording.
        kind, score = "partial", run_mean * min(1.0, run / (2 * config.partial_run))
    elif siblings and (share >= 0.5 or any(
            p.how == "verbatim" and a.units[p.a].weight >= config.sibling_sentence_words
            for p in alignment.pairs)):
        # One agency's story line: same agency, and most of the shorter text said closely in
        # the longer (a first alert and its write-through), or a sentence of the agency's
        # kept word for word (its follow-up reusing the first story's background).
        kind, score = "sibling", max(0.5, share)
    if kind is None:
        return None
    if kind == "sibling" and basis not in ("published", "credit"):
        basis = "same agency"
    evidence = tuple(sorted(
        (SpanPair(parent.units[p.side(1 - side)].span, child.units[p.side(side)].span)
         for p in alignment.pairs
         if kind != "partial" or p.how == "verbatim" or p.similarity >= config.run_similarity),
        key=lambda s: s.child_span))
    return Derivation(parent=parent.id, child=child.id, kind=kind,  # type: ignore[arg-type]
                      score=round(min(1.0, score), 4), evidence=evidence, direction_basis=basis)


def _strong_share(alignment: Alignment, a: Doc, b: Doc, config: AnalysisConfig) -> float:
    """Share of the shorter article's words in sentences said closely (at or above
    ``sibling_similarity``) in the other."""
    strong = Alignment(tuple(p for p in alignment.pairs
                             if p.similarity >= config.sibling_similarity))
    return strong.coverage(a, 0) if a.weight <= b.weight else strong.coverage(b, 1)


def candidate_pairs(new_ids: Iterable[str], signatures: dict[str, MinHash],
                    config: AnalysisConfig) -> set[tuple[str, str]]:
    """Pairs (new article, any article) whose shingle sets are similar (MinHash LSH)."""
    lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.minhash_perm)
    for article_id in sorted(signatures):
        lsh.insert(article_id, signatures[article_id])
    pairs: set[tuple[str, str]] = set()
    for article_id in new_ids:
        if article_id in signatures:
            for other in lsh.query(signatures[article_id]):
                if other != article_id:
                    pairs.add(tuple(sorted((article_id, other))))  # type: ignore[arg-type]
    return pairs


@functools.lru_cache(maxsize=8)
def _band_ranges(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    # The bands MinHashLSH itself chooses for the threshold (datasketch's optimal b x r).
    return tuple(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


def lsh_bands(m: MinHash, config: AnalysisConfig) -> list[bytes]:
    """The keys of the LSH buckets ``m`` falls in, one per band (band number, then the
    band's hash values): two articles are a :func:`candidate_pairs` pair exactly when they
    share a key. The Spark engine finds the pairs by joining on these keys."""
    values = np.asarray(m.hashvalues, dtype=np.uint64)
    return [band.to_bytes(2, "big") + values[start:end].tobytes()
            for band, (start, end) in enumerate(_band_ranges(config.lsh_threshold,
                                                             config.minhash_perm))]


def derive(docs: dict[str, Doc], pairs: Iterable[tuple[str, str]], embedder: Embedder | None,
           config: AnalysisConfig, known: Sequence[Derivation] = ()) -> list[Derivation]:
    """Judge each candidate pair, then keep for every child the parents that explain it.

    ``known`` are edges judged in earlier runs; they compete with the new ones, so a late
    arriving original can take a child over from the copy it was first linked to."""
    edges = {(d.parent, d.child): d for d in known}
    for x, y in sorted(set(pairs)):
        if x in docs and y in docs and x != y:
            edge = judge(docs[x], docs[y], embedder, config)
            if edge is not None:
                edges.pop((edge.child, edge.parent), None)
                edges[(edge.parent, edge.child)] = edge
    return reduce_parents(list(edges.values()))


def reduce_parents(edges: list[Derivation]) -> list[Derivation]:
    """For each child, the best parent and any other parent explaining different sentences.

    Ties (a wire story and its verbatim copy explain a rewrite equally) go to the parent
    that is an ancestor of the other, then to a parent that is no child itself."""
    parents_of: dict[str, list[Derivation]] = {}
    for e in edges:
        parents_of.setdefault(e.child, []).append(e)
    derived = {e.child for e in edges}
    pairs = {(e.parent, e.child) for e in edges}
    kept: list[Derivation] = []
    for child in sorted(parents_of):
        options = parents_of[child]
        option_parents = {o.parent for o in options}
        # Rank: score, then a parent that is itself the source of another option (the
        # original over its copy), then one that is no child at all, then id.
        ranked = sorted(options, key=lambda e: (
            -round(e.score, 2), -any((e.parent, q) in pairs for q in option_parents),
            e.parent in derived, e.parent))
        covered: set[Span] = set()
        for e in ranked:
            spans = {s.child_span for s in e.evidence}
            if not covered or len(spans - covered) >= max(2, len(spans) // 2):
                kept.append(e)
                covered |= spans
    return kept



def one_story(edge: Derivation, docs: dict[str, Doc], share: float) -> bool:
    """Whether an edge makes its two articles one story whatever else divides them: a copy,
    trim, rewrite or wire sibling, or partial reuse that takes at least ``share`` of either
    article's own words (an update carrying the earlier story; not a few background
    sentences reused in another story)."""
    if edge.kind != "partial":
        return True
    for doc, spans in ((docs.get(edge.parent), {p.parent_span for p in edge.evidence}),
                       (docs.get(edge.child), {p.child_span for p in edge.evidence})):
        if doc is not None and doc.weight and \
                sum(u.weight for u in doc.units if u.span in spans) / doc.weight >= share:
            return True
    return False


def families(article_ids: Iterable[str], edges: Iterable[Derivation]) -> dict[str, int]:
    """Family number of every article: the connected components of the derivation graph
    (copies, rewrites, partial reuse and wire siblings, in either direction), numbered in the
    order of ``article_ids``. The number of families is the number of independent sources."""
    return components(article_ids, ((e.parent, e.child) for e in edges))
