"""Time expressions: ArticleContext -> tuple[Timex, ...].

Finds every time expression in ``article.text`` with the one-pass grammar of
``timegrammar.py`` and gives it a TIMEX3 type and value, normalised against the article's
publication date (``article.published``):

    DATE      2024-10-28, 2024-W43, 2024-06, 2024-Q3, 2024-SU, 2024, 199 (the 1990s),
              PRESENT_REF / PAST_REF / FUTURE_REF, 2024-W43-WE (a weekend)
    TIME      2025-03-03TEV (Monday evening), 2024-10-28T22:00
    DURATION  P3Y, PT2H, P2W, PXY (a vague "years")
    SET       P1W (every week), XXXX-WXX-1 (every Monday), XXXX-07 (each July)

Relative expressions resolve against the publication date. Where the direction is not in
the words ("on Monday", "in August"), the tense of the governing verb in the spaCy parse
decides: past tense takes the latest such day on or before the publication date, future
tense the next one. The parse is consulted only for those expressions. Expressions relative
to something said before ("the next day", "a year earlier", "the year-ago quarter") resolve
against the last date or quarter the article mentioned, as news reports of results do.

With no publication date, relative values are left unresolved ("XXXX-WXX-1", "XXXX-XX-XX")
and a warning says so: nothing is guessed. ``infer_published`` estimates a missing date from
the text and from the other articles of a story; ``find_timexes`` re-resolves with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median_low

from spacy.tokens import Doc

from ..records import Article, Timex
from .context import ArticleContext
from .timegrammar import (GRAMMAR, MONTHS, NUMBER_WORDS, PARTS_OF_DAY, SEASONS, VAGUE, WEEKDAYS,
                          candidate_starts)

UNRESOLVED_WARNING = ("publication date unknown: {n} relative time expression(s) left unresolved "
                      "(values with X placeholders)")

Result = tuple[str, str | None, bool]  # (type, value, relative to the publication date)


# --------------------------------------------------------------------------- public API


def extract(ctx: ArticleContext) -> tuple[Timex, ...]:
    """The article's time expressions, resolved against ``article.published``."""
    # The analysed text is the article's leading part the doc covers (``ctx.text`` would
    # rebuild it token by token).
    doc = ctx.doc
    text = ctx.article.text[:doc[-1].idx + len(doc[-1].text_with_ws)] if len(doc) else ""
    timexes, unresolved = _find(text, _anchor(ctx.article.published), _Tense(doc))
    if unresolved:
        ctx.warnings.append(UNRESOLVED_WARNING.format(n=unresolved))
    return timexes


def find_timexes(text: str, published: str | None, doc: Doc | None = None) -> tuple[Timex, ...]:
    """Time expressions of ``text`` resolved against ``published`` (ISO date or None).

    ``doc`` (the spaCy parse of ``text``) gives verb tense for "on Monday"-like expressions;
    without it they take the nearest such day. Use it to re-resolve an article once its date
    is inferred (see ``infer_published``)."""
    return _find(text, _anchor(published), _Tense(doc) if doc is not None else None)[0]


def infer_published(article: Article, story_dates: list[str]) -> tuple[str | None, str | None]:
    """A publication date for an article that has none, with its basis.

    Returns ``(article.published, article.published_basis)`` when the date is known.
    Otherwise, in order:
      1. a full date (day, month and year) in the first 200 characters of the text, where
         datelines put it ("VALMONT, March 4, 2025 —"): basis ``"text"``;
      2. the median of ``story_dates``, the known publication dates (ISO) of the other
         articles of the same story: one news cycle, so "on Monday" reads the same: basis
         ``"inferred"``;
      3. the latest full date the text mentions: reports are written on or after what they
         report (a future date in the text makes this too late): basis ``"inferred"``.
    ``(None, None)`` when none applies. The cross-source stage calls this for undated
    articles, then ``find_timexes(article.text, date, doc)`` to resolve their timexes.
    """
    if article.published:
        return article.published, article.published_basis
    full = [(t.span[0], t.value) for t in find_timexes(article.text, None)
            if t.type == "DATE" and t.value and _FULL_DATE.fullmatch(t.value)]
    head = [value for start, value in full if start < 200]
    if head:
        return head[0], "text"
    dates = sorted(d for d in (_anchor(s) for s in story_dates) if d is not None)
    if dates:
        return median_low(dates).isoformat(), "inferred"
    if full:
        return max(value for _, value in full), "inferred"
    return None, None


# --------------------------------------------------------------------------- machinery

_FULL_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _anchor(published: str | None) -> date | None:
    if not published:
        return None
    try:
        anchor = date.fromisoformat(published[:10])
    except ValueError:
        return None
    # Relative values reach a year or two either side; near date.min/max that would overflow.
    return anchor if 1000 <= anchor.year <= 9000 else None


class _Tense:
    """Tense of the verb governing a character span, read from the spaCy parse:

    ``past``, ``future``, ``present``; ``scheduled`` for a present-tense event verb that
    takes the expression directly ("they travel on Saturday": a timetable, so ahead);
    ``prospective`` for an infinitive under a past verb ("agreed on Tuesday to meet on
    Thursday": ahead of the agreement, either side of today); None when no verb governs it.
    """

    __slots__ = ("doc",)

    def __init__(self, doc: Doc):
        self.doc = doc

    def __call__(self, start: int, end: int) -> str | None:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        verb, arcs = _governing_verb(span.root)
        # Gerunds without auxiliaries ("with temperatures returning by the weekend") take
        # their time from the clause they sit in.
        for _ in range(3):
            if verb is None or verb.tag_ != "VBG" or _auxiliaries(verb) or verb.head.i == verb.i:
                break
            above, more = _governing_verb(verb.head)
            if above is None:
                break
            verb, arcs = above, arcs + more + 1
        if verb is None:
            return None
        tense = _verb_tense(verb)
        if tense == "present" and arcs <= 2 and span.root.dep_ in ("npadvmod", "pobj") and \
                verb.tag_ in ("VBZ", "VBP") and verb.lemma_ not in ("be", "have", "do"):
            return "scheduled"
        return tense


def _governing_verb(token):  # noqa: ANN001, ANN202 (spaCy Token)
    """(verb, arcs walked) above a token. A timex hangs off its verb within a few arcs; the
    bound keeps the walk O(1)."""
    for arcs in range(6):
        if token.pos_ in ("VERB", "AUX") or token.tag_ in ("VBD", "VBN", "VBZ", "VBP", "MD"):
            return token, arcs
        if token.head.i == token.i:
            return None, arcs
        token = token.head
    return None, 6


def _auxiliaries(verb) -> list:  # noqa: ANN001 (spaCy Token)
    return [c for c in verb.children if c.dep_ in ("aux", "auxpass")]


# Participles that point ahead of the time they are said at.
_FORWARD_VERBS = {"expect", "schedule", "plan", "forecast", "slate", "predict", "project",
                  "due", "propose", "intend"}
_FUTURE_AUX = {"will", "'ll", "shall", "wo", "would", "could", "may", "might", "can", "should",
               "must", "ca"}


def _verb_tense(verb) -> str | None:  # noqa: ANN001 (spaCy Token)
    aux = _auxiliaries(verb)
    words = {c.lower_ for c in aux}
    if words & _FUTURE_AUX or "going" in words:
        return "future"
    if verb.tag_ == "VB" and "to" in words:
        # "plans to meet Monday", headline "Strike to begin Monday": ahead of the main verb,
        # unless that verb is past ("had been due to expire Friday").
        head = _governing_verb(verb.head)[0] if verb.head.i != verb.i else None
        seen_from_past = head is not None and _verb_tense(head) in ("past", "prospective")
        return "prospective" if seen_from_past else "future"
    past_aux = any(c.tag_ == "VBD" for c in aux)
    if verb.tag_ == "VBN" and verb.lemma_ in _FORWARD_VERBS:
        # "rain expected over the weekend", "talks are scheduled for Monday"; "were due
        # to resume Monday" looks ahead from a past time.
        return "prospective" if past_aux else "future"
    if verb.tag_ == "VBD" or past_aux:
        return "past"
    if verb.tag_ == "VBN":
        return "past" if not words or words & {"has", "have", "had", "'s", "'ve"} else "present"
    if verb.tag_ in ("VBZ", "VBP", "VB", "VBG"):
        return "present"
    return None


@dataclass(slots=True)
class _Env:
    """What normalisation needs beside the match: the anchor, tense, and the references the
    article set so far (last day, last quarter, last year mentioned)."""

    text: str
    anchor: date | None
    tense_of: _Tense | None
    last_day: date | None = None
    last_quarter: tuple[int, int] | None = None
    last_year: int | None = None
    last_month: tuple[int, int] | None = None
    start: int = 0
    end: int = 0
    prep: str | None = None
    tense_at: int = -1
    cached_tense: str | None = None

    def tense(self) -> str | None:
        if self.tense_at != self.start:  # one lookup per expression
            self.tense_at = self.start
            if _REPORTED.search(self.text, max(0, self.start - 40), self.start):
                # "said on Monday it would strike": the parser often hangs the date on the
                # reported clause; in news it dates the saying.
                self.cached_tense = "past"
            else:
                self.cached_tense = self.tense_of(self.start, self.end) if self.tense_of else None
        return self.cached_tense


_STARTING = re.compile(r"\b(?:effective|starting|beginning)\s+(?:on\s+|from\s+)?$", re.I)
# A past reporting verb right before the expression ("said Monday", "announced on Friday").
_REPORTED = re.compile(r"\b(?:said|told|announced|reported|added|stated|confirmed|denied|"
                       r"warned|claimed|insisted|wrote|declared|explained|disclosed|revealed|"
                       r"acknowledged|admitted)\s+(?:(?:on|late|early)\s+)*$", re.I)


def _find(text: str, anchor: date | None, tense: _Tense | None) -> tuple[tuple[Timex, ...], int]:
    env = _Env(text=text, anchor=anchor, tense_of=tense)
    out: list[Timex] = []
    unresolved = 0
    pos = 0
    match = GRAMMAR.match
    for candidate in candidate_starts(text):
        if candidate < pos:
            continue
        m = match(text, candidate)
        if m is None:
            continue
        rule = m.lastgroup
        start = m.start(rule)
        env.start, env.end = start, m.end()
        env.prep = m.group("prep").lower() if m.group("prep") else None
        result = _HANDLERS[rule](_Groups(m, rule), env)  # type: ignore[index]
        if result is None:
            continue  # rejected: other rules may still match from the next word
        kind, value, relative = result
        if relative and anchor is None:
            unresolved += 1
        out.append(Timex(span=(start, m.end()), text=text[start:m.end()], type=kind,  # type: ignore[arg-type]
                         value=value))
        _remember(env, rule, kind, value)
        pos = m.end()
    return tuple(out), unresolved


class _Groups:
    __slots__ = ("m", "prefix")

    def __init__(self, m: re.Match[str], rule: str):
        self.m = m
        self.prefix = rule + "__"

    def __call__(self, name: str) -> str | None:
        value = self.m.group(self.prefix + name)
        return value.lower() if value is not None else None

    def raw(self, name: str) -> str | None:
        return self.m.group(self.prefix + name)

    @property
    def prep(self) -> str | None:
        value = self.m.group("prep")
        return value.lower() if value else None


_DAY_VALUE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_QUARTER_VALUE = re.compile(r"(\d{4})-Q([1-4])")
_MONTH_VALUE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])(?![\dW])")


def _remember(env: _Env, rule: str, kind: str, value: str | None) -> None:
    """Keep the latest reference points for expressions relative to them. Comparisons ("a
    year ago", "the year-ago quarter") are not reference points themselves."""
    if not value or kind == "DURATION" or kind == "SET" or rule in ("ago", "qref"):
        return
    m = _DAY_VALUE.match(value)
    if m:
        try:
            env.last_day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    m = _QUARTER_VALUE.fullmatch(value)
    # A results story compares with the quarter it reports, not one forecast ahead.
    if m and (env.anchor is None or (int(m[1]), int(m[2])) <= _quarter_of(env.anchor)):
        env.last_quarter = (int(m[1]), int(m[2]))
    if value[:4].isdigit():
        env.last_year = int(value[:4])
    m = _MONTH_VALUE.match(value)
    if m:
        env.last_month = (int(m[1]), int(m[2]))


# --------------------------------------------------------------------------- value helpers


def _day(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def _week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    t = year * 12 + month - 1 + k
    return t // 12, t % 12 + 1


def _add_quarters(year: int, q: int, k: int) -> tuple[int, int]:
    t = year * 4 + q - 1 + k
    return t // 4, t % 4 + 1


def _quarter_of(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def _shift_date(d: date, months: int) -> date:
    year, month = _add_months(d.year, d.month, months)
    day = min(d.day, [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return date(year, month, day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _direction(env: _Env, rel: str | None) -> str | None:
    """'past' or 'future' from a modifier, else from the governing verb's tense."""
    if rel in ("last", "past", "previous", "earlier", "early", "late"):
        return "past" if rel in ("last", "past", "previous", "earlier") else _env_tense(env)
    if rel in ("next", "coming", "following", "later", "upcoming"):
        return "future"
    return _env_tense(env)


def _env_tense(env: _Env) -> str | None:
    """'past' or 'future' for the expression at hand: a cue word before it, else the
    governing verb's tense."""
    if env.prep == "since":
        return "past"
    if _STARTING.search(env.text, max(0, env.start - 20), env.start):
        return "future"  # "effective June 1", "starting Monday": when something takes effect
    tense = env.tense()
    if tense == "scheduled":
        return "future"
    return tense if tense in ("past", "future") else None


def _pick(anchor_key: int, candidates: list[tuple[int, object]], direction: str | None,
          strict: bool = False) -> object:
    """The candidate (key, value) nearest the anchor key in the given direction: on or before
    it for 'past', on or after for 'future' (strictly, with ``strict``), else the nearest."""
    if direction == "past":
        ok = [c for c in candidates if c[0] < anchor_key or (c[0] == anchor_key and not strict)]
        if ok:
            return max(ok, key=lambda c: c[0])[1]
    elif direction == "future":
        ok = [c for c in candidates if c[0] > anchor_key or (c[0] == anchor_key and not strict)]
        if ok:
            return min(ok, key=lambda c: c[0])[1]
    return min(candidates, key=lambda c: (abs(c[0] - anchor_key), -c[0]))[1]


def _weekday_direction(env: _Env, rel: str | None) -> str | None:
    """News reports what happened: with no future tense, "Monday" is the latest Monday.
    Seen from a past verb ("agreed to meet on Thursday"), it is the nearest Thursday."""
    return _direction(env, rel) or (None if env.tense() == "prospective" else "past")


def _weekday_date(anchor: date, weekday: int, direction: str | None, strict: bool = False) -> date:
    candidates = [(k, anchor + timedelta(days=k)) for k in range(-7, 8)
                  if (anchor + timedelta(days=k)).isoweekday() == weekday]
    return _pick(0, candidates, direction, strict)  # type: ignore[return-value]


def _month_year(anchor: date, month: int, direction: str | None, strict: bool = False) -> int:
    """The year of a month named without one. "last"/"next" (``strict``) take the nearest
    such month strictly before/after the anchor's. Otherwise the anchor's year, unless the
    month is more than one month on the wrong side: news mostly reports the past, so with
    no tense a month well after the anchor's is last year's ("December", said in January)."""
    if strict:
        key = anchor.year * 12 + anchor.month
        candidates = [(y * 12 + month, y) for y in (anchor.year - 1, anchor.year, anchor.year + 1)]
        return _pick(key, candidates, direction, strict)  # type: ignore[return-value]
    if direction == "future":
        return anchor.year + 1 if month < anchor.month - 1 else anchor.year
    return anchor.year - 1 if month > anchor.month + 1 else anchor.year


def _day_in_year(anchor: date, month: int, day: int, direction: str | None) -> date | None:
    candidates = [(d.toordinal(), d) for y in (anchor.year - 1, anchor.year, anchor.year + 1)
                  if (d := _safe_date(y, month, day)) is not None]
    if not candidates:
        return None
    nearest = min(candidates, key=lambda c: abs(c[0] - anchor.toordinal()))
    # A day within three months of the publication date is that one whatever the tense
    # (tense readings are noisy); further away, the tense picks the side.
    if abs(nearest[0] - anchor.toordinal()) <= 90 or direction is None:
        return nearest[1]
    return _pick(anchor.toordinal(), candidates, direction)  # type: ignore[return-value]


def _season_key(year: int, season: str) -> int:
    return year * 4 + ["SP", "SU", "FA", "WI"].index(season)


def _season_of(d: date) -> tuple[int, str]:
    if d.month == 12:
        return d.year, "WI"
    if d.month <= 2:
        return d.year - 1, "WI"
    return d.year, ["SP", "SP", "SP", "SU", "SU", "SU", "FA", "FA", "FA"][d.month - 3]


def _number(text: str | None) -> float | None:
    """The value of a quantity ("three", "twenty-four", "1,000", "a") or None when vague."""
    if text is None:
        return 1
    t = re.sub(r"\s+", " ", text.lower().strip())
    half = t.endswith(" and a half")
    t = t.removesuffix(" and a half")
    ranged = re.split(r"\s*-\s*(?=\d)|\s+(?:to|or|and)\s+", t)
    if len(ranged) > 1:
        t = ranged[-1]  # a range ("two to six days") is valued by its upper end, as TimeML does
    t = t.replace(",", "").removeprefix("a ").removesuffix(" of")
    if t.endswith(" 1/2"):
        t, half = t[:-4], True
    if t in VAGUE or t.split(" ")[0] in VAGUE:
        return None
    try:
        value = float(t)
    except ValueError:
        parts = re.split(r"[- ]", t)
        if not all(p in NUMBER_WORDS for p in parts):
            return None
        value = sum(NUMBER_WORDS[p] for p in parts) if len(parts) > 1 else NUMBER_WORDS[parts[0]]
        if parts[-1] in ("hundred", "thousand") and len(parts) == 2:
            value = NUMBER_WORDS[parts[0]] * NUMBER_WORDS[parts[1]]
    return value + 0.5 if half else value


_UNIT_CODE = {"second": ("T", "S", 1), "minute": ("T", "M", 1), "hour": ("T", "H", 1),
              "day": ("", "D", 1), "night": ("", "D", 1), "week": ("", "W", 1),
              "weekend": ("", "WE", 1), "fortnight": ("", "W", 2), "month": ("", "M", 1),
              "quarter": ("", "Q", 1), "year": ("", "Y", 1), "decade": ("", "Y", 10),
              "century": ("", "Y", 100), "centurie": ("", "Y", 100), "millennium": ("", "Y", 1000),
              "millennia": ("", "Y", 1000)}


def _unit(text: str) -> str:
    t = text.lower()
    if t in _UNIT_CODE:
        return t
    return t[:-1] if t.endswith("s") and t[:-1] in _UNIT_CODE else t


# A fraction of a unit in the next smaller one: 2.5 years is P2Y6M, 1.5 minutes PT1M30S.
_SMALLER = {("", "Y"): (12, "M", ""), ("", "W"): (7, "D", ""), ("", "D"): (24, "H", "T"),
            ("T", "H"): (60, "M", ""), ("T", "M"): (60, "S", "")}


def _duration(n: float | None, unit: str) -> str:
    time_part, code, factor = _UNIT_CODE[unit]
    if n is None:
        return f"P{time_part}X{code}"
    n = n * factor
    if float(n).is_integer():
        return f"P{time_part}{int(n)}{code}"
    whole = int(n)
    ratio, smaller, to_time = _SMALLER.get((time_part, code), (0, "", ""))
    part = (n - whole) * ratio
    if ratio and float(part).is_integer():
        return f"P{time_part}{f'{whole}{code}' if whole else ''}{to_time}{int(part)}{smaller}"
    return f"P{time_part}{n:g}{code}"


def _clock(text: str) -> str | None:
    """'HH:MM' of a clock time ("10:35 a.m.", "noon", "5 p.m.")."""
    t = text.lower().replace(" ", "")
    if t in ("noon", "midday"):
        return "12:00"
    if t == "midnight":
        return "24:00"
    m = re.match(r"(\d{1,2})(?:[:.](\d\d))?(a|p)?", t.replace("o'clock", ""))
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3] == "p" and hour < 12:
        hour += 12
    elif m[3] == "a" and hour == 12:
        hour = 0
    if hour > 24 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def _year2(text: str, anchor: date | None) -> int:
    """A four-digit year for "'98" (the century that puts it nearest the anchor, else 1900s)."""
    yy = int(text.strip("'"))
    base = anchor.year if anchor else 1999
    options = [c + yy for c in (1900, 2000, 2100)]
    return min(options, key=lambda y: (abs(y - base) if y <= base + 10 else 10_000))


# --------------------------------------------------------------------------- rule handlers


def _h_iso(g: _Groups, env: _Env) -> Result | None:
    if g("y"):
        year, month = int(g("y")), int(g("m"))  # type: ignore[arg-type]
        if g("d") is None:
            return "DATE", _month_value(year, month), False
        d = _safe_date(year, month, int(g("d")))  # type: ignore[arg-type]
        if d is None:
            return None
        if g("hh"):
            return "TIME", f"{_day(d)}T{g('hh')}:{g('mi')}", False
        return "DATE", _day(d), False
    a, b, yy = int(g("a")), int(g("b")), g("yy")  # type: ignore[arg-type]
    year = int(yy) if len(yy) == 4 else _year2(yy, env.anchor)  # type: ignore[arg-type]
    month, day = (a, b) if a <= 12 else (b, a)  # US order unless the first can't be a month
    d = _safe_date(year, month, day)
    return ("DATE", _day(d), False) if d else None


def _dayref(g: _Groups, env: _Env) -> tuple[str, bool] | None:
    """(day value, relative) of the DAYREF part of clockday/dayclock."""
    if g("wd"):
        wd = WEEKDAYS[g("wd")]  # type: ignore[index]
        if env.anchor is None:
            return f"XXXX-WXX-{wd}", True
        return _day(_weekday_date(env.anchor, wd, _weekday_direction(env, None))), True
    if g("rd"):
        if env.anchor is None:
            return "XXXX-XX-XX", True
        shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[g("rd")]  # type: ignore[index]
        return _day(env.anchor + timedelta(days=shift)), True
    month, day = MONTHS[g("mo").rstrip(".")], int(re.match(r"\d+", g("dy"))[0])  # type: ignore[union-attr,index]
    if g("yr"):
        d = _safe_date(int(g("yr")), month, day)  # type: ignore[arg-type]
        return (_day(d), False) if d else None
    if env.anchor is None:
        return f"XXXX-{month:02d}-{day:02d}", True
    d = _day_in_year(env.anchor, month, day, _env_tense(env))
    return (_day(d), True) if d else None


def _h_clockday(g: _Groups, env: _Env) -> Result | None:
    day = _dayref(g, env)
    clock = _clock(g("clock"))  # type: ignore[arg-type]
    if day is None or clock is None:
        return None
    return "TIME", f"{day[0]}T{clock}", day[1]


def _h_md(g: _Groups, env: _Env) -> Result | None:
    month = MONTHS[g("month").rstrip(".")]  # type: ignore[union-attr]
    day = int(re.match(r"\d+", g("day"))[0])  # type: ignore[arg-type,index]
    if g("year"):
        year_text = g("year")
        year = _year2(year_text, env.anchor) if year_text.startswith("'") else int(year_text)  # type: ignore[union-attr]
        d = _safe_date(year, month, day)
        return ("DATE", _day(d), False) if d else None
    if env.anchor is None:
        return ("DATE", f"XXXX-{month:02d}-{day:02d}", True) if day <= 31 else None
    d = _day_in_year(env.anchor, month, day, _env_tense(env))
    return ("DATE", _day(d), True) if d else None


def _h_monthyear(g: _Groups, env: _Env) -> Result | None:
    month = MONTHS[g("month").rstrip(".")]  # type: ignore[union-attr]
    year_text = g("year")
    if year_text is None:  # "June last year"
        if env.anchor is None:
            return "DATE", f"XXXX-{month:02d}", True
        year = env.anchor.year + {"last": -1, "this": 0, "next": 1}[g("rel")]  # type: ignore[index]
        return "DATE", _month_value(year, month), True
    year = _year2(year_text, env.anchor) if year_text.startswith("'") else int(year_text)
    return "DATE", _month_value(year, month), False


def _h_season(g: _Groups, env: _Env) -> Result | None:
    season = SEASONS[g("season")]  # type: ignore[index]
    rel = g("rel")
    if g("year"):
        return "DATE", f"{g('year')}-{season}", False
    if not (rel or g("det") or g("pos") or g.prep in ("in", "during", "by", "until", "since",
                                                       "through", "over", "this", "last")):
        return None  # "winter storm", "prices fall": not a period
    if season == "FA" and not rel and env.text.startswith(" of ", env.end):
        return None  # "the fall of the government"
    if env.anchor is None:
        return "DATE", f"XXXX-{season}", True
    year, current = _season_of(env.anchor)
    key = _season_key(year, current)
    candidates = [(_season_key(y, season), y) for y in (year - 1, year, year + 1)]
    if rel == "this":
        chosen = _pick(key, candidates, None)
    else:
        chosen = _pick(key, candidates, _direction(env, rel), strict=rel in ("last", "next"))
    return "DATE", f"{chosen}-{season}", True


_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
        "4th": 4, "last": 4, "final": 4, "latter": 2}


def _h_part(g: _Groups, env: _Env) -> Result | None:
    if g("qn") or g("hn"):
        kind, n, year_text = ("Q", int(g("qn")), g("yq")) if g("qn") else ("H", int(g("hn")), g("yh"))  # type: ignore[arg-type]
        if year_text:
            return "DATE", f"{year_text}-{kind}{n}", False
        if env.anchor is None:
            return "DATE", f"XXXX-{kind}{n}", True
        return "DATE", f"{env.anchor.year}-{kind}{n}", True
    kind = "Q" if g("kind").startswith("quarter") else "H"  # type: ignore[union-attr]
    n = _ORD[g("ord")]  # type: ignore[index]
    if kind == "H" and n > 2:
        n = 2
    explicit = g("ya") or g("yb")
    if explicit:
        return "DATE", f"{explicit}-{kind}{n}", False
    if env.anchor is None:
        return "DATE", f"XXXX-{kind}{n}", True
    rel = g("rely") or g("relyb")
    year = env.anchor.year
    if rel in ("last", "the previous"):
        year -= 1
    elif rel == "next":
        year += 1
    elif rel in ("the", "that", "the same") and env.last_year:
        year = env.last_year
    elif g("ago"):
        year = (env.last_quarter[0] if env.last_quarter else year) - 1
    elif rel is None:
        # The latest such quarter (half) up to the current one, as results are reported
        # after it ("the fourth quarter" in January is last year's). In the future tense,
        # this year's unless it ended well before ("expects a profit in the first quarter",
        # said in October, is next year's; "will report third-quarter results" is not).
        per_year = 4 if kind == "Q" else 2
        current = (env.anchor.month - 1) * per_year // 12 + 1
        if _env_tense(env) == "future":
            year += n < current - 1
        elif n > current:
            year -= 1
    return "DATE", f"{year}-{kind}{n}", True


def _ref_quarter(env: _Env) -> tuple[int, int]:
    """The quarter a results story is about: the last one named, else the last completed."""
    if env.last_quarter:
        return env.last_quarter
    return _add_quarters(*_quarter_of(env.anchor), -1)  # type: ignore[arg-type]


def _h_qref(g: _Groups, env: _Env) -> Result | None:
    mods = set(re.split(r"\s+", (g("mods") or "").strip())) - {""}
    year_text = g("year")
    bare = not (mods or year_text or env.text[env.start:env.end].lower().startswith("the"))
    if bare and (re.search(r"\b(?:an?|one)\s+$", env.text[max(0, env.start - 5):env.start], re.I)
                 or env.text.startswith(" of", env.end)):
        return None  # "a quarter of the workers": a fraction
    if g("kind") == "period" and not (mods & {"year-earlier", "year-ago", "prior-year", "latest",
                                              "recent", "just-ended", "just-completed"}
                                      or year_text):
        return None
    if env.anchor is None:
        return ("DATE", f"{year_text}-QX" if year_text else "XXXX-QX", not year_text)
    if year_text:  # "the 1988 quarter": the quarter in question, that year; "the 1988 period"
        if g("kind") == "period":
            return "DATE", year_text, False
        return "DATE", f"{year_text}-Q{_ref_quarter(env)[1]}", False
    if mods & {"year-earlier", "year-ago", "prior-year"} or ("comparable" in mods and "year" in
                                                             (g("mods") or "")):
        year, q = _ref_quarter(env)
        return "DATE", f"{year - 1}-Q{q}", True
    if "current" in mods:
        year, q = _quarter_of(env.anchor)
    elif mods & {"next", "coming"}:
        year, q = _add_quarters(*_quarter_of(env.anchor), 1)
    elif "last" in mods and not g.raw("mods"):
        year, q = _add_quarters(*_quarter_of(env.anchor), -1)
    elif mods & {"previous", "prior", "preceding", "past", "last"}:
        year, q = _add_quarters(*_ref_quarter(env), -1)
    else:
        year, q = _ref_quarter(env)
    return "DATE", f"{year}-Q{q}", True


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                  "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
                  "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
                  "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
                  "twentieth": 20, "twenty-first": 21, "twenty-second": 22}


def _h_decade(g: _Groups, env: _Env) -> Result | None:
    if g("cn"):
        cn = g("cn")
        n = _ORDINAL_WORDS.get(cn) or int(re.match(r"\d+", cn)[0])  # type: ignore[arg-type,index]
        return ("DATE", f"{n - 1:02d}", False) if n >= 1 else None
    if g("d4"):
        return "DATE", g("d4")[:3], False  # type: ignore[index]
    digit = int(g("d2")[0]) if g("d2") else _DECADE_WORDS[g("dw")]  # type: ignore[index]
    if g("dw") and not env.text[env.start:env.end].lower().startswith("the"):
        return None
    year = _year2(f"{digit}0", env.anchor)
    return "DATE", str(year)[:3], env.anchor is None


def _easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = _shift_date(date(year, month, 1), 1) - timedelta(days=1)
    return last - timedelta(days=(last.isoweekday() - weekday) % 7)


def _holiday(name: str, year: int) -> date:
    name = re.sub(r"\s+", " ", name.lower())
    fixed = {"christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25),
             "christmas holiday": (12, 25), "christmas holidays": (12, 25),
             "new year's eve": (12, 31), "new year's day": (1, 1), "new year's": (1, 1),
             "independence day": (7, 4), "valentine's day": (2, 14), "halloween": (10, 31),
             "boxing day": (12, 26), "veterans day": (11, 11)}
    if name in fixed:
        return date(year, *fixed[name])
    if name.startswith("thanksgiving"):
        return _nth_weekday(year, 11, 4, 4)
    if name in ("labor day", "labour day"):
        return _nth_weekday(year, 9, 1, 1)
    if name == "memorial day":
        return _nth_weekday(year, 5, 1, -1)
    if name == "election day":
        return _nth_weekday(year, 11, 1, 1) + timedelta(days=1)
    easter = _easter(year)
    return {"good friday": easter - timedelta(days=2),
            "easter monday": easter + timedelta(days=1)}.get(name, easter)


def _h_holiday(g: _Groups, env: _Env) -> Result | None:
    if g("ny"):  # "the new year": the coming one in the second half of a year
        if env.anchor is None:
            return "DATE", "XXXX", True
        return "DATE", f"{env.anchor.year + (env.anchor.month >= 7):04d}", True
    name = g("hol")
    if g("year"):
        return "DATE", _day(_holiday(name, int(g("year")))), False  # type: ignore[arg-type]
    if env.anchor is None:
        return "DATE", "XXXX-XX-XX", True
    rel = g("rel")
    candidates = [(d.toordinal(), d) for y in (env.anchor.year - 1, env.anchor.year,
                                               env.anchor.year + 1)
                  if (d := _holiday(name, y))]  # type: ignore[arg-type]
    if rel == "this":
        chosen = next(d for _, d in candidates if d.year == env.anchor.year)
    else:
        chosen = _pick(env.anchor.toordinal(), candidates, _direction(env, rel),
                       strict=rel in ("last", "next"))
    return "DATE", _day(chosen), True  # type: ignore[arg-type]


_BACK = {"ago", "earlier", "before", "back", "previously", "prior"}


def _h_ago(g: _Groups, env: _Env) -> Result | None:
    if g("ya"):
        unit, n, direction = g("ya"), 1.0, "earlier"
    else:
        unit, direction = _unit(g("unit")), re.sub(r"\s+", " ", g("dir0") or g("dir") or g("dir3"))  # type: ignore[arg-type]
        if g("num") is None and g("pl") is None and not g.raw("unit").lower().endswith("ies"):  # type: ignore[union-attr]
            return None  # "day before", "year earlier" without a quantity
        n = _number(g("num")) if g("num") else None
    back = direction in _BACK
    if n is None:
        return "DATE", "PAST_REF" if back else "FUTURE_REF", False
    if unit in ("second", "minute", "hour") or unit not in _UNIT_CODE:
        return "DURATION", _duration(n, unit), False
    if env.anchor is None:
        masks = {"day": "XXXX-XX-XX", "night": "XXXX-XX-XX", "week": "XXXX-WXX",
                 "weekend": "XXXX-WXX-WE", "fortnight": "XXXX-WXX", "month": "XXXX-XX",
                 "quarter": "XXXX-QX"}
        return "DATE", masks.get(unit, "XXXX"), True
    sign = -1 if back else 1
    relative_to_story = direction in ("earlier", "later", "before", "after")
    base = env.anchor
    if relative_to_story and unit in ("day", "night", "week") and env.last_day:
        base = env.last_day
    k = int(round(n)) * sign
    if unit in ("day", "night"):
        return "DATE", _day(base + timedelta(days=k)), True
    if unit in ("week", "fortnight", "weekend"):
        weeks = k * (2 if unit == "fortnight" else 1)
        value = _week(base + timedelta(weeks=weeks))
        return "DATE", value + ("-WE" if unit == "weekend" else ""), True
    if unit == "month":
        return "DATE", _month_value(*_add_months(base.year, base.month, k)), True
    if unit == "quarter":
        year, q = _add_quarters(*(_ref_quarter(env) if relative_to_story else _quarter_of(base)), k)
        return "DATE", f"{year}-Q{q}", True
    if unit == "year":
        if env.last_quarter and abs(k) == 1:
            # Results stories compare with the same quarter of the year before.
            return "DATE", f"{env.last_quarter[0] + k}-Q{env.last_quarter[1]}", True
        return "DATE", f"{base.year + k:04d}", True
    years = k * _UNIT_CODE[unit][2]
    if unit == "decade":
        return "DATE", f"{base.year + years:04d}"[:3], True
    return "DATE", f"{base.year + years:04d}"[:2], True


# Words after which "daily", "quarterly"... qualify a noun rather than say how often.
_ADJECTIVE_SLOT = re.compile(r"\b(?:the|a|an|its|their|his|her|our|my|your|average|first|"
                             r"initial|regular|usual|normal|latest|'s)\s+$", re.I)

_SET_ADVERBS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y",
                "yearly": "P1Y", "hourly": "PT1H", "nightly": "P1D", "quarterly": "P1Q",
                "biweekly": "P2W", "bi-weekly": "P2W", "fortnightly": "P2W",
                "semiannually": "P6M", "semi-annually": "P6M", "biannually": "P6M",
                "bi-annually": "P6M", "biennially": "P2Y"}


def _h_set(g: _Groups, env: _Env) -> Result | None:
    if g("adv"):
        before = env.text[max(0, env.start - 30):env.start]
        after = env.text[env.end:env.end + 3]
        if g.raw("adv")[0].isupper() and (re.search(r"[A-Z]\w*\s+$", before)  # type: ignore[index]
                                          or re.match(r"\s[A-Z]", after)):
            return None  # a title: "the Harbour Daily News"
        if _ADJECTIVE_SLOT.search(before):
            return None  # "its quarterly dividend": a kind of thing, not a recurrence
        return "SET", _SET_ADVERBS[g("adv")], False  # type: ignore[index]
    if g("per"):
        return "SET", _duration(1, g("per")), False  # type: ignore[arg-type]
    what = re.sub(r"\s+", " ", g("what"))  # type: ignore[arg-type]
    n = _number(g("num")) if g("num") else 1
    if g("other"):
        n = (n or 1) * 2
    if what in WEEKDAYS:
        pod = PARTS_OF_DAY.get(g("pod") or "")
        return "SET", f"XXXX-WXX-{WEEKDAYS[what]}" + (f"T{pod}" if pod else ""), False
    if what.rstrip(".") in MONTHS:
        return "SET", f"XXXX-{MONTHS[what.rstrip('.')]:02d}", False
    if what in SEASONS:
        return "SET", f"XXXX-{SEASONS[what]}", False
    if what in PARTS_OF_DAY:
        return "SET", f"XXXX-XX-XXT{PARTS_OF_DAY[what]}", False
    if what in ("weekday", "business day", "working day", "trading day"):
        return "SET", "P1D", False
    return "SET", _duration(n, _unit(what)), False


def _title_case_use(env: _Env) -> bool:
    """A capitalised time word inside a name ("VOA Today", ABC's "This Week"): capitalised
    mid-sentence, after a capitalised word or an opening quote."""
    text = env.text[env.start:env.end]
    if not text[:1].isupper() or text.isupper():
        return False
    before = env.text[max(0, env.start - 25):env.start]
    if re.search(r"(?:^|[.!?]\s*|[\n])[\"“'‘]*$", before):
        return bool(re.search(r"[\"“]$", before) and " " in text and text.title() == text)
    return bool(re.search(r"[A-Z][\w.'’]*\s+$|[\"“]$", before)) or text.title() == text and " " in text


def _h_relday(g: _Groups, env: _Env) -> Result | None:
    if _title_case_use(env):
        return None
    day, pod = g("day"), g("pod") or g("pod2") or g("pod0")
    if day is None:
        day = {"this": "today", "last": "yesterday"}.get(g("rel"), g("rel"))  # type: ignore[arg-type]
        if g("rel") == "last" and pod != "night":
            day = "yesterday"
    day = re.sub(r"\s+", " ", day)  # type: ignore[arg-type]
    shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
             "the day before yesterday": -2, "the day after tomorrow": 2}[day]
    if day == "tonight":
        pod = "night"
    code = PARTS_OF_DAY.get(pod or "")
    if env.anchor is None:
        return ("TIME", f"XXXX-XX-XXT{code}", True) if code else ("DATE", "XXXX-XX-XX", True)
    value = _day(env.anchor + timedelta(days=shift))
    return ("TIME", f"{value}T{code}", True) if code else ("DATE", value, True)


def _h_relunit(g: _Groups, env: _Env) -> Result | None:
    if g("we"):  # "(over) the weekend": the one before, or the coming one in future tense
        if env.anchor is None:
            return "DATE", "XXXX-WXX-WE", True
        return "DATE", _weekend(env, env.anchor, None), True
    if _title_case_use(env):
        return None
    unit = g("unit") or g("unit3")
    rel = g("rel") or "this"  # "the end of the year": this year
    det = g("det")
    if g("unit3") is None and det and rel in ("past", "last", "next", "coming"):
        if unit in ("morning", "afternoon", "evening", "night"):
            if rel == "next" and env.anchor is not None:  # "the next morning"
                base = (env.last_day or env.anchor) + timedelta(days=1)
                return "TIME", f"{_day(base)}T{PARTS_OF_DAY[unit]}", True
            return None
        return "DURATION", _duration(1, unit), False  # "the past year", "the next week"
    if rel == "this" and det:
        return None  # "the this"
    if env.anchor is None:
        masks = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX", "year": "XXXX",
                 "decade": "XXX", "century": "XX", "day": "XXXX-XX-XX"}
        return ("DATE", masks[unit], True) if unit in masks else (
            "TIME", f"XXXX-XX-XXT{PARTS_OF_DAY[unit]}", True)
    story = rel in ("following", "previous", "preceding", "prior", "same", "that")
    step = {"this": 0, "current": 0, "present": 0, "same": 0, "that": 0, "last": -1, "past": -1,
            "previous": -1, "preceding": -1, "prior": -1, "next": 1, "coming": 1, "upcoming": 1,
            "following": 1}[rel]
    a = env.anchor
    if unit in ("day", "morning", "afternoon", "evening", "night"):
        if not story and rel not in ("this",):
            return None  # "last day" is not a date; "last night" is handled by relday
        base = (env.last_day or a) if story else a
        value = _day(base + timedelta(days=step))
        if unit == "day":
            return "DATE", value, True
        return "TIME", f"{value}T{PARTS_OF_DAY[unit]}", True
    if unit == "week":
        base = (env.last_day or a) if story else a
        return "DATE", _week(base + timedelta(weeks=step)), True
    if unit == "weekend":
        return "DATE", _weekend(env, a, rel), True
    if unit == "month":
        base_month = (env.last_month or (a.year, a.month)) if story else (a.year, a.month)
        return "DATE", _month_value(*_add_months(*base_month, step)), True
    if unit == "year":
        base_year = (env.last_year or a.year) if story else a.year
        return "DATE", f"{base_year + step:04d}", True
    if unit == "decade":
        return "DATE", f"{a.year + 10 * step:04d}"[:3], True
    return "DATE", f"{a.year + 100 * step:04d}"[:2], True  # century


def _weekend(env: _Env, a: date, rel: str | None) -> str:
    """The ISO week of the weekend meant: 'last' is the latest one wholly before the anchor
    day, 'next' the one after the coming one; 'this'/'the' follow the tense."""
    saturday = a - timedelta(days=(a.isoweekday() - 6) % 7)  # latest Saturday <= a
    if rel in ("last", "past", "previous"):
        chosen = saturday - timedelta(weeks=1) if a.isoweekday() in (6, 7) else saturday
    elif rel in ("next", "coming", "following", "upcoming"):
        chosen = saturday + timedelta(weeks=1) if a.isoweekday() in (6, 7) else (
            saturday + timedelta(weeks=1))
    else:
        direction = _weekday_direction(env, None)
        on_weekend = a.isoweekday() in (6, 7)
        if direction is None:  # seen from a past verb: the nearer of the two
            chosen = saturday if on_weekend or a.isoweekday() <= 3 else saturday + timedelta(weeks=1)
        else:
            chosen = saturday if (on_weekend or direction != "future") else (
                saturday + timedelta(weeks=1))
    return _week(chosen) + "-WE"


def _h_weekday(g: _Groups, env: _Env) -> Result | None:
    wd = WEEKDAYS[g("wd")]  # type: ignore[index]
    if g("pl"):
        return "SET", f"XXXX-WXX-{wd}", False
    pod = PARTS_OF_DAY.get(g("pod") or "")
    rel = g("rel")
    if env.anchor is None:
        value = f"XXXX-WXX-{wd}"
        return ("TIME", f"{value}T{pod}", True) if pod else ("DATE", value, True)
    strict = rel in ("last", "next", "past", "previous", "coming", "following")
    if rel == "this":
        monday = env.anchor - timedelta(days=env.anchor.isoweekday() - 1)
        d = monday + timedelta(days=wd - 1)
    elif rel in ("previous", "following") and env.last_day:
        # "the previous Friday": the one before the day the story is at, not before today
        d = _weekday_date(env.last_day, wd, _direction(env, rel), strict=True)
    else:
        d = _weekday_date(env.anchor, wd, _weekday_direction(env, rel), strict)
    value = _day(d)
    return ("TIME", f"{value}T{pod}", True) if pod else ("DATE", value, True)


def _h_month(g: _Groups, env: _Env) -> Result | None:
    name = g("month").rstrip(".")  # type: ignore[union-attr]
    month = MONTHS[name]
    rel, pos = g("rel"), g("pos")
    if name == "may" and not (rel or pos or g.prep):
        return None  # the modal verb "May" opening a sentence
    if env.anchor is None:
        return "DATE", f"XXXX-{month:02d}", True
    if rel == "this":
        year = env.anchor.year
    else:
        direction = _direction(env, rel or (pos if pos in ("earlier", "later") else None))
        year = _month_year(env.anchor, month, direction, strict=rel in ("last", "next", "past",
                                                                         "coming", "previous",
                                                                         "following"))
    return "DATE", _month_value(year, month), True


def _h_theyear(g: _Groups, env: _Env) -> Result | None:
    if g("ended") is not None:
        return "DURATION", "P1Y", False  # "the year ended June 30": a twelve-month period
    if g("ye") and g("ye").startswith("year") and not g("approx") and g.prep not in (  # type: ignore[union-attr]
            "by", "at", "until", "till", "before", "after", "since", "to", "through"):
        return None  # "year-end bonuses": an adjective
    if env.anchor is None:
        return "DATE", "XXXX", True
    return "DATE", f"{env.anchor.year:04d}", True


def _h_spokenyear(g: _Groups, env: _Env) -> Result | None:
    if g("c"):
        yy = g("yy")
        tail = _number(yy.replace("oh", "").strip(" -")) if yy else None  # type: ignore[union-attr]
        if tail is None:
            return None
        return "DATE", f"{(19 if g('c') == 'nineteen' else 20) * 100 + int(tail):04d}", False
    tail = _number(g("yy2")) if g("yy2") else 0
    if tail is None or not (g("yy2") or env.text[env.start:env.end].lower().startswith("the")):
        return None  # a bare "two thousand" is a count
    return "DATE", f"{2000 + int(tail):04d}", False


def _h_pod(g: _Groups, env: _Env) -> Result | None:
    if not (g("the") or g.prep in ("in", "by", "during", "until", "till", "through", "overnight")):
        return None  # "good morning", "night shift"
    if g.prep is None and g("the") and g("pod") in ("night", "evening"):
        return None  # "the night" alone is rarely a time of the story
    code = PARTS_OF_DAY[re.sub(r"\s+", " ", g("pod"))]  # type: ignore[arg-type]
    if env.anchor is None:
        return "TIME", f"XXXX-XX-XXT{code}", True
    return "TIME", f"{_day(env.last_day or env.anchor)}T{code}", True


def _h_year(g: _Groups, env: _Env) -> Result | None:
    year = g("year")
    if not (g("pre") or g("pos") or g.prep):
        after = env.text[env.end:env.end + 20]
        if re.match(r"\s+(?:[a-z]+\s+)?(?:people|persons|workers|men|women|troops|soldiers|"
                    r"jobs|homes|houses|cars|units|shares|tons|tonnes|miles|km|kilometers|metres|"
                    r"meters|feet|barrels|votes|residents|students|employees)\b", after):
            return None  # a count, not a year
    return "DATE", year, False  # type: ignore[return-value]


# A quantity just before "a day"/"a year" makes it a rate: "3 hours a day", "$5 million a
# year", "twice a week" (up to three words between the quantity and the rate).
_RATE = re.compile(r"(?:\d[\d,]*(?:\.\d+)?\s*(?:%|percent|per\s+cent|million|billion)?|\b(?:once|twice|"
                   r"thrice|times))(?:\s+[\w'’-]+){0,3}\s+$", re.I)


def _h_duration(g: _Groups, env: _Env) -> Result | None:
    if g("bare"):
        if not (g.prep in ("for", "in", "over", "within", "after", "during", "across")
                or g("long2")):
            return None  # a bare "years" is a time expression only as "for years", "in years"
        return "DURATION", _duration(None, _unit(g("bare"))), False  # type: ignore[arg-type]
    unit = _unit(g("unit"))  # type: ignore[arg-type]
    num = g("num")
    after = env.text[env.end:env.end + 12]
    if re.match(r"[\s-]+(?:old|of\s+age)\b", after):
        return None  # an age
    if num in ("a", "an", "single") and unit in ("second", "quarter", "night", "half"):
        return None  # "a second time", "a quarter of"
    if unit == "quarter" and re.match(r"\s+of\b", after) and not (g("det") or g("rel")) and (
            num in ("a", "an", "one", "two", "three")):
        return None  # "three quarters of the vote"
    n = _number(num)
    if n is not None and g("half"):
        n += 0.5
    if num == "one" and unit == "day" and not (g.prep or g("det") or g("approx")) and \
            env.tense() == "future":
        return "DATE", "FUTURE_REF", False  # "will one day be": some day
    if num in ("a", "an") and not (g("det") or g("rel") or g("approx")) and \
            _RATE.search(env.text, max(0, env.start - 40), env.start):
        return "SET", _duration(1, unit), False  # "1.2 million crowns a day", "twice a week"
    return "DURATION", _duration(n, unit), False


def _h_ref(g: _Groups, env: _Env) -> Result | None:
    if g("present"):
        return "DATE", "PRESENT_REF", False
    if g("past"):
        return "DATE", "PAST_REF", False
    if g("future") == "future" and g.prep not in ("in", "for", "into"):
        return None  # the adjective "future plans"
    return "DATE", "FUTURE_REF", False


def _h_clock(g: _Groups, env: _Env) -> Result | None:
    if g("h"):
        hour = int(g("h"))  # type: ignore[arg-type]
        if g("pod") in ("afternoon", "evening") and hour < 12:
            hour += 12
        clock: str | None = f"{hour:02d}:00"
    else:
        clock = _clock(g("clock"))  # type: ignore[arg-type]
    if clock is None:
        return None
    if env.anchor is None:
        return "TIME", f"XXXX-XX-XXT{clock}", True
    return "TIME", f"{_day(env.anchor)}T{clock}", True


_HANDLERS = {
    "iso": _h_iso, "clockday": _h_clockday, "dayclock": _h_clockday, "mdy": _h_md,
    "dmy": _h_md, "monthyear": _h_monthyear, "season": _h_season, "part": _h_part,
    "qref": _h_qref, "decade": _h_decade, "holiday": _h_holiday, "ago": _h_ago, "set": _h_set,
    "relday": _h_relday, "relunit": _h_relunit, "weekday": _h_weekday, "month": _h_month,
    "year": _h_year, "duration": _h_duration, "ref": _h_ref, "clock": _h_clock,
    "theyear": _h_theyear, "spokenyear": _h_spokenyear, "pod": _h_pod,
}
