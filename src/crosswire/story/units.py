"""What alignment needs to know about each claim: its numbers, direct quotes, dates, places
and source, gathered from the article's extractions by span overlap.

Also the small comparisons every conflict kind uses: whether two speaker names are one
source, whether two dates can be the same time, what text of a place is its name.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

from ..common import interval
from ..nlp.numbers import parse_value
from ..records import Claim, Number, ParsedArticle, Quote, Span, Timex

PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
# Words after which a capitalised name is a location ("in Dravik", "port of Valmont").
_LOCATIVE = (r"(in|at|near|outside|inside|from|to|into|across|through|towards?|around|"
             r"(?:port|town|city|village|district|region|province|county|harbou?r|capital) of)")
_PLACE_FRAME = re.compile(
    r"\b" + _LOCATIVE +
    r"\s+(?:(?:the|neighbouring|neighboring|nearby|northern|southern|eastern|western|central|"
    r"coastal|downtown|rural|suburban)\s+)*"
    r"((?:[A-Z][\w'\u2019-]*)(?:\s+[A-Z][\w'\u2019-]*){0,2})")
_STATIC_FRAMES = frozenset({"in", "at", "near", "outside", "inside"})
_NOT_PLACES = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "spring", "summer", "autumn", "winter", "parliament", "court",
    "i", "we", "he", "she", "they", "it", "this", "that", "english", "christmas", "easter",
})
# A capitalised name after "from"/"to" that ends like this is a body, not a place.
_ORGANISATION = re.compile(
    r"\b(?:Ministry|Corps|Board|Party|Council|Agency|Association|Union|Company|Court|Office|"
    r"Department|Service|Police|Army|Navy|Bank|Group|League|Federation|Committee|Commission|"
    r"Authority|Institute|University|Times|Post|News|Herald|Wire|Press|Daily|Radio|Party|"
    r"Alliance|Front|Movement|Inc|Ltd|Corp|Co)\b")
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")
_SPEAKER_NOISE = frozenset({"the", "a", "an", "of", "mr", "mrs", "ms", "dr"})


@dataclass(frozen=True, slots=True)
class Place:
    key: str  # lower-cased name without possessive
    text: str
    span: Span
    frame: str | None  # the preposition or "port of" before it


@dataclass(frozen=True, slots=True)
class Tally:
    """A count written in words other than a figure of something: a length of time ("for 22
    years", key "P-Y"), a split of votes ("a 7-2 decision", key "tally") or an age ("a
    3-year-old boy", key "age-year-boy": the age of whom it is said of)."""

    key: str
    value: tuple[float, ...]
    text: str
    span: Span


# "a 7-2 decision", "voted down 88-79", "by 88 votes to 79"
_TALLY = re.compile(
    r"\b(\d{1,3})\s?[-\u2013]\s?(\d{1,3})\b(?=(?:\s+\w+)?\s+(?:decision|majority|ruling|vote|"
    r"verdict|split|margin|in parliament|in the)\b)|(?<=voted down )(\d{1,3})[-\u2013](\d{1,3})\b"
    r"|\bby (\d{1,3}) votes? to (\d{1,3})\b")
_DIGIT = re.compile(r"\d")
_OLD = re.compile(r"old", re.IGNORECASE)
_DURATION = re.compile(r"^P(\d+(?:\.\d+)?)([YMWD])$")
# "a 3-year-old boy", "the four-year-old child", "a 17-year-old gorilla"
_AGE = re.compile(r"\b(\d{1,3}|[a-z]+(?:-[a-z]+)?)[- ](year|month|week)[- ]old[- ]([a-z]+)\b",
                  re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Unit:
    """One claim of one article, with the facts that fall inside it."""

    index: int
    claim: Claim
    family: int
    numbers: tuple[Number, ...]
    quotes: tuple[Quote, ...]  # direct quotes overlapping the claim
    dates: tuple[Timex, ...]  # DATE/TIME expressions with a calendar value
    places: tuple[Place, ...]
    speaker: str | None  # speaker key: a story entity id or a folded name
    tallies: tuple[Tally, ...] = ()
    published: str | None = None  # the article's publication date
    # The people, bodies and groups the claim names (places apart), as folded names: the
    # participants slot of its event frame (names, not story entity ids, so "European" and
    # "European Union regulators" can be compared as names are, word sets one inside the other).
    participants: frozenset[str] = frozenset()

    @property
    def article_id(self) -> str:
        return self.claim.article_id

    @property
    def span(self) -> Span:
        return self.claim.span


def units_of(members: list[ParsedArticle], families: dict[str, int],
             entity_ids: dict[str, str]) -> list[Unit]:
    """Units of every claim of every member, in article then text order."""
    units: list[Unit] = []
    for parsed in members:
        places = _places(parsed)
        # Filtered once per article, not once per claim.
        direct = [q for q in parsed.quotes if q.kind == "direct"]
        dated = [t for t in parsed.timexes if t.type in ("DATE", "TIME")
                 and interval(t.value) is not None]
        named = sorted((m.span, key) for e in parsed.entities if e.type not in PLACE_TYPES
                       and (key := " ".join(name_words(e.name))) for m in e.mentions)
        starts = [span[0] for span, _ in named]
        for claim in parsed.claims:
            start, end = claim.span
            units.append(Unit(
                index=len(units), claim=claim, family=families[parsed.id],
                numbers=tuple(n for n in parsed.numbers if _within(n.span, start, end)),
                quotes=tuple(q for q in direct if q.span[0] < end and start < q.span[1]),
                dates=tuple(t for t in dated if _within(t.span, start, end)),
                places=tuple(p for p in places if _within(p.span, start, end)),
                speaker=speaker_key(claim.speaker_id, claim.speaker, entity_ids),
                published=parsed.article.published,
                tallies=_tallies(parsed, start, end),
                participants=frozenset(
                    key for span, key in named[bisect.bisect_left(starts, start):
                                               bisect.bisect_left(starts, end)]
                    if span[1] <= end)))
    return units


def _tallies(parsed: ParsedArticle, start: int, end: int) -> tuple[Tally, ...]:
    out = []
    for t in parsed.timexes:
        if t.type == "DURATION" and _within(t.span, start, end) \
                and (m := _DURATION.match(t.value or "")):
            out.append(Tally(f"P-{m[2]}", (float(m[1]),), t.text, t.span))
    text = parsed.article.text
    # Most claims hold neither a figure nor an age: skip their (costlier) searches.
    for m in _TALLY.finditer(text, start, end) if _DIGIT.search(text, start, end) else ():
        numbers = [float(g) for g in m.groups() if g is not None]
        out.append(Tally("tally", tuple(numbers), m.group(0), m.span()))
    for m in _AGE.finditer(text, start, end) if _OLD.search(text, start, end) else ():
        if m[1].lower() not in ("a", "an") and (age := parse_value(m[1])) is not None:
            out.append(Tally(f"age-{m[2].lower()}-{m[3].lower()}", (age,), m.group(0),
                             m.span()))
    return tuple(sorted(out, key=lambda t: t.span))


def _within(span: Span, start: int, end: int) -> bool:
    return start <= span[0] and span[1] <= end


# --------------------------------------------------------------------------- speakers


def speaker_key(entity_id: str | None, name: str | None, entity_ids: dict[str, str]) -> str | None:
    """A key equal for two mentions of one source: the story entity when the story linked it,
    else the folded name (compared loosely by :func:`same_source`)."""
    if entity_id and entity_id in entity_ids:
        return entity_ids[entity_id]
    if name:
        return " ".join(name_words(name))
    return None


def name_words(name: str) -> list[str]:
    words = [_POSSESSIVE.sub("", w.strip(".,\"'\u201c\u201d")).lower() for w in name.split()]
    words = [w for w in words if w and w not in _SPEAKER_NOISE]
    # "Esteria's Transport Ministry": the owner in front is a qualifier, not the source.
    if len(words) > 1 and re.search(r"(?:'s|\u2019s)$", name.split()[0]):
        words = words[1:]
    return words


def same_source(a: str | None, b: str | None) -> bool | None:
    """True/False when both sources are known, None when either is not. Names match when one
    is a part of the other ("Reyes" / "tomas reyes", "ministry" / "transport ministry")."""
    if not a or not b:
        return None
    if a == b:
        return True
    if a.startswith("e_") or b.startswith("e_"):
        return False  # story entities are already linked: different ids, different sources
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


# --------------------------------------------------------------------------- dates


def overlaps(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    return a is not None and b is not None and a[0] <= b[1] and b[0] <= a[1]


def before(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    """Whether all of ``a`` is earlier than all of ``b``."""
    return a is not None and b is not None and a[1] < b[0]


def distance(a: tuple[date, date], b: tuple[date, date]) -> int:
    if overlaps(a, b):
        return 0
    return (b[0] - a[1]).days if a[1] < b[0] else (a[0] - b[1]).days


# --------------------------------------------------------------------------- places


def _places(parsed: ParsedArticle) -> list[Place]:
    """Location names in the article: GPE/LOC/FAC entity mentions (not month or day names the
    tagger took for places), and capitalised names after a locative word ("in Ulmstead",
    "port of Valmont") that no entity claims as a person or a speaking organisation."""
    text = parsed.article.text
    found: dict[Span, Place] = {}
    taken: list[Span] = []
    # Persons, and organisations that speak: places only after "in", "at"... An organisation
    # that never speaks is as often a town the entity stage mistook ("from Tasko").
    speakers = {q.speaker_id for q in parsed.quotes} | {c.speaker_id for c in parsed.claims}
    people: list[Span] = []
    for entity in parsed.entities:
        for mention in entity.mentions:
            if entity.type in PLACE_TYPES:
                if text[mention.span[0]:mention.span[1]].split()[0].lower() not in _NOT_PLACES:
                    found[mention.span] = _place(text, mention.span)
            elif entity.type == "PERSON" or (entity.type == "ORG" and entity.id in speakers):
                people.append(mention.span)
            elif entity.type != "ORG":
                taken.append(mention.span)
    for match in _PLACE_FRAME.finditer(text):
        span = match.span(2)
        name = match.group(2)
        if name.split()[0].lower() in _NOT_PLACES or _ORGANISATION.search(name):
            continue
        if any(s < span[1] and span[0] < e for s, e in [*taken, *found]):
            continue
        # A person's or organisation's name after "in"/"at" is more often an unknown town the
        # entity stage mistook ("in Oldmere"; organisation-like names are already out); after
        # "to" or "from" it is who was spoken to or came from ("spoke to Lund").
        if match.group(1).lower() not in _STATIC_FRAMES \
                and any(s < span[1] and span[0] < e for s, e in people):
            continue
        found[span] = Place(key=_key(name), text=name, span=span,
                            frame=_from_over(text, match.start(1)) or match.group(1).lower())
    return sorted(found.values(), key=lambda p: p.span)


_FRAME_BEFORE = re.compile(r"(?s).*\b" + _LOCATIVE + r"\s+(?:[a-z]+\s+){0,3}$")


def _place(text: str, span: Span) -> Place:
    name = text[span[0]:span[1]]
    before_text = text[max(0, span[0] - 40):span[0]]
    # The nearest locative word (the greedy ".*" skips earlier ones: "work to a contractor
    # in Kaldoria" is "in").
    frame = _FRAME_BEFORE.search(before_text)
    if frame is None:
        return Place(key=_key(name), text=name, span=span, frame=None)
    start = max(0, span[0] - 40) + frame.start(1)
    return Place(key=_key(name), text=name, span=span,
                 frame=_from_over(text, start) or frame.group(1).lower())


def _from_over(text: str, at: int) -> str | None:
    """"from" when the locative word at ``at`` continues it: "from across the Straye valley"
    and "from all over the Corrow valley" both say where people came from."""
    return "from" if re.search(r"\bfrom\s+(?:all\s+)?$", text[max(0, at - 12):at]) else None


def _key(name: str) -> str:
    words = [_POSSESSIVE.sub("", w).lower() for w in name.split()]
    return " ".join(w for w in words if w and w != "the")


def regions(members: list[ParsedArticle]) -> set[str]:
    """Place keys the story's own text shows to contain other places, so "in Veldmark" and "in
    Kessling" are not a dispute: the country after a dateline's comma ("KESSLING, Veldmark"),
    the second of two places joined by a comma ("Kessling, Veldmark"), and an owner of national
    things ("Veldmark's Emergency Ministry", "Esteria's largest port")."""
    keys: set[str] = set()
    for parsed in members:
        text = parsed.article.text
        places = _places(parsed)
        for first, second in zip(places, places[1:]):
            if text[first.span[1]:second.span[0]] == ", ":
                keys.add(second.key)
        for match in _NATIONAL.finditer(text):
            keys.add(match.group(1).lower())
        dateline = parsed.article.dateline or ""
        if "," in dateline:
            keys.update(w.lower() for w in re.findall(r"[A-Z][\w-]+",
                                                      dateline.split(",", 1)[1].split("(")[0]))
        if match := _DATELINE_REGION.match(text):
            keys.add(match.group(1).lower())
    return keys


# "LURRA, Veskland (Eastline Wire) —" at the top of the text, when cleaning left it there.
_DATELINE_REGION = re.compile(r"^[A-Z][A-Z .'-]+,\s+([A-Z][\w-]+)")
_NATIONAL = re.compile(
    r"\b([A-Z][\w-]+)(?:'s|\u2019s)\s+(?:[A-Z][\w-]+\s+)*(?:[Mm]inistry|[Gg]overnment|"
    r"largest|biggest|second|third|fourth|fifth|\w+-largest|\w+-biggest|capital|[Pp]resident|[Pp]rime|[Aa]rmy|[Pp]arliament|national|"
    r"coast|border|waters|economy|[Ff]oreign|[Ii]nterior|[Dd]efen[cs]e|[Cc]oast|[Nn]avy)")
