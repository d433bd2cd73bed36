"""Briefing assembly: one story, read from the store, as the contract JSON and as a reader's view.

Takes a stored Story (or the briefing JSON of one story) and gives:
- :func:`story_document`: the briefing JSON (contract version 1) restricted to one story;
- :func:`view`: the :class:`Briefing` the Markdown/HTML renderers and the web UI draw: key facts
  with independent-source counts, quotes grouped by speaker with their variants across outlets,
  numbers with claimants and spread, a timeline, disputed points with both sides ranked by
  confidence, the possible differences below the dispute line, figures by claimant and figures
  revised over time (neither a dispute), provenance, each source's adds/omits/alters and a
  claim-by-source matrix.

The story's own conclusions (independent sources, summary, entities) are made by the story
stage (``crosswire.story``); this module only presents them. The view is built from the JSON
document, not from the store, so a briefing written by
``crosswire analyze`` renders the same as one read from a store. Every field the contract
allows to be empty may be empty: the view then has empty sections, never an error.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from rapidfuzz import fuzz

from . import report
from .clean import outlet_names
from .common import components, fold, interval
from .config import BriefConfig
from .errors import BriefError
from .store import Store
from .story.summary import summarize

Span = tuple[int, int]

# --------------------------------------------------------------------------- shared helpers


def safe_url(url: str | None) -> str | None:
    """The URL when it is an http(s) link, else None: article metadata is untrusted, and a
    ``javascript:`` or ``data:`` URL must never become a link."""
    if url and re.match(r"^https?://[^\s\"'<>\\]+$", url.strip(), re.I):
        return url.strip()
    return None


def relation(kind: str) -> str:
    """How a derivation of ``kind`` reads before the parent's name: "copy of", "rewrite of",
    and for wire siblings (neither copied the other) "same wire story as"."""
    return "same wire story as" if kind == "sibling" else f"{kind} of"


# --------------------------------------------------------------------------- the document


def resolve_story(store: Store, ref: str) -> str:
    """A story id from a full id (of a stored story, or of one merged into a stored story)
    or an unambiguous prefix of one."""
    ref = ref.strip()
    if ref and store.story(ref) is not None:
        return ref
    if ref and (merged_into := store.redirect(ref)) is not None:
        return merged_into
    matches = store.story_ids(ref) if ref else []
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise BriefError(f"no story {ref!r} in {store.path}: list them with `crosswire serve` "
                         "or in the briefing JSON of `crosswire analyze`")
    shown = ", ".join(matches[:5]) + (" ..." if len(matches) > 5 else "")
    raise BriefError(f"story {ref!r} is ambiguous ({len(matches)} stories: {shown}): give more "
                     "of the id")


def story_document(store: Store, story_id: str, config: BriefConfig | None = None,
                   now: datetime | None = None, check: bool = True) -> dict[str, Any]:
    """The briefing JSON (contract version 1) holding one story and its articles, validated
    unless ``check`` is false (the web UI shows a story even when a stage wrote a value the
    contract does not allow, rather than nothing).

    Reads only what is stored (never parses). A story stored before its summary was
    computed gets one here, so every briefing has a summary."""
    story = store.story(story_id)
    if story is None:
        raise BriefError(f"no story {story_id!r} in {store.path}")
    parsed = store.parsed_any(story.article_ids)
    articles = store.articles(story.article_ids)
    if not story.summary:
        members = [parsed[a] for a in story.article_ids if a in parsed]
        story = dataclasses.replace(story, summary=summarize(story, members, config))
    document = report.build(articles, parsed, [story], [], now=now or datetime.now(UTC))
    if check:
        report.validate(document)
    return document


# --------------------------------------------------------------------------- the view


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """An article as the briefing names it."""

    id: str
    label: str  # outlet, else title, else file name; numbered when an outlet has several
    outlet: str | None
    title: str | None
    url: str | None  # only http(s) links survive (see safe_url)
    published: str | None
    group: int  # independent source number (derivation component), 0-based
    derived_from: tuple[tuple[str, str], ...] = ()  # (parent label, kind)
    published_basis: str | None = None  # "inferred": dated from its story, not its own page


@dataclasses.dataclass(frozen=True, slots=True)
class Cite:
    """The exact words of one article a statement rests on."""

    article_id: str
    label: str
    span: Span
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    cites: tuple[Cite, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Side:
    text: str
    labels: tuple[str, ...]
    cites: tuple[Cite, ...]


# Words for a conflict's confidence (the probability an editor upholds it, story/confidence.py):
# reading aids only, the number is shown beside them; whether a conflict is a dispute at all
# is the story stage's call (AnalysisConfig.dispute_confidence), not these.
_CONFIDENCE_WORDS = ((0.8, "high"), (0.6, "medium"), (0.0, "low"))


@dataclasses.dataclass(frozen=True, slots=True)
class Dispute:
    claim_id: str
    claim_text: str
    kind: str
    summary: str
    sides: tuple[Side, ...]
    confidence: float | None = None  # None: the conflict was not scored
    derived: bool = False  # a report on one side was made from one on another (evidence)

    @property
    def level(self) -> str | None:
        """The confidence in words: high, medium or low; None when not scored."""
        if self.confidence is None:
            return None
        return next(word for floor, word in _CONFIDENCE_WORDS if self.confidence >= floor)

    @property
    def confidence_text(self) -> str:
        """The confidence as both renderings show it: ``confidence high (0.86)``."""
        if self.confidence is None:
            return "confidence not scored"
        return f"confidence {self.level} ({self.confidence:.2f})"


@dataclasses.dataclass(frozen=True, slots=True)
class Figure:
    """A figure as one article gave it at one date."""

    cite: Cite
    as_of: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class FigureUpdate:
    """A figure revised over time (an earlier count superseded by a later one): not a dispute."""

    claim_id: str
    claim_text: str
    earlier: Figure
    later: Figure


@dataclasses.dataclass(frozen=True, slots=True)
class ClaimantFigure:
    name: str
    figure: str  # the figure as the claimant gave it, "" when the document does not say
    sources: tuple[Source, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class ClaimantFigures:
    """One claim's figures from different claimants: different sources, not a dispute."""

    claim_id: str
    claim_text: str
    figures: tuple[ClaimantFigure, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Fact:
    id: str
    text: str
    status: str
    independent_sources: int
    cites: tuple[Cite, ...]
    claimants: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class QuoteVariant:
    text: str
    kind: str
    cue: str | None
    # Word diff against the statement's first (most carried) variant: (op, words) with op
    # "same", "ins" (words only this variant has) or "del" (words it lacks).
    diff: tuple[tuple[str, str], ...]
    cites: tuple[Cite, ...]
    partial: bool = False  # only some of the first variant's words, none changed


@dataclasses.dataclass(frozen=True, slots=True)
class Statement:
    variants: tuple[QuoteVariant, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None  # None: quotes with no speaker found
    entity_id: str | None
    roles: tuple[str, ...]
    statements: tuple[Statement, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class NumberValue:
    value: float
    text: str
    approx: str | None
    claimant: str | None
    as_of: str | None
    cites: tuple[Cite, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class NumberGroup:
    counts: str | None
    unit: str | None
    values: tuple[NumberValue, ...]
    claim: str | None = None  # the aligned claim the figures are part of, when known

    @property
    def low(self) -> float:
        return min(v.value for v in self.values)

    @property
    def high(self) -> float:
        return max(v.value for v in self.values)

    @property
    def compared(self) -> bool:
        """More than one figure: given by several sources, claimants or dates."""
        return len(self.values) > 1

    @property
    def spread(self) -> float | None:
        """high / low when the values differ and are positive, else None."""
        low, high = self.low, self.high
        return high / low if high != low and low > 0 else None


@dataclasses.dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: str
    start: date
    end: date
    summary: str
    action: str | None
    place: str | None
    actor: str | None
    cites: tuple[Cite, ...]
    inferred: bool = False  # dated only through its article's date inferred from the story
    claim_id: str | None = None  # a dated claim rather than an event


@dataclasses.dataclass(frozen=True, slots=True)
class Edge:
    parent: str
    child: str
    kind: str
    score: float
    direction_basis: str | None
    evidence: int
    excerpt: Cite | None


@dataclasses.dataclass(frozen=True, slots=True)
class SourceDiff:
    source: Source
    adds: tuple[tuple[str, str], ...]  # (claim id, claim text)
    omits: tuple[tuple[str, str], ...]
    alters: tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True, slots=True)
class MatrixRow:
    claim_id: str
    text: str
    status: str
    cells: tuple[str, ...]  # per source, in Briefing.sources order: agrees | differs | silent


@dataclasses.dataclass(frozen=True, slots=True)
class EntityRef:
    id: str
    name: str
    type: str
    roles: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Briefing:
    story_id: str
    headline: str
    generated_at: str
    sources: tuple[Source, ...]
    independent_sources: int
    first_published: str | None
    last_published: str | None
    summary: tuple[Sentence, ...]
    claims: tuple[Fact, ...]  # every aligned claim, best supported first, disputed last
    disputes: tuple[Dispute, ...]  # the confident conflicts, most confident first
    possible: tuple[Dispute, ...]  # conflicts below the dispute line, most confident first
    updates: tuple[FigureUpdate, ...]
    claimant_figures: tuple[ClaimantFigures, ...]  # claims with two or more claimants
    speakers: tuple[Speaker, ...]
    numbers: tuple[NumberGroup, ...]
    timeline: tuple[TimelineEntry, ...]
    edges: tuple[Edge, ...]
    per_source: tuple[SourceDiff, ...]
    matrix: tuple[MatrixRow, ...]
    entities: tuple[EntityRef, ...]
    quote_count: int
    number_count: int
    undated_events: int = 0  # events with no date the timeline can place

    def source(self, article_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == article_id), None)

    @property
    def facts(self) -> tuple[Fact, ...]:
        """The claims not in dispute (corroborated and single-source)."""
        return tuple(c for c in self.claims if c.status != "disputed")

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.outlet for s in self.sources if s.outlet))


def cited(briefing: Briefing) -> tuple[Cite, ...]:
    """Every cite anywhere in a briefing, once per (article, span), in the order of the
    sources and then of the words: what a briefing's list of cited words holds."""
    found: dict[tuple[str, Span], Cite] = {}

    def walk(value: Any) -> None:
        if isinstance(value, Cite):
            found.setdefault((value.article_id, value.span), value)
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))

    walk(briefing)
    order = {s.id: i for i, s in enumerate(briefing.sources)}
    return tuple(sorted(found.values(), key=lambda c: (order.get(c.article_id, len(order)), c.span)))


def words_url(url: str | None, words: str) -> str | None:
    """A link to these words on the article's own page (a URL text fragment, which browsers
    scroll to and highlight): the first words and, for a long passage, the last ones. None
    without a safe http(s) URL."""
    url = safe_url(url)
    tokens = words.split()
    if url is None or not tokens:
        return None

    def part(ws: list[str]) -> str:
        # "-", "," and "&" are the directive's own syntax inside a fragment.
        return quote(" ".join(ws), safe="").replace("-", "%2D")

    fragment = part(tokens) if len(tokens) <= 10 else f"{part(tokens[:6])},{part(tokens[-4:])}"
    return f"{url.split('#', 1)[0]}#:~:text={fragment}"


def view(document: dict[str, Any], story_id: str | None = None,
         config: BriefConfig | None = None) -> Briefing:
    """The reader's view of one story of a briefing document (the first, unless named)."""
    config = config or BriefConfig()
    stories = document.get("stories") or []
    story = next((s for s in stories if story_id in (None, s["id"])), None)
    if story is None:
        raise BriefError(f"the briefing has no story {story_id!r}" if story_id
                         else "the briefing has no story")
    texts = {a["id"]: a for a in document.get("articles", []) if a["id"] in story["article_ids"]}
    sources = _sources(story, texts)
    labels = {s.id: s.label for s in sources}

    def cite(article_id: str, span: Iterable[int]) -> Cite | None:
        start, end = span
        article = texts.get(article_id)
        if article is None or not 0 <= start < end <= len(article["text"]):
            return None  # a span the article cannot hold is dropped, never shown wrongly
        return Cite(article_id, labels[article_id], (start, end), article["text"][start:end])

    def cites(refs: Iterable[dict[str, Any]]) -> tuple[Cite, ...]:
        return tuple(c for r in refs if (c := cite(r["article_id"], r["span"])) is not None)

    claims = story.get("claims", [])
    claim_text = {c["id"]: c["text"] for c in claims}
    entities = {e["id"]: e for e in story.get("entities", [])}
    published = sorted(s.published for s in sources if s.published)
    return Briefing(
        story_id=story["id"],
        headline=story.get("title") or next((s.title for s in sources if s.title), None)
        or "Untitled story",
        generated_at=document.get("generated_at", ""),
        sources=sources,
        independent_sources=story.get("independent_sources") or len({s.group for s in sources}),
        first_published=published[0] if published else None,
        last_published=published[-1] if published else None,
        summary=tuple(Sentence(s["sentence"], cites(s["cites"]))
                      for s in story.get("briefing", {}).get("summary", [])),
        claims=_claims(claims, cites, entities),
        disputes=_disputes(claims, "conflicts", labels, cites),
        possible=_disputes(claims, "possible_conflicts", labels, cites),
        updates=tuple(
            FigureUpdate(c["id"], c["text"], Figure(earlier, u["earlier"].get("as_of")),
                         Figure(later, u["later"].get("as_of")))
            for c in claims for u in c.get("updates", [])
            if (earlier := cite(u["earlier"]["article_id"], u["earlier"]["span"])) is not None
            and (later := cite(u["later"]["article_id"], u["later"]["span"])) is not None),
        claimant_figures=_claimant_figures(claims, entities, sources),
        speakers=_speakers(story.get("quotes", []), entities, cite, config),
        numbers=_numbers(story.get("numbers", []), claims, entities, cite),
        timeline=_timeline(story.get("events", []), entities, cites, claims, texts),
        edges=tuple(
            Edge(d["parent"], d["child"], d["kind"], d["score"], d.get("direction_basis"),
                 len(d.get("evidence", [])),
                 next((c for e in d.get("evidence", [])
                       if (c := cite(d["child"], e["child_span"])) is not None), None))
            for d in story.get("derivations", [])
            if d["parent"] in labels and d["child"] in labels),
        per_source=tuple(
            SourceDiff(src, *(tuple((cid, claim_text.get(cid, cid)) for cid in view_[key])
                              for key in ("adds", "omits", "alters")))
            for src in sources
            for view_ in [next((v for v in story.get("per_source", [])
                                if v["article_id"] == src.id), None)]
            if view_ is not None),
        matrix=_matrix(claims, sources, story.get("per_source", [])),
        entities=tuple(EntityRef(e["id"], e["name"], e["type"], tuple(e.get("roles", [])))
                       for e in story.get("entities", [])),
        quote_count=len(story.get("quotes", [])),
        number_count=len(story.get("numbers", [])),
        undated_events=sum(1 for e in story.get("events", []) if interval(e.get("date")) is None),
    )


def _sources(story: dict[str, Any], articles: dict[str, dict[str, Any]]) -> tuple[Source, ...]:
    ids = [a for a in story["article_ids"] if a in articles]
    ids.sort(key=lambda a: (articles[a].get("published") or "9999", a))
    derivations = [(d["parent"], d["child"], d["kind"]) for d in story.get("derivations", [])]
    groups = components(ids, [(p, c) for p, c, _ in derivations])
    # "The X" and "X" are one outlet, under the spelling most of its articles use.
    named = outlet_names(Counter(articles[a]["outlet"] for a in ids if articles[a].get("outlet")))
    base: dict[str, str] = {}
    for aid in ids:
        a = articles[aid]
        # A file name is where the text came from, not who published it: said so.
        name = named.get(a.get("outlet") or "") or _shorten(a.get("title") or "", 48) or \
            f"unnamed source ({PurePath(a.get('source') or aid).name or aid})"
        base[aid] = name
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for aid in ids:
        total = sum(1 for v in base.values() if v == base[aid])
        counts[base[aid]] = counts.get(base[aid], 0) + 1
        labels[aid] = base[aid] if total == 1 else f"{base[aid]} ({counts[base[aid]]})"
    return tuple(
        Source(id=aid, label=labels[aid], outlet=named.get(articles[aid].get("outlet") or ""),
               title=articles[aid].get("title"), url=safe_url(articles[aid].get("url")),
               published=articles[aid].get("published"), group=groups[aid],
               derived_from=tuple((labels[p], k) for p, c, k in derivations
                                  if c == aid and p in labels),
               published_basis=articles[aid].get("published_basis"))
        for aid in ids)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_STATUS_ORDER = {"corroborated": 0, "single-source": 1, "disputed": 2}


def _claim_order(claim: dict[str, Any]) -> tuple[int, int, int]:
    return (_STATUS_ORDER.get(claim["status"], 3), -claim.get("independent_sources", 0),
            -len(claim.get("mentions", [])))


def _claims(claims: list[dict[str, Any]], cites: Any, entities: dict[str, Any]) -> tuple[Fact, ...]:
    out = []
    for claim in sorted(claims, key=_claim_order):
        claimants = tuple(
            entities.get(c.get("entity_id") or "", {}).get("name") or c["text"]
            for c in claim.get("claimants", []))
        out.append(Fact(claim["id"], claim["text"], claim["status"],
                        claim.get("independent_sources", 0), cites(claim.get("mentions", [])),
                        claimants))
    return tuple(out)


def _disputes(claims: list[dict[str, Any]], key: str, labels: dict[str, str],
              cites: Any) -> tuple[Dispute, ...]:
    """The conflicts under ``key`` of every claim, most confident first; unscored ones after
    the scored, each in document order."""
    out = [Dispute(c["id"], c["text"], k["kind"], k["summary"],
                   tuple(Side(side["text"], tuple(labels.get(a, a) for a in side["article_ids"]),
                              cites(side.get("span_refs", [])))
                         for side in k["sides"]),
                   k.get("confidence"), bool((k.get("evidence") or {}).get("derived")))
           for c in claims for k in c.get(key, [])]
    out.sort(key=lambda d: (d.confidence is None, -(d.confidence or 0.0)))
    return tuple(out)


def _claimant_figures(claims: list[dict[str, Any]], entities: dict[str, Any],
                      sources: tuple[Source, ...]) -> tuple[ClaimantFigures, ...]:
    """Claims whose figures come from two or more claimants. A claimant's text reads
    "Ministry of Health: 84 dead": its name (the entity's, when known) and its figure; its
    sources in the briefing's order."""
    out = []
    for claim in claims:
        if len(claim.get("claimants", [])) < 2:
            continue
        figures = []
        for c in claim["claimants"]:
            head, sep, figure = c["text"].partition(": ")
            name = entities.get(c.get("entity_id") or "", {}).get("name") or head
            figures.append(ClaimantFigure(name, figure if sep else "",
                                          tuple(s for s in sources if s.id in c["article_ids"])))
        out.append(ClaimantFigures(claim["id"], claim["text"], tuple(figures)))
    return tuple(out)


def _speakers(quotes: list[dict[str, Any]], entities: dict[str, Any], cite: Any,
              config: BriefConfig) -> tuple[Speaker, ...]:
    by_speaker: dict[str, list[dict[str, Any]]] = {}
    for q in quotes:
        entity = entities.get(q.get("speaker_id") or "")
        name = entity["name"] if entity else q.get("speaker")
        by_speaker.setdefault(fold(name) if name else "", []).append(q)
    speakers = []
    for key, items in by_speaker.items():
        first = items[0]
        entity = next((entities[q["speaker_id"]] for q in items
                       if q.get("speaker_id") in entities), None)
        name = entity["name"] if entity else (first.get("speaker") if key else None)
        statements: list[list[dict[str, Any]]] = []
        for q in items:
            words = fold(q["text"])
            for group in statements:
                other = fold(group[0]["text"])
                if fuzz.ratio(words, other) >= config.quote_variant_similarity or (
                        min(len(words), len(other)) > 0
                        and fuzz.partial_ratio(words, other) >= config.quote_partial_similarity):
                    group.append(q)
                    break
            else:
                statements.append([q])
        roles = tuple({r.casefold(): r for r in reversed(entity.get("roles", []))}.values()
                      )[::-1] if entity else ()
        speakers.append(Speaker(name, entity["id"] if entity else None, roles,
                                tuple(_statement(g, cite) for g in statements)))
    # Named speakers with the most quoted statements first; unattributed quotes last.
    speakers.sort(key=lambda s: (s.name is None, -sum(len(st.variants) for st in s.statements),
                                 s.name or ""))
    return tuple(speakers)


def _statement(quotes: list[dict[str, Any]], cite: Any) -> Statement:
    variants: dict[str, list[dict[str, Any]]] = {}
    for q in quotes:
        variants.setdefault(fold(q["text"]), []).append(q)
    # The most carried wording first; at equal spread the longest, so partial quotes read as
    # parts of it.
    ordered = sorted(variants.values(), key=lambda qs: (-len({q["article_id"] for q in qs}),
                                                        -len(qs[0]["text"])))
    base = ordered[0][0]["text"]
    out = []
    for i, qs in enumerate(ordered):
        text = qs[0]["text"]
        partial = i > 0 and f" {fold(text)} " in f" {fold(base)} "
        diff = (("same", text),) if i == 0 or partial else _word_diff(base.split(), text.split())
        out.append(QuoteVariant(text, qs[0]["kind"], qs[0].get("cue"), diff,
                                tuple(c for q in qs if (c := cite(q["article_id"], q["span"]))),
                                partial))
    return Statement(tuple(out))


def _word_diff(base: list[str], words: list[str]) -> tuple[tuple[str, str], ...]:
    """Words of ``words`` against ``base``, compared without case and punctuation."""
    matcher = difflib.SequenceMatcher(a=[fold(w) for w in base], b=[fold(w) for w in words],
                                      autojunk=False)
    out: list[tuple[str, str]] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(words[b0:b1])))
            continue
        if a1 > a0:
            out.append(("del", " ".join(base[a0:a1])))
        if b1 > b0:
            out.append(("ins", " ".join(words[b0:b1])))
    return tuple(out)


def _counted(number: dict[str, Any]) -> str:
    return fold(number.get("counts") or "")


def _numbers(numbers: list[dict[str, Any]], claims: list[dict[str, Any]],
             entities: dict[str, Any], cite: Any) -> tuple[NumberGroup, ...]:
    """Figures grouped by what they count. A generic description ("people") is not enough
    to say two figures measure one thing, so when claims are aligned a group is also one
    claim: the figures inside the mentions of one aligned claim, across sources. Within a
    key, "workers" and "striking dock workers" are one group (the shorter description's
    words are all in the longer one), in one unit. Groups whose values differ come first."""
    within: list[tuple[str, str, int, int, str]] = [
        (m["article_id"], c["id"], m["span"][0], m["span"][1], c["text"])
        for c in claims for m in c.get("mentions", [])]
    keys: list[tuple[str | None, str, str | None]] = []
    members: list[list[dict[str, Any]]] = []
    about: list[str | None] = []
    loose: list[dict[str, Any]] = []
    for n in numbers:
        counted = _counted(n)
        if not counted:
            loose.append(n)
            continue
        start, end = n["span"]
        claim = next(((cid, text) for aid, cid, s, e, text in within
                      if aid == n["article_id"] and s <= start and end <= e), (None, None))
        words = set(counted.split())
        for i, (claim_id, key, unit) in enumerate(keys):
            other = set(key.split())
            if claim_id == claim[0] and unit == n.get("unit") and (words <= other or other <= words):
                members[i].append(n)
                if len(words) > len(other):
                    keys[i] = (claim_id, counted, unit)
                break
        else:
            keys.append((claim[0], counted, n.get("unit")))
            members.append([n])
            about.append(claim[1])
    groups = [_number_group(ns, entities, cite, text) for ns, text in zip(members, about)]
    groups.sort(key=lambda g: (g.spread is None, -len(g.values), -(g.spread or 1)))
    groups += [_number_group([n], entities, cite, None) for n in loose]
    return tuple(groups)


def _number_group(numbers: list[dict[str, Any]], entities: dict[str, Any], cite: Any,
                  claim: str | None) -> NumberGroup:
    values: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for n in numbers:
        claimant = entities.get(n.get("claimant_id") or "", {}).get("name") or n.get("claimant")
        values.setdefault((n["value"], claimant, n.get("as_of"), n.get("approx")), []).append(n)
    out = []
    for (value, claimant, as_of, approx), ns in values.items():
        out.append(NumberValue(value, ns[0]["text"], approx, claimant, as_of,
                               tuple(c for n in ns if (c := cite(n["article_id"], n["span"])))))
    out.sort(key=lambda v: (v.as_of or "", v.value))
    descriptions = sorted((n.get("counts") for n in numbers if n.get("counts")), key=len)
    return NumberGroup(descriptions[-1] if descriptions else None, numbers[0].get("unit"),
                       tuple(out), claim)


def _timeline(events: list[dict[str, Any]], entities: dict[str, Any], cites: Any,
              claims: list[dict[str, Any]] = (), texts: dict[str, dict[str, Any]] | None = None,
              ) -> tuple[TimelineEntry, ...]:
    """Dated events, and dated claims no event already places: every dated thing the story
    tells, in date order."""
    entries = list(_event_entries(events, entities, cites))
    entries += _claim_entries(claims, events, texts or {}, cites)
    return tuple(sorted(entries, key=lambda t: (t.start, t.end, t.summary)))


def _claim_entries(claims: list[dict[str, Any]], events: list[dict[str, Any]],
                   texts: dict[str, dict[str, Any]], cites: Any) -> list[TimelineEntry]:
    """A claim is dated by the first dated time expression inside one of its mentions (its
    article's, resolved against that article's date); one an event of the same words already
    places is left to the event."""
    placed = [(m["article_id"], *m["span"]) for e in events if interval(e.get("date"))
              for m in e.get("mentions", [])]
    out = []
    for claim in claims:
        mentions = claim.get("mentions", [])
        if any(a == m["article_id"] and s < m["span"][1] and m["span"][0] < e
               for m in mentions for a, s, e in placed):
            continue
        for m in mentions:
            article = texts.get(m["article_id"]) or {}
            start, end = m["span"]
            value = next((v for t in article.get("timexes", [])
                          if t.get("type") in ("DATE", "TIME") and t.get("value")
                          and start <= t["span"][0] and t["span"][1] <= end
                          and interval(v := t["value"].split("T", 1)[0]) is not None), None)
            if value is not None:
                lo, hi = interval(value)  # type: ignore[misc]
                out.append(TimelineEntry(value, lo, hi, claim["text"], None, None, None,
                                         cites(mentions),
                                         article.get("published_basis") == "inferred",
                                         claim["id"]))
                break
    return out


def _event_entries(events: list[dict[str, Any]], entities: dict[str, Any],
                   cites: Any) -> tuple[TimelineEntry, ...]:
    merged: dict[tuple[Any, ...], TimelineEntry] = {}
    for e in events:
        bounds = interval(e.get("date"))
        if bounds is None:
            continue
        key = (e["date"], e.get("action"), fold(e.get("summary") or ""))
        found = cites(e.get("mentions", []))
        if key in merged:
            old = merged[key]
            # Told with its own date by any source: the date is no longer only inferred.
            merged[key] = dataclasses.replace(old, cites=old.cites + found, inferred=old.inferred
                                              and e.get("date_basis") == "inferred")
        else:
            actor = entities.get(e.get("actor_id") or "", {}).get("name") or e.get("actor")
            merged[key] = TimelineEntry(e["date"], bounds[0], bounds[1], e.get("summary") or "",
                                        e.get("action"), e.get("place"), actor, found,
                                        e.get("date_basis") == "inferred")
    return tuple(sorted(merged.values(), key=lambda t: (t.start, t.end, t.summary)))


def _matrix(claims: list[dict[str, Any]], sources: tuple[Source, ...],
            per_source: list[dict[str, Any]]) -> tuple[MatrixRow, ...]:
    alters = {v["article_id"]: set(v.get("alters", [])) for v in per_source}
    rows = []
    for claim in sorted(claims, key=lambda c: (c["status"] != "disputed", *_claim_order(c))):
        mentioned = {m["article_id"] for m in claim.get("mentions", [])}
        # An article differs when its own per-source view says it alters the claim, or when
        # it is on a side of a conflict other than the side most articles take.
        odd: set[str] = set()
        for conflict in claim.get("conflicts", []):
            sides = sorted(conflict["sides"], key=lambda s: -len(s["article_ids"]))
            for side in sides[1:]:
                odd |= set(side["article_ids"])
            mentioned |= {a for s in sides for a in s["article_ids"]}
        cells = tuple(
            "differs" if (claim["id"] in alters.get(s.id, ()) or s.id in odd)
            else "agrees" if s.id in mentioned else "silent"
            for s in sources)
        rows.append(MatrixRow(claim["id"], claim["text"], claim["status"], cells))
    return tuple(rows)


def segments(text: str, marks: Iterable[tuple[int, int, str]]) -> list[tuple[str, tuple[str, ...]]]:
    """``text`` cut at every mark boundary: (piece, ids of the marks covering it). The web UI
    escapes each piece and wraps covered ones, so article text is never markup."""
    marks = [(s, e, i) for s, e, i in marks if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in marks), *(e for _, e, _ in marks)})
    out: list[tuple[str, tuple[str, ...]]] = []
    for a, b in zip(cuts, cuts[1:]):
        ids = tuple(dict.fromkeys(i for s, e, i in marks if s <= a and b <= e))
        if out and out[-1][1] == ids:
            out[-1] = (out[-1][0] + text[a:b], ids)
        else:
            out.append((text[a:b], ids))
    return out
