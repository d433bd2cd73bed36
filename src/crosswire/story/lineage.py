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
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz, process

from ..common import components
from ..config import AnalysisConfig
from ..embed import Embedder
from ..records import Derivation, ParsedArticle, Span, SpanPair

# --------------------------------------------------------------------------- text units

# Paired quotation marks; a quote left open runs to the end of its paragraph (news style
# opens every paragraph of a long quote and closes only the last one).
_QUOTE_PAIRS = {"“": "”", "\"": "\"", "«": "»", "„": "“", "‘": "’"}
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
# Fallback sentence split for articles without a parse (the NLP stage gives real sentences).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])|\n\s*\n")


def quoted_spans(parsed: ParsedArticle) -> list[Span]:
    """Spans of the article's text inside quotation marks, marks included."""
    text = parsed.article.text
    spans = [q.span for q in parsed.quotes if q.kind == "direct"]
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
    """What provenance needs of one article, computed once."""

    parsed: ParsedArticle
    units: list[Unit]
    words: list[str]
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
    return Doc(parsed, units, [w.lower() for w in _WORD.findall(masked)])


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


@dataclass(slots=True)
class Alignment:
    """Sentence pairs of two articles: (unit index in a, unit index in b, similarity, how)."""

    pairs: list[tuple[int, int, float, str]] = field(default_factory=list)

    def coverage(self, doc: Doc, side: int, how: str | None = None) -> float:
        """Share of ``doc``'s own words in aligned sentences (side 0 = a, 1 = b)."""
        if not doc.weight:
            return 0.0
        idx = {p[side] for p in self.pairs if how is None or p[3] == how}
        return sum(doc.units[i].weight for i in idx) / doc.weight

    def matched_words(self, doc: Doc, side: int, how: str) -> int:
        return sum(doc.units[p[side]].weight for p in self.pairs if p[3] == how)


def align(a: Doc, b: Doc, embedder: Embedder | None, config: AnalysisConfig) -> Alignment:
    """Near-verbatim sentence pairs in any order, then paraphrase pairs in order."""
    out = Alignment()
    if not a.units or not b.units:
        return out
    ratios = process.cdist([u.text for u in a.units], [u.text for u in b.units],
                           scorer=fuzz.ratio, score_cutoff=config.verbatim_ratio, workers=1)
    used_a: set[int] = set()
    used_b: set[int] = set()
    for i, j in sorted(zip(*np.nonzero(ratios)), key=lambda ij: (-ratios[ij], ij)):
        if i not in used_a and j not in used_b:
            used_a.add(int(i))
            used_b.add(int(j))
            out.pairs.append((int(i), int(j), float(ratios[i, j]) / 100.0, "verbatim"))
    if embedder is None or (len(used_a) == len(a.units) or len(used_b) == len(b.units)):
        return out
    rest_a = [i for i in range(len(a.units)) if i not in used_a]
    rest_b = [j for j in range(len(b.units)) if j not in used_b]
    sims = _unit_vectors(a, embedder)[rest_a] @ _unit_vectors(b, embedder)[rest_b].T
    for i, j in monotone(sims, sims >= config.paraphrase_similarity):
        out.pairs.append((rest_a[i], rest_b[j], float(sims[i, j]), "paraphrase"))
    return out


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

_CREDIT = re.compile(r"\(([A-Z][\w .&'’-]{1,40})\)\s*[—–-]")


def _outlet_key(name: str | None) -> str:
    """Outlet names compared loosely: "The Greyline Wire", "Greyline Wire" and the host
    "greylinewire.example" share the key "greylinewire"."""
    key = re.sub(r"^the\s+", "", (name or "").strip().lower())
    key = re.sub(r"\.[a-z]{2,}$", "", key)  # a host name's top-level domain
    return re.sub(r"[^a-z0-9]", "", key)


def credit(parsed: ParsedArticle) -> str | None:
    """The agency a story is credited to in its dateline ("CITY (Agency) —"), as an outlet
    key."""
    article = parsed.article
    # The stored dateline may have lost its dash; the text keeps it at its start.
    m = _CREDIT.search(f"{article.dateline} —" if article.dateline else "") or _CREDIT.search(
        article.text[:200])
    return _outlet_key(m.group(1)) or None if m else None


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
    """(parent, child, basis) for a pair judged derived one from the other."""
    pa, pb = a.parsed, b.parsed
    for x, y in ((a, b), (b, a)):
        # y credits x's outlet and is not itself that outlet's story: x is the source.
        credited = credit(y.parsed)
        # An outlet read off the dateline itself says nothing about who published y.
        own = credited if y.parsed.article.outlet_basis == "dateline" else _outlet_key(
            y.parsed.article.outlet)
        if credited and credited == _outlet_key(x.parsed.article.outlet) and own != credited:
            return x, y, "credit"
    (ta, time_a) = _when(pa.article.published_at or pa.article.published)
    (tb, time_b) = _when(pb.article.published_at or pb.article.published)
    if ta and tb:
        if time_a and time_b and ta != tb:
            return (a, b, "published") if ta < tb else (b, a, "published")
        if ta.date() != tb.date():
            return (a, b, "published") if ta.date() < tb.date() else (b, a, "published")
    if abs(cov_a - cov_b) >= 0.15:
        # The text mostly contained in the other is the child (a trimmed copy, an excerpt).
        return (a, b, "coverage") if cov_b > cov_a else (b, a, "coverage")
    if bool(pa.article.dateline) != bool(pb.article.dateline):
        return (a, b, "dateline") if pa.article.dateline else (b, a, "dateline")
    if a.weight != b.weight:
        return (a, b, "length") if a.weight > b.weight else (b, a, "length")
    return (a, b, "id") if a.id < b.id else (b, a, "id")


# --------------------------------------------------------------------------- edges


def judge(a: Doc, b: Doc, embedder: Embedder | None, config: AnalysisConfig) -> Derivation | None:
    """The derivation edge between two articles, or None when neither reuses the other."""
    alignment = align(a, b, embedder, config)
    if not alignment.pairs:
        return None
    cov_a, cov_b = alignment.coverage(a, 0), alignment.coverage(b, 1)
    parent, child, basis = direction(a, b, cov_a, cov_b)
    side = 0 if child is a else 1
    verbatim = alignment.coverage(child, side, "verbatim")
    total = alignment.coverage(child, side)
    reused_words = alignment.matched_words(child, side, "verbatim")
    matched = len(alignment.pairs)
    mean_sim = sum(p[2] for p in alignment.pairs) / matched
    if verbatim >= config.copy_coverage:
        kind, score = "copy", verbatim * mean_sim
    elif (min(cov_a, cov_b) >= config.rewrite_coverage and verbatim < 0.5
          and matched >= config.rewrite_min_sentences):
        # Both sides: a rewrite retells the whole story (independent reports of one event
        # often match most of a short article, never most of both), mostly in new words
        # (passages kept verbatim make it partial reuse).
        kind, score = "rewrite", total * mean_sim
    elif reused_words >= config.partial_min_words:
        kind, score = "partial", verbatim
    else:
        return None
    evidence = tuple(sorted(
        (SpanPair(parent.units[p[1 - side]].span, child.units[p[side]].span)
         for p in alignment.pairs if kind != "partial" or p[3] == "verbatim"),
        key=lambda s: s.child_span))
    return Derivation(parent=parent.id, child=child.id, kind=kind,  # type: ignore[arg-type]
                      score=round(min(1.0, score), 4), evidence=evidence, direction_basis=basis)


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



def families(article_ids: Iterable[str], edges: Iterable[Derivation]) -> dict[str, int]:
    """Family number of every article: the connected components of the derivation graph
    (copies, rewrites, partial reuse and wire siblings, in either direction), numbered in the
    order of ``article_ids``. The number of families is the number of independent sources."""
    return components(article_ids, ((e.parent, e.child) for e in edges))
