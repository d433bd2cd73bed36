"""Typed, frozen records passed between pipeline stages.

Every record is immutable (``frozen=True, slots=True``) so a stage can never alter what an
earlier stage produced, and every id is derived from content hashes so re-runs on the same
input give the same ids. Spans are ``(start, end)`` character offsets into the owning
article's cleaned ``text`` (Python indexing, end exclusive).

Flow: RawDocument --clean--> Article --nlp--> ParsedArticle --cross-source--> Story
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

Span = tuple[int, int]


def content_id(prefix: str, *parts: str | bytes, length: int = 16) -> str:
    """Stable id ``<prefix>_<hex>`` from the SHA-256 of the given parts."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")  # separator so ("ab","c") and ("a","bc") differ
    return f"{prefix}_{h.hexdigest()[:length]}"


# --------------------------------------------------------------------------- ingest / clean


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input item as it arrived, before any cleaning.

    ``raw`` keeps the original bytes (HTML page, text file, JSON object) so cleaning can be
    re-run later; ``fields`` carries metadata the container already gave us (JSON keys, feed
    entry fields, HTTP headers) as plain strings.
    """

    source: str  # path, URL, "file.jsonl#3", "feed.rss#guid", "crawl.warc.gz#uri"
    format: Literal["text", "html", "json", "feed", "warc"]
    raw: bytes
    url: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    fetched_at: str | None = None  # ISO time when fetched over HTTP

    @property
    def id(self) -> str:
        return content_id("r", self.raw)

    def field(self, name: str) -> str | None:
        for key, value in self.fields:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Removed:
    """A line cleaning dropped, kept so an analyst can audit every removal."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: only what the outlet wrote, plus its metadata and their basis."""

    id: str
    source: str
    raw_id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    outlet_basis: str | None = None  # field site-name publication-line byline banner dateline url
    author: str | None = None
    published: str | None = None
    published_basis: Literal["metadata", "text", "inferred"] | None = None
    # Time of publication in UTC (YYYY-MM-DDTHH:MM:SSZ) when the publisher's metadata gives
    # one: it orders two same-day versions of a story (which copy came first).
    published_at: str | None = None
    language: str | None = None
    language_score: float | None = None
    dateline: str | None = None  # e.g. "VALMONT, Esteria (Meridian Press)"
    removed: tuple[Removed, ...] = ()

    @staticmethod
    def make_id(text: str, url: str | None, title: str | None, outlet: str | None) -> str:
        # The id is the content: two files holding the same article are the same article;
        # url, title and outlet are included so a verbatim copy by another outlet (a wire
        # story republished) stays a distinct article.
        return content_id("a", text, url or "", title or "", outlet or "")

    @property
    def is_english(self) -> bool:
        return self.language == "en"


# A skipped reason is read in a table and kept in the store: one embedding the "first line"
# of a 64 MB file made `crosswire skipped` run for 27 minutes (issue 19). 500 characters hold
# every reason crosswire writes (the longest, a feed or WARC parser's message, runs to ~300).
MAX_REASON_CHARS = 500


def shown(text: str) -> str:
    """``text`` safe to store and print: a lone surrogate (a file name's undecodable byte,
    kept by Python as U+DC80-U+DCFF, or one escaped in JSON) becomes a visible escape
    (``\\xe9``, ``\\ud800``) instead of making SQLite and every terminal fail on it."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:  # a file name's bytes, back as they were on disk
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def bounded_reason(reason: str) -> str:
    """A skipped reason as stored and shown: printable and at most MAX_REASON_CHARS long."""
    reason = shown(reason)
    if len(reason) <= MAX_REASON_CHARS:
        return reason
    keep = MAX_REASON_CHARS - 40  # the tail below is at most 39 characters
    return f"{reason[:keep]} ... [{len(reason) - keep} more characters cut]"


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input item (or one stage for one item) that could not be processed, and why.

    Every reason goes through :func:`bounded_reason` and every source through :func:`shown`
    here, so no stage can build a record the store cannot keep or a table cannot show."""

    source: str
    stage: str
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", shown(self.source))
        object.__setattr__(self, "reason", bounded_reason(self.reason))


# --------------------------------------------------------------------------- article facts


@dataclass(frozen=True, slots=True)
class Mention:
    article_id: str
    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity within an article (``id`` local) or a story (``id`` shared)."""

    id: str
    name: str
    type: str  # PERSON, ORG, GPE, LOC, NORP
    mentions: tuple[Mention, ...] = ()
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    alias_evidence: tuple[tuple[str, str], ...] = ()  # (alias, why it is the same entity)
    merged: tuple[str, ...] = ()  # ids of article-level entities a story-level one absorbs


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    article_id: str
    span: Span
    text: str
    kind: Literal["direct", "indirect"]
    speaker_id: str | None = None
    speaker: str | None = None
    speaker_span: Span | None = None
    cue: str | None = None
    cue_span: Span | None = None
    warning: str | None = None  # set when the extractor is unsure (unbalanced marks, ...)
    # The pieces of a quote split by its cue or running over paragraphs ("A," she said, "B.");
    # empty when the quote is the one piece ``span``.
    parts: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Number:
    id: str
    article_id: str
    span: Span
    text: str
    value: float
    approx: str | None = None
    counts: str | None = None
    unit: str | None = None  # "%", "USD", ...
    claimant_id: str | None = None
    claimant: str | None = None
    as_of: str | None = None


@dataclass(frozen=True, slots=True)
class Timex:
    span: Span
    text: str
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str | None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    article_id: str
    span: Span  # the sentence
    action: str  # PLOVER category
    summary: str
    actor_id: str | None = None
    actor: str | None = None
    target_id: str | None = None
    target: str | None = None
    place: str | None = None
    date: str | None = None
    trigger: str | None = None
    mode: str | None = None  # PLOVER mode refining the action ("arrest", "strike", ...)


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence or clause unit of an article with its attribution."""

    id: str
    article_id: str
    span: Span
    text: str
    speaker_id: str | None = None
    speaker: str | None = None
    certainty: str | None = None  # asserted | confirmed | denied | unconfirmed | hedged ...
    quote_ids: tuple[str, ...] = ()
    number_ids: tuple[str, ...] = ()
    certainty_cue: str | None = None  # the words that set ``certainty`` ("declined to confirm")
    # What the claim says happened: lemmas of its content verbs, reporting and light verbs
    # left out ("was approved by regulators last month" -> approve). The action slot of the
    # claim's event frame (story/frames.py).
    actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article with everything the NLP stages found in it, all spans into ``article.text``."""

    article: Article
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    numbers: tuple[Number, ...] = ()
    timexes: tuple[Timex, ...] = ()
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    sentences: tuple[Span, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.article.id


# --------------------------------------------------------------------------- cross-source


@dataclass(frozen=True, slots=True)
class SpanPair:
    parent_span: Span
    child_span: Span


@dataclass(frozen=True, slots=True)
class Derivation:
    parent: str
    child: str
    kind: Literal["copy", "trim", "rewrite", "partial", "sibling"]
    score: float
    evidence: tuple[SpanPair, ...] = ()
    direction_basis: str | None = None  # why parent -> child and not the reverse


@dataclass(frozen=True, slots=True)
class SpanRef:
    article_id: str
    span: Span


@dataclass(frozen=True, slots=True)
class ConflictSide:
    article_ids: tuple[str, ...]
    text: str
    span_refs: tuple[SpanRef, ...] = ()


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: Literal["number", "attribution", "quote-wording", "certainty", "date", "place", "other"]
    summary: str
    sides: tuple[ConflictSide, ...]
    # How likely an editor is to uphold it (0-1), from its evidence (story/confidence.py);
    # None where nothing scored it.
    confidence: float | None = None
    evidence: ConflictEvidence | None = None


@dataclass(frozen=True, slots=True)
class ConflictEvidence:
    """What a conflict's confidence is read from, kept so a reader can audit it."""

    derived: bool  # some two articles on different sides are one source family
    similarity: float  # closest pair score of two claims on different sides (0-1)
    aligned: bool  # the claims on different sides were grouped as one claim
    articles: tuple[int, ...]  # articles on each side, largest side first
    difference: float  # how far apart the sides' own words are (0 alike - 1 unrelated)
    words: int = 0  # words of the shortest side's text (a two-word phrase recurs by chance)
    # An attribution's sources are all people the story names (not an outlet, a platform or
    # a group, which the attribution stage often takes for a quote's speaker); else None.
    people: bool | None = None
    # The closest frames of two claims on different sides (story/frames.py), slot by slot:
    # "same" (a filler in common), "other" (both filled, nothing in common), "unknown".
    action: str = "unknown"  # what happened: the claims' content verbs
    participants: str = "unknown"  # who took part: the people and bodies they name


@dataclass(frozen=True, slots=True)
class FigureRef:
    article_id: str
    span: Span
    text: str
    as_of: str | None


@dataclass(frozen=True, slots=True)
class Update:
    """A figure revised over time: not a conflict, shown in the story's updates."""

    earlier: FigureRef
    later: FigureRef


@dataclass(frozen=True, slots=True)
class Claimant:
    entity_id: str | None
    article_ids: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class AlignedClaim:
    id: str
    text: str
    status: Literal["corroborated", "single-source", "disputed"]
    independent_sources: int
    mentions: tuple[SpanRef, ...]
    conflicts: tuple[Conflict, ...] = ()
    claimants: tuple[Claimant, ...] = ()
    not_conflicts: tuple[str, ...] = ()  # why apparent differences were judged compatible
    # Differences found with too little confidence to call disputes (shown behind a fold).
    possible_conflicts: tuple[Conflict, ...] = ()
    updates: tuple[Update, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceView:
    article_id: str
    adds: tuple[str, ...] = ()
    omits: tuple[str, ...] = ()
    alters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SummarySentence:
    sentence: str
    cites: tuple[SpanRef, ...]


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    title: str | None
    article_ids: tuple[str, ...]
    independent_sources: int = 0
    derivations: tuple[Derivation, ...] = ()
    entities: tuple[Entity, ...] = ()
    claims: tuple[AlignedClaim, ...] = ()
    per_source: tuple[SourceView, ...] = ()
    summary: tuple[SummarySentence, ...] = ()
    history: tuple[str, ...] = field(default_factory=tuple)  # merges/splits, human-readable

    @staticmethod
    def make_id(article_ids: tuple[str, ...] | list[str]) -> str:
        # A story is identified by its earliest member so it keeps its id as it grows.
        return content_id("s", min(article_ids))


# --------------------------------------------------------------------------- (de)serialisation

import dataclasses as _dc  # noqa: E402  (kept beside the helpers that need it)
import functools as _functools  # noqa: E402
import types as _types  # noqa: E402
import typing as _typing  # noqa: E402


def to_dict(record: object) -> object:
    """Plain JSON-ready structure of a record (tuples become lists)."""
    names = _field_names(type(record))
    if names is not None:
        return {name: to_dict(getattr(record, name)) for name in names}
    if isinstance(record, (tuple, list)):
        return [to_dict(item) for item in record]
    if isinstance(record, bytes):
        raise TypeError("raw bytes are stored as BLOBs, not JSON")
    return record


def from_dict(cls: type, data: object) -> object:
    """Inverse of :func:`to_dict` for any record class of this module."""
    build = _builder(cls)
    return data if build is None or data is None else build(data)


@_functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    if not _dc.is_dataclass(cls):
        return None
    return tuple(f.name for f in _dc.fields(cls))


_Builder = _typing.Callable[[object], object]


@_functools.cache
def _builder(kind: object) -> _Builder | None:
    """How to rebuild a value of type ``kind`` from its JSON form, worked out once per type
    (loading stories and parsed articles is most of the store's read time): None when the
    JSON value is the value itself (strings, numbers, literals)."""
    origin = _typing.get_origin(kind)
    if origin in (_types.UnionType, _typing.Union):
        options = [a for a in _typing.get_args(kind) if a is not type(None)]
        inner = _builder(options[0]) if len(options) == 1 else None
        return None if inner is None else (lambda data: None if data is None else inner(data))
    if origin is tuple:
        args = _typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _builder(args[0])
            if item is None:
                return tuple  # type: ignore[return-value]
            return lambda data: tuple(item(x) for x in data)  # type: ignore[union-attr]
        items = [_builder(a) for a in args]
        return lambda data: tuple(x if b is None else b(x)
                                  for b, x in zip(items, data))  # type: ignore[call-overload]
    if isinstance(kind, type) and _dc.is_dataclass(kind):
        hints = _typing.get_type_hints(kind)
        fields = [(f.name, _builder(hints[f.name])) for f in _dc.fields(kind)]
        cls = kind

        def build(data: object) -> object:
            return cls(**{name: (value if b is None or value is None else b(value))
                          for name, b in fields if name in data  # type: ignore[operator]
                          for value in (data[name],)})  # type: ignore[index]
        return build
    return None
