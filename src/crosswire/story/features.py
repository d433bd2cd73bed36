"""Features: ParsedArticles -> :class:`Features` (document vector, salient terms, MinHash).

What placement compares (the vector of title and lead, the names an article is about, its
day and the days it reports on) and what lineage blocks on (MinHash of the unquoted
shingles), computed once per article and stored beside its place, so a later run compares
with stored articles without their parses. The embedder is passed in: the engines decide where
vectors are encoded.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np

from ..config import AnalysisConfig
from ..embed import Embedder
from ..records import ParsedArticle
from . import lineage
from .records import Features

_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)*\b")
_STOP = frozenset([
    "The", "A", "An", "In", "On", "At", "For", "And", "But", "Or", "Of", "To", "By", "With",
    "From", "As", "It", "He", "She", "They", "We", "This", "That", "These", "Those", "His",
    "Her", "Their", "Its", "Our", "Mr", "Mrs", "Ms", "Dr", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May",
    "June", "July", "August", "September", "October", "November", "December"])
_NAME_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP"})


def document_text(parsed: ParsedArticle, lead_chars: int) -> str:
    """What an article's document vector is computed from: its title and lead."""
    article = parsed.article
    return f"{article.title or ''}\n{article.text[:lead_chars]}".strip()


def terms(parsed: ParsedArticle, lead_chars: int) -> frozenset[str]:
    """Salient terms: the article's named entities when the NLP stage found them, else the
    capitalised words of its title and lead that do not start a sentence."""
    names = {e.name.lower() for e in parsed.entities if e.type in _NAME_TYPES}
    if names:
        return frozenset(names)
    text = parsed.article.text[:lead_chars]
    return frozenset(w.lower() for w in _CAPITALISED.findall(text) if w not in _STOP)


_FULL_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def happening_days(parsed: ParsedArticle, lead_chars: int, horizon: int) -> frozenset[int]:
    """The days (proleptic ordinals) the title and lead date what they report: the full dates
    of their timexes from ``horizon`` days before publication up to its day (later dates are
    plans, not happenings; older ones lie beyond any story the article is compared with).
    Empty for an undated article or one the NLP stage did not parse."""
    published = day_of(parsed.article.published)
    if published is None:
        return frozenset()
    out = set()
    for timex in parsed.timexes:
        value = timex.value or ""
        if timex.type == "DATE" and timex.span[0] < lead_chars and _FULL_DATE.fullmatch(value):
            day = day_of(value)
            if day is not None and published - horizon <= day < published:
                out.add(day)
    return frozenset(out)


def day_of(value: str | None) -> int | None:
    """The proleptic ordinal of an ISO date's day, None when there is none."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def features(parsed: list[ParsedArticle], embedder: Embedder, config: AnalysisConfig,
             docs: dict[str, lineage.Doc] | None = None) -> list[Features]:
    """Features of each article, in order; the document vectors in one call. ``docs``:
    lineage's view of the articles when the caller made it already."""
    lead = config.cluster_lead_chars
    vectors = embedder.encode([document_text(p, lead) for p in parsed]) if parsed else []
    return [features_of(p, np.asarray(v, dtype=np.float32), config, (docs or {}).get(p.id))
            for p, v in zip(parsed, vectors)]


def features_of(parsed: ParsedArticle, vector: np.ndarray, config: AnalysisConfig,
                doc: lineage.Doc | None = None) -> Features:
    """One article's features, given its document vector (and lineage's doc of it)."""
    doc = doc or lineage.make_doc(parsed, config.provenance_min_words)
    return Features(id=parsed.id, day=day_of(parsed.article.published), vector=vector,
                    terms=terms(parsed, config.cluster_lead_chars),
                    days=happening_days(parsed, config.cluster_lead_chars,
                                        config.cluster_horizon_days),
                    signature=lineage.signature_bytes(lineage.signature(doc, config.minhash_perm)))
