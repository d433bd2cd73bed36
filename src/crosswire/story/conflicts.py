"""Typed conflicts between the claims of one story, and the differences that are not conflicts.

Takes the story's claim units, their pair scores and their groups (claims that say the same
thing); gives :class:`Finding` records, each a ``records.Conflict`` (or a not-conflict note
with the claimants it shows) plus the units it touches, so the story stage can attach it to
the aligned claim that holds most of them.

Where each kind is looked for:
- ``date``, ``place``, ``certainty``, ``attribution`` (of a claim): between the claims of one
  group, the same happening or statement told by several articles; ``date`` also between
  claims not grouped whose event frames tell one happening (frames.py), firm dates only;
- ``number``: between the figures of one quantity, a cluster of figures of claims that say the
  same thing (or nearly) and count the same kind of thing; figures from different claimants are
  shown as claimants, an earlier figure superseded by a later one as a revision;
- ``quote-wording``, ``attribution`` (of words): between direct quotes that share their words,
  wherever in the articles they sit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz

from ..common import UnionFind, fold, grain, interval
from ..config import AnalysisConfig
from ..embed import Embedder
from ..records import (Claimant, Conflict, ConflictSide, FigureRef, Number, Quote, Span, SpanRef,
                       Timex, Update)
from ..nlp.claims import NUMERIC_HEDGES
from . import frames
from .units import (Unit, before, name_words, overlaps, same_source,
                    speaker_key)

# A quote's part that matches a stretch of another quote at least this well (rapidfuzz
# partial ratio) is that stretch, reworded unless contained; below it, words the other
# outlet did not quote. Not tuned.
_PART_RELATED = 75
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A hyphen between two letters ("co-operation"): dropped when quotes' words are compared.
_INNER_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])")

T = TypeVar("T")

# Certainty labels that say the same about truth: stating and confirming are both "as fact";
# "reportedly" and "unconfirmed" both leave it open on others' word.
_STANCE = {"asserted": "as fact", "confirmed": "as fact", "reported": "as reported",
           "unconfirmed": "as reported", "hedged": "hedged", "denied": "denied",
           "did-not-deny": "not denied", "declined-to-confirm": "not confirmed"}
# Characters of a claim before and after a figure that say what it is about.
_CONTEXT_BEFORE, _CONTEXT_AFTER = 40, 60
_DIGITS = re.compile(r"\d[\d,.]*")
# Quotes shorter than this many words must match word for word (or inside a longer one) to be
# one quote: short phrases recur by chance.
_SHORT_QUOTE = 4


@dataclass(slots=True)
class Obs:
    """One side member: a unit and the words in it that carry the disputed value."""

    unit: Unit
    span: Span
    text: str
    value: object = None


@dataclass(slots=True)
class Finding:
    units: tuple[int, ...]
    conflict: Conflict | None = None
    note: str | None = None
    claimants: tuple[Claimant, ...] = field(default_factory=tuple)
    update: Update | None = None
    sides: tuple[tuple[int, ...], ...] = ()  # the units on each side of the conflict
    sources: tuple[str, ...] = ()  # an attribution's source on each side, as named


def find(units: list[Unit], scores: np.ndarray, groups: list[list[int]],
         regions: set[str], config: AnalysisConfig, entity_ids: dict[str, str],
         quotes_by_id: dict[str, Quote], embedder: Embedder,
         places: frozenset[str] = frozenset(),
         people: frozenset[str] = frozenset()) -> list[Finding]:
    """Every finding of one story's units. ``embedder`` encodes the few texts compared by
    meaning (reworded quotes, figures' contexts); ``places``: speaker keys that name places
    (a dateline town or a country the attribution stage took for a speaker), never sources;
    ``people``: the words of the story's person names, never places ("Cincinnati" / "Maynard"
    is a town against the zoo director's name)."""
    findings: list[Finding] = []
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    for members in groups:
        if len(members) < 2:
            continue
        group = [units[i] for i in members]
        findings += _dates(group)
        findings += _tallies(group)
        findings += _places(group, regions, people)
        findings += _certainty(group, scores, config)
    # One happening told in other words (frames.py): its dates, as a group's, but firm ones
    # only: claims not grouped as one often date two steps of it ("in 2012" / "Christmas Day").
    told = [_told(f) for f in findings if f.conflict and f.conflict.kind == "date"]
    dated = [u.index for u in units if u.dates]
    for a, b in frames.same_happenings(units, scores, group_of, config.frame_pair_floor, dated):
        # A clash a group already shows (the same dates in the same articles) is told once.
        findings += [f for f in _dates([a, b], firm=True)
                     if not any(_told(f) <= seen for seen in told)]
    quoted = _quotes(units, config, entity_ids, places)
    for members in groups:
        if len(members) > 1:
            quoted += _reworded([units[i] for i in members], config, entity_ids, embedder)
    findings += quoted
    attributed = {i for f in quoted if f.conflict and f.conflict.kind == "attribution"
                  for i in f.units}
    for members in groups:
        if len(members) > 1 and not attributed & set(members):
            findings += _claim_attribution([units[i] for i in members], config, places)
    # A figure's hedge dropped inside a claim whose certainty already differs is that one
    # change, told once ("are thought to have intercepted about 4,000" / "intercepted 4,000").
    hedged_claims = {i for f in findings if f.conflict and f.conflict.kind == "certainty"
                     for i in f.units}
    findings += [f for f in _numbers(units, scores, group_of, config, entity_ids, embedder)
                 if not (f.conflict and f.conflict.kind == "certainty"
                         and set(f.units) <= hedged_claims)]
    return findings


# --------------------------------------------------------------------------- helpers


def _components(items: Sequence[T], same: Callable[[T, T], bool]) -> list[list[T]]:
    """Connected components of ``items`` under ``same``, in first-seen order."""
    sets: UnionFind[int] = UnionFind(range(len(items)))
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if sets.find(i) != sets.find(j) and same(items[i], items[j]):
                sets.union(i, j)
    return [[items[i] for i in group] for group in sets.groups()]


def _side(observations: Iterable[Obs]) -> ConflictSide:
    obs = sorted(observations, key=lambda o: o.unit.index)
    articles = tuple(dict.fromkeys(o.unit.article_id for o in obs))
    return ConflictSide(article_ids=articles, text=obs[0].text,
                        span_refs=tuple(SpanRef(o.unit.article_id, o.span) for o in obs))


def _finding(kind: str, summary: str, sides: list[list[Obs]]) -> Finding | None:
    """A conflict when two sides each hold an article the other lacks: articles that give
    both values ("two sources told CNN. One source told CNN ...") speak of two things."""
    sides = [s for s in sides if s]
    articles = [{o.unit.article_id for o in s} for s in sides]
    if not any(a - b and b - a for i, a in enumerate(articles) for b in articles[i + 1:]):
        return None
    sides.sort(key=lambda s: (-len({o.unit.article_id for o in s}), min(o.unit.index for o in s)))
    conflict = Conflict(kind=kind, summary=summary,  # type: ignore[arg-type]
                        sides=tuple(_side(s) for s in sides))
    return Finding(units=tuple(sorted({o.unit.index for s in sides for o in s})),
                   conflict=conflict,
                   sides=tuple(tuple(sorted({o.unit.index for o in s})) for s in sides),
                   sources=tuple(str(s[0].value) for s in sides) if kind == "attribution"
                   else ())


def _told(finding: Finding) -> set[tuple[str, str]]:
    """What a conflict says, article by article: (article, the words of its side)."""
    if finding.conflict is None:
        return set()
    return {(article, fold(side.text)) for side in finding.conflict.sides
            for article in side.article_ids}


def _versus(sides: list[list[Obs]]) -> str:
    parts = []
    for side in sides:
        outlets = len({o.unit.article_id for o in side})
        parts.append(f'"{side[0].text}" ({outlets} article{"s" if outlets > 1 else ""})')
    return " vs ".join(parts)


# --------------------------------------------------------------------------- date


def _dates(group: list[Unit], firm: bool = False) -> list[Finding]:
    """Claims of one happening whose dates clash (:func:`date_conflict`); each side is the
    claims giving one of the clashing dates (the same date or the same words). Between
    independent reports, or with ``firm`` between any, only firm dates (:func:`_firm_dates`)
    clash."""
    involved: dict[tuple[int, Span], Obs] = {}
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            if a.article_id == b.article_id or not (a.dates and b.dates) \
                    or (clash := date_clash(a, b)) is None or moved_on(a, b) \
                    or ((firm or a.family != b.family) and not _firm_dates(*clash)):
                continue
            for unit, timex in ((a, clash[0]), (b, clash[1])):
                involved.setdefault((unit.index, timex.span),
                                    Obs(unit, timex.span, timex.text, timex))
    if not involved:
        return []
    sides = _components(list(involved.values()), lambda x, y: _same_date(x.value, y.value))
    for side in sides:
        for obs in side:
            obs.value = obs.value.value  # the TIMEX3 value, as the side's value
    finding = _finding("date", "different dates for the same happening: " + _versus(sides), sides)
    return [finding] if finding else []


_CALENDAR_DAY = re.compile(r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
                           re.IGNORECASE)


def _firm_dates(s: Timex, t: Timex) -> bool:
    """Whether two independent reports' dates are firm enough to dispute: the same precision,
    a day, month or year, a day written as a calendar date (a weekday alone depends on the
    writer's time zone and often names another happening of the story), and neither counted
    back from the writing ("42 years ago" is a round figure)."""
    g = grain(s.value)
    if g != grain(t.value) or g not in ("day", "month", "year"):
        return False
    if any(re.search(r"\bago\b", x.text, re.IGNORECASE) for x in (s, t)):
        return False
    return g != "day" or all(_CALENDAR_DAY.search(x.text) for x in (s, t))


def date_conflict(a: Unit, b: Unit) -> bool:
    """Whether two claims date one happening differently (:func:`date_clash`) and the
    difference is not time passing (:func:`moved_on`)."""
    return date_clash(a, b) is not None and not moved_on(a, b)


_BEFORE_DATE = re.compile(r"(\w+)\W*(?:the\s+)?$")
_YEAR = re.compile(r"\d{4}")


def date_clash(a: Unit, b: Unit) -> tuple[Timex, Timex] | None:
    """The two dates, one of each claim, that cannot be one time, or None.

    Dates that can be one time pair off: overlapping values, or the same words ("Sunday" in
    two articles published on different days means the same Sunday). Of the dates left, a
    claim with one date clashes with the other claim's one date; claims with more need a
    left-over date of the same precision after the same word ("since 2021" / "since 2019"),
    so "served since 2021, quit on Tuesday" and "quit on Tuesday after Monday's vote" do not.
    A date before publication against one after it is two happenings (a past attack and a
    planned upgrade), not a dispute about one."""
    left = [s for s in a.dates if not any(_same_date(s, t) for t in b.dates)]
    right = [t for t in b.dates if not any(_same_date(s, t) for s in a.dates)]
    single = len(a.dates) == 1 and len(b.dates) == 1
    for s in left:
        for t in right:
            if _tense(s, a) * _tense(t, b) < 0:
                continue
            if single or (grain(s.value) == grain(t.value)
                          and _date_frame(s, a) == _date_frame(t, b)):
                return s, t
    return None


def _same_date(s: Timex, t: Timex) -> bool:
    """Whether two dates can be one time: overlapping values, or the same words."""
    return overlaps(interval(s.value), interval(t.value)) or _date_words(s) == _date_words(t)


def _date_words(timex: Timex) -> str:
    words = fold(timex.text).split()
    return " ".join(w for w in words if w not in ("the", "on", "s"))


def _date_frame(timex: Timex, unit: Unit) -> str | None:
    """The word before a date ("since 2021": since), past a "the" ("on the 5th": on); but a
    year after "the" names a thing ("since the 1996 constitution": the constitution of 1996,
    not when the claim's happening began), so its frame is "the"."""
    before_date = unit.claim.text[:timex.span[0] - unit.claim.span[0]]
    if _YEAR.fullmatch(timex.text.strip()) and re.search(r"\bthe\s+$", before_date, re.I):
        return "the"
    match = _BEFORE_DATE.search(before_date)
    return match.group(1).lower() if match else None


def _tense(timex: Timex, unit: Unit) -> int:
    """-1 when the date lies before the article's publication, 1 when after, 0 otherwise."""
    when, published = interval(timex.value), interval(unit.published)
    return -1 if before(when, published) else 1 if before(published, when) else 0


def moved_on(a: Unit, b: Unit) -> bool:
    """Whether two claims give different figures at different dates, the later one in an
    article published later: a count updated by a later report ("12 missing on Monday",
    "20 missing on Wednesday"), not two dates for one happening."""
    if not (a.numbers and b.numbers) or any(_same_value(n.value, m.value)
                                            for n in a.numbers for m in b.numbers):
        return False
    # The latest date each claim reaches: "340 since Monday night's attack, the director said
    # on Thursday" is later than "120 on Tuesday", though its attack came first.
    span_a, span_b = _extent(a), _extent(b)
    last_a = (span_a[1], span_a[1]) if span_a else None
    last_b = (span_b[1], span_b[1]) if span_b else None
    published_a, published_b = interval(a.published), interval(b.published)
    return (before(last_a, last_b) and before(published_a, published_b)) or \
        (before(last_b, last_a) and before(published_b, published_a))


def _extent(unit: Unit) -> tuple[date, date] | None:
    spans = [s for s in (interval(t.value) for t in unit.dates) if s is not None]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


# --------------------------------------------------------------------------- tallies


def _tallies(group: list[Unit]) -> list[Finding]:
    """Claims of one happening giving different lengths of time ("for 22 years" / "28 years"),
    vote splits ("7-2" / "6-3") or ages of the same someone ("a 3-year-old boy" / "a
    4-year-old boy") where each claim gives one of that kind: a number conflict the figure
    extractor, which leaves durations, scores and ages out, cannot see. Each set of clashing
    tallies is its own conflict."""
    involved: dict[tuple[int, Span], Obs] = {}
    clashes: set[frozenset[tuple[int, Span]]] = set()
    counted = [u for u in group if u.tallies]
    for i, a in enumerate(counted):
        for b in counted[i + 1:]:
            if a.article_id == b.article_id:
                continue
            for key in {t.key for t in a.tallies} & {t.key for t in b.tallies}:
                mine = [t for t in a.tallies if t.key == key]
                theirs = [t for t in b.tallies if t.key == key]
                if len(mine) == len(theirs) == 1 and mine[0].value != theirs[0].value:
                    for unit, tally in ((a, mine[0]), (b, theirs[0])):
                        involved.setdefault((unit.index, tally.span), Obs(
                            unit, tally.span, tally.text, (tally.key, tally.value)))
                    clashes.add(frozenset(((a.index, mine[0].span), (b.index, theirs[0].span))))
    findings = []
    for disputed in _components(list(involved.values()), lambda x, y: x.value == y.value or
                                frozenset(((x.unit.index, x.span), (y.unit.index, y.span)))
                                in clashes):
        sides = _components(disputed, lambda x, y: x.value == y.value)
        finding = _finding("number", "different figures for the same count: " + _versus(sides),
                           sides)
        if finding:
            findings.append(finding)
    return findings


# --------------------------------------------------------------------------- place


def _places(group: list[Unit], regions: set[str],
            people: frozenset[str] = frozenset()) -> list[Finding]:
    """Two claims of one happening naming different places in the same role ("in Dravik" /
    "in Ulmstead"): neither place is named in the other claim, neither is a region that could
    contain the other, they share no word ("Tarn valley" / "Tarn River"), and the same
    locative word introduces both."""
    pairs: list[tuple[Obs, Obs]] = []
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            text_a, text_b = a.claim.text.lower(), b.claim.text.lower()
            for p in a.places:
                if p.key in text_b or (p.key and set(p.key.split()) <= people):
                    continue
                for q in b.places:
                    # A region may hold the other place; two regions (two countries) do not.
                    if (p.key in regions) != (q.key in regions) or q.key in text_a \
                            or (q.key and set(q.key.split()) <= people) \
                            or p.frame is None \
                            or p.frame != q.frame or set(p.key.split()) & set(q.key.split()):
                        continue
                    pairs.append((Obs(a, p.span, p.text, p.key), Obs(b, q.span, q.text, q.key)))
    if not pairs:
        return []
    # Claims naming the disputed place the same way join its side ("in Dravik" elsewhere).
    involved: dict[tuple[int, str], Obs] = {}
    for left, right in pairs:
        for obs in (left, right):
            involved.setdefault((obs.unit.index, str(obs.value)), obs)
    values = {str(o.value) for o in involved.values()}
    for unit in group:
        for place in unit.places:
            if place.key in values:
                involved.setdefault((unit.index, place.key), Obs(unit, place.span, place.text,
                                                                 place.key))
    sides = _components(list(involved.values()), lambda x, y: x.value == y.value)
    finding = _finding("place", "different places for the same happening: " + _versus(sides),
                       sides)
    return [finding] if finding else []


# --------------------------------------------------------------------------- certainty


def stance(unit: Unit) -> str:
    """How firmly the claim is put; a hedge that is only a rounded figure ("about 300") is a
    matter for the figure, not for the claim."""
    label = unit.claim.certainty or "asserted"
    cue = (unit.claim.certainty_cue or "").lower()
    if label == "hedged" and cue in NUMERIC_HEDGES:
        label = "asserted"
    return _STANCE.get(label, "as fact")


def _certainty(group: list[Unit], scores: np.ndarray, config: AnalysisConfig) -> list[Finding]:
    """One claim put with different certainty. Claims a copy or rewrite took from its parent
    are one claim by lineage; between independent reports the two claims must say nearly the
    same (``align_certainty_independent``): two outlets' sentences grouped as one fact often
    state different things, and a hedge in one is no dispute about the other."""
    firm = {stance(u) for u in group}
    if len(firm) < 2 or not any(
            stance(a) != stance(b) and a.article_id != b.article_id and (
                a.family == b.family or scores[a.index, b.index] >= config.align_certainty_independent)
            for i, a in enumerate(group) for b in group[i + 1:]):
        return []
    sides: dict[str, list[Obs]] = {}
    for unit in group:
        start, end = unit.claim.span
        cue = unit.claim.certainty_cue
        if cue and stance(unit) != "as fact":
            # From the cue on: "declined to confirm reports that soldiers were at the port".
            offset = unit.claim.text.find(cue)
            start = start + offset if offset >= 0 else start
        sides.setdefault(stance(unit), []).append(
            Obs(unit, (start, end), unit.claim.text[start - unit.claim.span[0]:], stance(unit)))
    if len(sides) < 2:
        return []
    ordered = list(sides.values())
    summary = "put with different certainty: " + " vs ".join(
        f'{s[0].value} ("{s[0].text}")' for s in ordered)
    finding = _finding("certainty", summary, ordered)
    return [finding] if finding else []


# --------------------------------------------------------------------------- attribution


def _said_alike(a: Unit, b: Unit) -> float:
    """Wording similarity (0-1) of two claims once their sources' names are taken out, so
    "Police chief Aldo Venn said X" and "Fire chief Mara Quist said X" are alike."""
    def content(unit: Unit) -> str:
        text = unit.claim.text
        for word in (unit.claim.speaker or "").split():
            text = text.replace(word, " ")
        return fold(text)
    return fuzz.token_sort_ratio(content(a), content(b)) / 100.0


def _one_source(key_a: str | None, name_a: str | None, key_b: str | None,
                name_b: str | None) -> bool:
    """Whether two speakers are one source: their keys say so, or, when the story linked
    them to two entities, their names do ("Hollis" / "Greta Hollis" left apart by the story's
    entity linking are still one person to a reader)."""
    if same_source(key_a, key_b):
        return True
    return bool(name_a and name_b and same_source(" ".join(name_words(name_a)),
                                                  " ".join(name_words(name_b))))


_FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "de", "van", "von", "al", "bin"})


def _named(entity_id: str | None, name: str | None) -> bool:
    """Whether an attribution names its source: an entity the story knows, or a proper name
    ("Lindsey Graham", "Broadcom Ltd"). A description ("the South Carolina senator", "a
    conspiracy theorist") is someone the attribution stage did not resolve: unknown, and an
    unknown source is not a different one."""
    if not name:
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’.-]*", name) if w.lower() not in _FUNCTION_WORDS]
    proper = bool(words) and all(w[0].isupper() for w in words)
    return proper or (entity_id is not None and words[-1:] != [] and words[-1][0].isupper())


def _claim_attribution(group: list[Unit], config: AnalysisConfig,
                       places: frozenset[str] = frozenset()) -> list[Finding]:
    """One statement credited to different sources by claims that say nearly the same."""
    known = [u for u in group if u.speaker and u.speaker not in places
             and _named(u.claim.speaker_id, u.claim.speaker)]
    if len({u.article_id for u in known}) < 2:
        return []
    components = _components(known, lambda a, b: _one_source(
        a.speaker, a.claim.speaker, b.speaker, b.claim.speaker))
    if len(components) < 2:
        return []
    close = any(_said_alike(a, b) >= config.align_attribution_threshold
                for i, ca in enumerate(components) for cb in components[i + 1:]
                for a in ca for b in cb)
    # Different figures from different sources are two claimants, shown as such elsewhere.
    figures = {round(n.value, 6) for u in known for n in u.numbers}
    if not close or len(figures) > len(max((u.numbers for u in known), key=len)):
        return []
    sides = [[Obs(u, u.claim.span, f"{u.claim.speaker}: {u.claim.text}", u.claim.speaker)
              for u in c] for c in components]
    finding = _finding("attribution", "the same claim credited to different sources: "
                       + " vs ".join(s[0].unit.claim.speaker or "?" for s in sides), sides)
    return [finding] if finding else []


# --------------------------------------------------------------------------- quotes


def _quotes(units: list[Unit], config: AnalysisConfig, entity_ids: dict[str, str],
            places: frozenset[str] = frozenset()) -> list[Finding]:
    """Direct quotes that share their words, across articles: reworded inside the marks
    (quote-wording) or credited to different speakers (attribution)."""
    entries: list[tuple[Quote, Unit, str]] = []
    seen: set[str] = set()
    for unit in units:
        for quote in unit.quotes:
            if quote.id not in seen:
                seen.add(quote.id)
                entries.append((quote, unit, _quote_key(quote.text)))
    threshold = config.align_quote_similarity

    def one_quote(a: tuple[Quote, Unit, str], b: tuple[Quote, Unit, str]) -> bool:
        if a[1].article_id == b[1].article_id or not a[2] or not b[2]:
            return False
        return _contains(a[2], b[2]) or (
            min(len(a[2].split()), len(b[2].split())) >= _SHORT_QUOTE
            and fuzz.ratio(a[2], b[2]) >= threshold)

    findings: list[Finding] = []
    for cluster in _components(entries, one_quote):
        if len({u.article_id for _, u, _ in cluster}) < 2:
            continue
        findings += _quote_findings(cluster, entity_ids, places)
    return findings


def _reworded(group: list[Unit], config: AnalysisConfig, entity_ids: dict[str, str],
              embedder: Embedder) -> list[Finding]:
    """Direct quotes of one speaker in aligned claims whose words differ beyond what
    :func:`_quotes` counts as one wording, yet mean the same: a quote rewritten inside its
    marks ("We will stay as long as they need us" / "We are not leaving until every family has
    somewhere to go")."""
    entries = [(q, u, _quote_key(q.text)) for u in group for q in u.quotes]

    def speakers_differ(x: tuple[Quote, Unit, str], y: tuple[Quote, Unit, str]) -> bool:
        keys = [_quote_speaker(e[0], e[1], entity_ids) for e in (x, y)]
        return bool(keys[0] and keys[1]) and not _one_source(
            keys[0], x[0].speaker or x[1].claim.speaker, keys[1], y[0].speaker or y[1].claim.speaker)

    pairs = [(x, y) for i, x in enumerate(entries) for y in entries[i + 1:]
             if x[1].article_id != y[1].article_id and x[2] and y[2] and x[2] != y[2]
             and not _contains(x[2], y[2])
             and not (_parts_agree(x[0], y[2]) or _parts_agree(y[0], x[2]))
             and fuzz.ratio(x[2], y[2]) < config.align_quote_similarity
             and not speakers_differ(x, y)]
    if not pairs:
        return []
    texts = list(dict.fromkeys(e[0].text for pair in pairs for e in pair))
    vectors = dict(zip(texts, embedder.encode(texts)))
    involved: dict[str, Obs] = {}
    for x, y in pairs:
        if float(vectors[x[0].text] @ vectors[y[0].text]) >= config.align_quote_meaning:
            for q, u, _ in (x, y):
                involved.setdefault(q.id, Obs(u, q.span, q.text, fold(q.text)))
    if not involved:
        return []
    sides = _components(list(involved.values()), lambda a, b: a.value == b.value)
    finding = _finding("quote-wording", "a quote worded differently: " + _versus(sides), sides)
    return [finding] if finding else []


def _quote_key(text: str) -> str:
    """A quote's words as compared for rewording: folded, and a hyphen inside a word
    dropped, since "co-operation" and "cooperation" are one word in two house styles."""
    return fold(_INNER_HYPHEN.sub("", text))


def _parts_agree(quote: Quote, other: str) -> bool:
    """Whether a quote of several parts ("Because they saved that little boy's life," he
    said. "It could have been very bad.") says nothing against another quote's words
    (``other``, as :func:`_quote_key`): each sentence of each part is either among them or
    unrelated to them (the other outlet did not quote it), and one at least is among them."""
    among = 0
    for part in _part_texts(quote):
        for sentence in _SENTENCE_END.split(part):
            key = _quote_key(sentence)
            if not key:
                continue
            if key == other or _contains(key, other):
                among += 1
            elif fuzz.partial_ratio(key, other) >= _PART_RELATED:
                return False  # the same stretch in other words
    return among > 0


def _part_texts(quote: Quote) -> list[str]:
    """A quote's parts as text: ``Quote.text`` joins them with one space, in order."""
    if not quote.parts:
        return [quote.text]
    out, offset = [], 0
    for start, end in sorted(quote.parts):
        out.append(quote.text[offset:offset + end - start])
        offset += end - start + 1
    return out


def _quote_speaker(quote: Quote, unit: Unit, entity_ids: dict[str, str]) -> str | None:
    """The quote's own speaker key, else its claim's."""
    return speaker_key(quote.speaker_id, quote.speaker, entity_ids) or unit.speaker


def _contains(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short.split()) >= 2 and f" {short} " in f" {long} "


def _quote_findings(cluster: list[tuple[Quote, Unit, str]], entity_ids: dict[str, str],
                    places: frozenset[str] = frozenset()) -> list[Finding]:
    out: list[Finding] = []
    speakers = {q.id: _quote_speaker(q, u, entity_ids)
                for q, u, _ in cluster}
    # Words credited to different speakers: only quotes whose own attribution names a source
    # (a quote the attribution stage left without a speaker borrows its sentence's, which is
    # as often the previous speaker: an unknown speaker is not a different one).
    known = [e for e in cluster if _named(e[0].speaker_id, e[0].speaker) and speakers[e[0].id]
             and speakers[e[0].id] not in places]
    by_speaker = _components(known, lambda a, b: _one_source(
        speakers[a[0].id], a[0].speaker or a[1].claim.speaker,
        speakers[b[0].id], b[0].speaker or b[1].claim.speaker))
    if len(by_speaker) >= 2:
        sides = [[Obs(u, q.span, q.text, q.speaker) for q, u, _ in c] for c in by_speaker]
        names = " vs ".join(str(s[0].value) for s in sides)
        finding = _finding("attribution", f'the words "{sides[0][0].text}" credited to '
                           f"different speakers: {names}", sides)
        if finding:
            out.append(finding)
    # Rewording is judged among the quotes of one speaker; with one speaker (or none named)
    # that is the whole cluster.
    for pool in by_speaker if len(by_speaker) > 1 else [cluster]:
        wordings = _components(pool, lambda a, b: a[2] == b[2] or _contains(a[2], b[2])
                               or _parts_agree(a[0], b[2]) or _parts_agree(b[0], a[2]))
        if len(wordings) >= 2:
            sides = [[Obs(u, q.span, q.text) for q, u, _ in w] for w in wordings]
            finding = _finding("quote-wording", "a quote worded differently: " + _versus(sides),
                               sides)
            if finding:
                out.append(finding)
    return out


# --------------------------------------------------------------------------- numbers


def _counted(number: Number) -> str | None:
    """The head word of what a figure counts, singular and lower-case ("residents" -> "resident")."""
    if not number.counts:
        return None
    words = re.findall(r"[a-z]+", number.counts.lower())
    if not words:
        return None
    head = words[-1]
    return head[:-1] if head.endswith("s") and not head.endswith("ss") else head


def _pair_figures(a: Unit, b: Unit, aligned: bool) -> list[tuple[Number, Number, bool]]:
    """Figures of two claims that count the same thing, each pair with whether the pairing
    alone shows it (else the words around the figures must mean the same, :func:`_same_topic`).

    Equal values pair first (shown); then figures counting the same noun, when that noun
    identifies one figure in each claim ("76 deputies voted against, 71 in favour" holds two
    deputy counts: neither pairs by noun), shown when the claims are aligned; then the last
    figure left on each side, if nothing says they count different things, in aligned claims,
    or (shown) in claims of one source family anchored by a figure they share ("three birds on
    Sunday, against 40 last spring" / "three of the birds ... compared with 60")."""
    left, right = list(a.numbers), list(b.numbers)
    pairs: list[tuple[Number, Number, bool]] = []

    def take(n: Number, m: Number, shown: bool) -> None:
        pairs.append((n, m, shown))
        left.remove(n)
        right.remove(m)

    for n in list(left):
        match = next((m for m in right if m.unit == n.unit and _same_value(n.value, m.value)),
                     None)
        if match is not None:
            take(n, match, True)
    anchored = not aligned and bool(pairs) and a.family == b.family
    ambiguous = {h for figures in (a.numbers, b.numbers)
                 for h, k in Counter(_counted(n) for n in figures).items() if k > 1}
    for n in list(left):
        head = _counted(n)
        # Independent reports' different claims count parts of one whole ("all 212
        # passengers" rescued, "31 passengers" taken off by one crew): a noun pairs their
        # figures only when the claims are aligned or one report was made from the other.
        if head is None or head in ambiguous or (not aligned and a.family != b.family):
            continue
        match = next((m for m in right if m.unit == n.unit and _counted(m) == head), None)
        if match is not None:
            take(n, match, aligned)
    if (aligned or anchored) and len(left) == len(right) == 1:
        n, m = left[0], right[0]
        # Counted nouns that differ ("residents" / "people") are one thing told in other words
        # only in a rewrite; two independent reports counting roofs and trees count two things.
        nouns_differ = None not in (_counted(n), _counted(m)) and _counted(n) != _counted(m)
        if n.unit == m.unit and _counted(n) not in ambiguous and _counted(m) not in ambiguous \
                and (a.family == b.family or not nouns_differ):
            take(n, m, anchored)
    return pairs


def figure_context(number: Number, unit: Unit) -> str:
    """The words around a figure inside its claim, digits masked, for comparing what two
    figures are said about ("# residents had been evacuated to" / "# people had been moved").
    The window stops at the claim's other figures: in "a $# per share offer included $# in
    cash and $# in stock" each figure has its own words."""
    start, end = unit.claim.span
    text = unit.claim.text
    left = max(0, number.span[0] - start - _CONTEXT_BEFORE)
    right = min(len(text), number.span[1] - start + _CONTEXT_AFTER)
    for other in unit.numbers:
        if other.span[1] <= number.span[0]:
            left = max(left, other.span[1] - start)
        elif other.span[0] >= number.span[1]:
            right = min(right, other.span[0] - start)
    return _DIGITS.sub("#", text[left:right])


def _numbers(units: list[Unit], scores: np.ndarray, group_of: dict[int, int],
             config: AnalysisConfig, entity_ids: dict[str, str],
             embedder: Embedder) -> list[Finding]:
    owner: dict[str, Unit] = {}
    links: list[tuple[str, str]] = []
    with_numbers = [u for u in units if u.numbers]
    for i, a in enumerate(with_numbers):
        for n in a.numbers:
            owner[n.id] = a
        for b in with_numbers[i + 1:]:
            if a.article_id == b.article_id:
                continue
            aligned = group_of[a.index] == group_of[b.index]
            paired: set[tuple[str, str]] = set()
            if aligned or scores[a.index, b.index] >= config.align_number_threshold:
                for n, m, shown in _pair_figures(a, b, aligned):
                    paired.add((n.id, m.id))
                    if shown or _same_topic(n, a, m, b, config, embedder):
                        links.append((n.id, m.id))
            if not aligned:
                # Claims not grouped as one (about other things, or one thing told in other
                # words) may still give one quantity: an amount in the same unit and of the
                # same size, said of the same thing (its context).
                links += [(n.id, m.id) for n, m in _close_amounts(a, b)
                          if (n.id, m.id) not in paired
                          and _same_topic(n, a, m, b, config, embedder)]
    if not links:
        return []
    numbers = {n.id: n for u in with_numbers for n in u.numbers}
    ids = sorted({i for link in links for i in link})
    linked = {frozenset(link) for link in links}
    clusters = _components(ids, lambda x, y: frozenset((x, y)) in linked)
    findings: list[Finding] = []
    for cluster in clusters:
        figures = [numbers[i] for i in cluster]
        if len({owner[n.id].article_id for n in figures}) >= 2:
            findings += _quantity(figures, owner, entity_ids, linked, config.revision_ratio,
                                  group_of, config.number_clash_ratio)
    return findings


def _close_amounts(a: Unit, b: Unit) -> list[tuple[Number, Number]]:
    """Sums of money of the two claims in one currency within a third of each other: the
    same size of thing, told by two reports. (Shares, rates and counts recur in a story for
    many things: "less than 9%" of the vote and a "12% rise" of prices.)"""
    return [(n, m) for n in a.numbers for m in b.numbers
            if n.unit and n.unit != "%" and n.unit == m.unit and n.value > 0 and m.value > 0
            and min(n.value, m.value) / max(n.value, m.value) >= 2 / 3]


def _same_topic(n: Number, a: Unit, m: Number, b: Unit, config: AnalysisConfig,
                embedder: Embedder) -> bool:
    """Whether two different figures are said about the same thing: their contexts mean the
    same ("76 deputies voted against" and "151 deputies" in "the Assembly's 151 deputies" do
    not, though both count deputies)."""
    vectors = embedder.encode([figure_context(n, a), figure_context(m, b)])
    return float(vectors[0] @ vectors[1]) >= config.align_figure_context


def _claimant(number: Number, unit: Unit, entity_ids: dict[str, str]) -> str | None:
    return speaker_key(number.claimant_id, number.claimant, entity_ids) or unit.speaker


def _quantity(figures: list[Number], owner: dict[str, Unit], entity_ids: dict[str, str],
              linked: set[frozenset[str]], revision_ratio: float = 10.0,
              group_of: dict[int, int] | None = None,
              clash_ratio: float = 3.0) -> list[Finding]:
    """Conflicts and notes among the figures of one quantity (a cluster of paired figures).
    Two figures clash only when they were paired directly, not through a chain of pairs."""
    findings: list[Finding] = []
    claimant = {n.id: _claimant(n, owner[n.id], entity_ids) for n in figures}
    named = {n.id: n.claimant or owner[n.id].claim.speaker for n in figures}
    when = {n.id: interval(n.as_of) for n in figures}

    def others(n: Number, m: Number) -> bool:
        """Two known claimants that are not one source."""
        return bool(claimant[n.id] and claimant[m.id]) and not _one_source(
            claimant[n.id], named[n.id], claimant[m.id], named[m.id])

    def obs(n: Number) -> Obs:
        return Obs(owner[n.id], n.span, n.text, n.value)

    values = _components(figures, lambda a, b: _same_value(a.value, b.value))
    for same in values:
        # One figure, told with and without a rounding word ("about $5 billion" / "$5
        # billion"): between independent reports a rounded figure, not a dispute about how
        # certain the claim is (a hedge on the claim itself is judged by _certainty).
        hedged = [n for n in same if (n.approx or "").lower() in NUMERIC_HEDGES]
        plain = [n for n in same if not n.approx]
        if not (hedged and plain and any(frozenset((n.id, m.id)) in linked
                                         for n in hedged for m in plain)):
            continue
        if any(owner[n.id].family == owner[m.id].family for n in hedged for m in plain):
            # A copy or rewrite that drops or adds its parent's hedge altered the figure.
            sides = [[obs(n) for n in hedged], [obs(n) for n in plain]]
            finding = _finding("certainty", "a figure given with and without a hedge: "
                               + _versus(sides), sides)
            if finding:
                findings.append(finding)
        else:
            findings.append(Finding(
                units=tuple(sorted({owner[n.id].index for n in hedged + plain})),
                note=f'not a conflict: "{hedged[0].text}" and "{plain[0].text}" are one '
                     f"figure, rounded in one of two independent reports"))
    if len(values) == 1:
        return findings

    def superseded(n: Number) -> Number | None:
        """A later figure of the same source that replaces ``n`` (an estimate revised over
        time), unless the two claims disagree on the date of the happening itself. Only a
        report of another source family can revise a figure: a copy or rewrite that changes
        its parent's figure altered it."""
        for m in figures:
            if not _same_value(m.value, n.value) and before(when[n.id], when[m.id]) \
                    and owner[n.id].family != owner[m.id].family and not others(n, m) \
                    and not date_conflict(owner[n.id], owner[m.id]) and revises(n, m):
                return m
        return None

    def revises(n: Number, m: Number) -> bool:
        """Whether ``m`` can be ``n`` told again later: one claim told again (aligned
        claims: "12 people were missing on Monday" / "20 people were missing on Wednesday"),
        the figures paired directly (not through a chain of pairs: an old offer of $70 a
        share and the share price of $63.20 sit in one cluster of a takeover's figures), in
        one unit, within ``revision_ratio`` of each other ("$47 billion" is no revision of
        "$110" a share)."""
        same_claim = group_of is None or \
            group_of.get(owner[n.id].index) == group_of.get(owner[m.id].index)
        return same_claim and frozenset((n.id, m.id)) in linked and n.unit == m.unit \
            and _within(n.value, m.value, revision_ratio)

    current = []
    for n in figures:
        later = superseded(n)
        if later is None:
            current.append(n)
        else:
            findings.append(Finding(
                units=(owner[n.id].index, owner[later.id].index),
                note=f'not a conflict: "{n.text}" (as of {n.as_of}) is an earlier figure, '
                     f'revised to "{later.text}" (as of {later.as_of})',
                update=Update(earlier=_figure(n, owner), later=_figure(later, owner))))
    # Conflicting figures: different values of one source (or of no named source). Within
    # one source family a claim's speaker is not the figure's source unless the figure's own
    # attribution says so ("Shopkeepers in Brenica, a town of 22,000, said ..."): a rewrite
    # that changed the figure changed it, whoever its claim quotes.
    def sources_differ(n: Number, m: Number) -> bool:
        if owner[n.id].family == owner[m.id].family and not (n.claimant and m.claimant):
            return False
        return others(n, m)

    def clash(n: Number, m: Number) -> bool:
        return frozenset((n.id, m.id)) in linked and not _same_value(n.value, m.value) \
            and _within(n.value, m.value, clash_ratio) and not sources_differ(n, m)

    clashing = {x.id for i, n in enumerate(current) for m in current[i + 1:] if clash(n, m)
                for x in (n, m)}
    # One dispute per set of figures that clash with each other directly (with the figures
    # that repeat one of them): a takeover's offers and its share prices are two disputes.
    for disputed in _components([n for n in current if n.id in clashing], lambda a, b: clash(
            a, b) or (_same_value(a.value, b.value) and frozenset((a.id, b.id)) in linked)):
        sides = [[obs(n) for n in side] for side in _components(
            disputed, lambda a, b: _same_value(a.value, b.value))]
        finding = _finding("number", "different figures for the same count: " + _versus(sides),
                           sides)
        if finding:
            findings.append(finding)
    sources = _components([n for n in current if claimant[n.id] and n.id not in clashing],
                          lambda a, b: not others(a, b))
    if len(sources) >= 2 and len({round(n.value, 6) for n in current}) >= 2:
        claimants = tuple(
            Claimant(entity_id=next((c.claimant_id for c in side if c.claimant_id), None),
                     article_ids=tuple(dict.fromkeys(owner[c.id].article_id for c in side)),
                     text=f"{side[0].claimant or owner[side[0].id].claim.speaker}: {side[0].text}")
            for side in sources)
        findings.append(Finding(
            units=tuple(sorted({owner[n.id].index for side in sources for n in side})),
            note="not a conflict: different sources give different figures ("
                 + "; ".join(c.text for c in claimants) + ")",
            claimants=claimants))
    return findings


def _figure(number: Number, owner: dict[str, Unit]) -> FigureRef:
    return FigureRef(owner[number.id].article_id, number.span, number.text, number.as_of)


def _within(a: float, b: float, ratio: float) -> bool:
    """Whether two positive figures are within ``ratio`` of each other."""
    low, high = sorted((abs(a), abs(b)))
    return low > 0 and high / low <= ratio


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
