"""Numeric claims: every figure an article states, with its value, hedge, unit, what it
counts, who claims it and when it holds.

Takes the article context (text, spaCy parse, timexes, quotes and entities found before) and
gives ``Number`` records. Figures are found by one precompiled regular expression over the
text (digits, number words, fractions, "a dozen", "half a million", currency and percent
forms); the parse then supplies what is counted (the noun the figure modifies, with its
modifiers) and who says so (the speaker of a quote around it, else the subject of a
reporting verb above it, else "according to X"). Figures that are not claims are skipped:
dates, times and years, ages, phone numbers, page numbers, scores and numbers used as names
("Pier 4").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ..records import Entity, Number, Quote, Span, Timex, content_id
from .context import ArticleContext

# --------------------------------------------------------------------------- the pattern

_UNITS = ("zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
          "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen")
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SCALES = "hundred|thousand|million|billion|trillion"
_WORD = rf"(?:(?:{_TENS})(?:-(?:{_UNITS}))?|(?:{_UNITS}))\b"
_WORDNUM = rf"{_WORD}(?:(?:\s+|-)(?:and\s+)?(?:(?:{_SCALES})\b|{_WORD})){{0,6}}(?:\s+dozen\b)?"
_FRACTION_WORD = r"(?:halves|half|thirds?|quarters?|fifths?|sixths?|eighths?|tenths?)\b"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_DIGIT_FRACTION = r"\d+(?:-|\s+|\s+and\s+)\d+/\d+(?!/\d)|\d+/\d+(?!/\d)|\d*[½¼¾⅓⅔]"
_CURRENCY_PREFIX = r"(?:(?:US|A|C|NZ|HK|S)?[$€£¥₹]\s?|(?:USD|EUR|GBP|JPY|CHF)\s?)"
_NUMBER = rf"""
    (?<![\w.,/:$€£¥₹-])
    (?P<cur>{_CURRENCY_PREFIX})?
    (?P<num>
        (?:half\s+a|a\s+quarter(?:\s+of)?\s+a)\s+(?:(?:{_SCALES})\b|dozen\b)
      | half\b(?=\s+(?:of|the)\b)
      | (?:{_WORD}|a|one)[\s-]+{_FRACTION_WORD}
      | a\s+(?:(?:{_SCALES})\b|dozen\b)
      | (?:{_DIGIT_FRACTION}|{_DIGITS})(?:[\s-]*(?:(?:{_SCALES})\b|dozen\b))?(?:(?:mn|bn|tn|m|k)\b)?
      | {_WORDNUM}
    )
    (?P<pct>\s?%|\s+per\s?cent\b|\s+percent\b)?
    (?P<post>\s+or\s+(?:more|so)\b|-plus\b|\+(?![\d\w]))?
    (?![\w/]|[.,]\d)
"""
NUMBER_RE = re.compile(_NUMBER, re.IGNORECASE | re.VERBOSE)

# Hedges as written before a figure, longest first so "more than" wins over "more".
HEDGES = (
    "no fewer than", "no more than", "not more than", "as many as", "as much as",
    "as few as", "as little as", "in excess of", "upwards of", "an estimated", "just over",
    "just under", "just below", "well over", "well above", "more than", "fewer than",
    "less than", "close to", "at least", "at most", "approximately", "estimated", "roughly",
    "nearly", "almost", "around", "about", "some", "over", "under", "below", "above", "up to",
    "circa", "approx.", "barely",
)
_PREPOSITIONS = frozenset({"about", "over", "under", "around", "above", "below"})
_HEDGE_BEFORE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(h) for h in HEDGES)
                           + r")\s+$", re.IGNORECASE)

# Spans that look numeric but are not claims: times, phone numbers, dates in digits, ages,
# page references, scores, ordinals, list markers.
_NOT_CLAIMS = re.compile(r"""
    \b\d{1,2}:\d{2}\b                                           # 10:30
  | \b\d{1,2}(?:[.:]\d{2})?\s*(?:[ap]\.m\.|[ap]m\b|o'clock\b)     # 10 a.m., 9.15 pm
  | \+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,5}                      # +44 20 7946 0958
  | \(?\b\d{3}\)?[\s.-]\d{3,4}[\s.-]\d{4}\b                    # (555) 013-4567
  | \b\d{3}-\d{4}\b                                             # 555-0134
  | \b\d{1,4}([/.-])\d{1,2}\1\d{1,4}\b                          # 12/03/2025, 2025-03-03
  | \b(?:aged?|ages)\s+\d{1,3}\b                                # aged 54
  | \b\d{1,3}[-\s]years?[-\s]old\b                              # 54-year-old
  | (?<=[A-Za-z],\ )\d{1,3}(?=,)                                # Jan Novak, 54, said
  | (?<=[A-Za-z]\ )\(\d{1,3}\)                                  # Jan Novak (54)
  | (?:\b(?:pages?|pp?\.|nos?\.)|\#)\s*\d+(?:\s*[-–]\s*\d+)?    # page 12, No. 5, #3
  | \b\d+(?:st|nd|rd|th)\b                                      # 3rd
  | (?<![\d/])\b\d{1,2}\s*[-–]\s*\d{1,2}\b(?![-/\d]|\s*(?:%|per|[a-z]+s\b))  # 3-1 scores
  | ^\s*\d{1,2}[.)](?=\s)                                       # list markers
""", re.IGNORECASE | re.VERBOSE | re.MULTILINE)

_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")

_SMALL = {w: i for i, w in enumerate(_UNITS.split("|"))}
_SMALL.update({w: 20 + 10 * i for i, w in enumerate(_TENS.split("|"))})
_SCALE_VALUES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9,
                 "trillion": 1e12, "dozen": 12.0}
_ABBREVIATED_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "quarter": 4, "fifth": 5, "sixth": 6,
              "eighth": 8, "tenth": 10}
_GLYPHS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}

_SYMBOL_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODE_CURRENCIES = {"usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "chf": "CHF",
                    "us$": "USD", "a$": "AUD", "c$": "CAD", "nz$": "NZD", "hk$": "HKD",
                    "s$": "SGD"}
# Currency nouns after a figure. Unknown currencies (a fictional "crown") keep their name.
_CURRENCY_NOUNS = {"dollar": "USD", "euro": "EUR", "pound": "GBP", "yen": "JPY",
                   "franc": "CHF", "rupee": "INR", "crown": "crown", "krone": "krone",
                   "krona": "krona", "kroner": "krone", "kronor": "krona", "mark": "mark",
                   "peso": "peso", "real": "real", "rand": "rand", "lira": "lira",
                   "ruble": "ruble", "rouble": "ruble", "zloty": "zloty", "forint": "forint",
                   "shilling": "shilling", "dinar": "dinar", "dirham": "dirham",
                   "ducat": "ducat", "florin": "florin", "guilder": "guilder",
                   "thaler": "thaler"}
# Measures after a figure become its unit ("a 2-1/2-metre rise").
MEASURES = {m: m for m in (
    "metre", "meter", "kilometre", "kilometer", "centimetre", "millimetre", "mile", "foot",
    "feet", "inch", "yard", "tonne", "ton", "kilogram", "kilo", "gram", "pound", "litre",
    "liter", "gallon", "barrel", "hectare", "acre", "degree", "knot", "megawatt", "kilowatt",
    "gigawatt", "volt", "km", "kg", "cm", "mm", "mph", "kph")}
MEASURES.update({"feet": "foot", "meter": "metre", "kilometer": "kilometre", "liter": "litre"})
# Durations are time expressions, not counts of anything.
_TIME_UNITS = frozenset({"second", "minute", "hour", "day", "night", "week", "fortnight",
                         "month", "year", "decade", "century", "weekend", "season",
                         "time"})  # "three times": a multiplier or a frequency
# Nouns that stand for a quantity, so "the number of X ... at 500" counts X.
_QUANTITY_NOUNS = frozenset({"number", "figure", "total", "count", "tally", "toll", "estimate"})
# Verbs whose subject vouches for a figure in the clause below them.
CLAIM_VERBS = frozenset({
    "say", "tell", "add", "state", "announce", "report", "confirm", "estimate", "claim",
    "put", "count", "record", "tally", "show", "reveal", "insist", "note", "write", "warn",
    "calculate", "find", "register", "acknowledge", "admit", "believe", "expect", "predict",
    "forecast", "suggest", "indicate", "publish", "release", "list", "declare", "explain",
})
_PRONOUNS = frozenset({"it", "they", "he", "she", "we", "i", "you", "this", "that", "who",
                       "which"})
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "nummod", "quantmod", "poss", "npadvmod",
                            "advmod", "case", "hmod", "hyph", "punct", "nn"})
_MAX_PHRASE_TOKENS = 8


# --------------------------------------------------------------------------- values


def parse_value(text: str) -> float | None:
    """The value of a figure as written ("2-1/2", "1.5 million", "a dozen", "three-quarters",
    "half a million", "4.2bn"), or None when it is not a number."""
    words = text.lower().replace(",", "").replace("\u2009", "")
    words = re.sub(r"(?<=\d)(mn|bn|tn|m|k)\b", r" \1", words)
    tokens = [t for t in re.split(r"[\s-]+", words) if t and t != "and"]
    if not tokens:
        return None
    total = 0.0
    current: float | None = None
    fraction_base: float | None = None  # "three" in "three quarters"
    for tok in tokens:
        if tok in ("a", "an") and fraction_base is not None:
            continue  # the article in "half a million", "a quarter of a million"
        if tok in ("a", "an", "one") and current is None:
            current = 1.0
            continue
        if tok == "of":
            continue
        number = _digit_value(tok)
        if number is not None:
            # "2 1/2" and "2-1/2" add up; anything else starts the figure
            current = number if current is None else current + number
            continue
        if tok in _SMALL:
            current = (current or 0.0) + _SMALL[tok]
            continue
        if tok in _FRACTIONS or tok.rstrip("s") in _FRACTIONS:
            base = _FRACTIONS.get(tok, _FRACTIONS.get(tok.rstrip("s"), 2))
            fraction_base = (current if current is not None else 1.0) / base
            current = None
            continue
        scale = _SCALE_VALUES.get(tok) or _ABBREVIATED_SCALES.get(tok)
        if scale is not None:
            if fraction_base is not None and current is None:
                current, fraction_base = fraction_base, None
            current = (current if current is not None else 1.0) * scale
            if scale >= 1000:
                total += current
                current = None
            continue
        return None
    if fraction_base is not None:
        total += fraction_base
    return total + (current or 0.0)


def _digit_value(token: str) -> float | None:
    mixed = re.fullmatch(r"(\d+)/(\d+)", token)
    if mixed:
        den = float(mixed.group(2))
        return float(mixed.group(1)) / den if den else None
    if token and token[-1] in _GLYPHS:
        head = token[:-1]
        return (float(head) if head else 0.0) + _GLYPHS[token[-1]]
    try:
        return float(token)
    except ValueError:
        return None


# --------------------------------------------------------------------------- shared lookups


class SpanIndex:
    """Sorted (start, end, item) intervals answering "what covers or overlaps this span"."""

    def __init__(self, items: Iterable[tuple[int, int, object]]):
        self.items = sorted(items, key=lambda x: (x[0], x[1]))
        self.starts = [s for s, _, _ in self.items]
        # The longest interval bounds how far back an overlapping interval can start.
        self.widest = max((e - s for s, e, _ in self.items), default=0)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, object]]:
        lo = bisect.bisect_left(self.starts, start - self.widest)
        hi = bisect.bisect_left(self.starts, end)
        return [it for it in self.items[lo:hi] if it[1] > start and it[0] < end]

    def covering(self, start: int, end: int) -> list[tuple[int, int, object]]:
        return [it for it in self.overlapping(start, end) if it[0] <= start and it[1] >= end]


def entity_index(entities: Sequence[Entity]) -> SpanIndex:
    return SpanIndex((m.span[0], m.span[1], e) for e in entities for m in e.mentions)


def entity_at(index: SpanIndex, head: Token) -> Entity | None:
    """The entity a phrase names: the one with a mention holding the phrase's head word.
    ("the Arvenian coast guard" is not Arvenia; "Veldmark's Foreign Ministry" is the
    ministry, not Veldmark.) An apposition counts: "its chief executive, Annika Deverel"."""
    for word in (head, *(c for c in head.rights if c.dep_ == "appos")):
        found = index.overlapping(word.idx, word.idx + len(word))
        if found:
            return found[0][2]  # type: ignore[return-value]
    return None


def noun_phrase(head: Token) -> tuple[int, int]:
    """Token bounds [i, j) of the phrase a noun heads: its left modifiers (no determiner),
    the noun, and an "of"-phrase after it ("the crew of the trawler Maren")."""
    left = head.i
    for child in head.lefts:
        if child.dep_ in _MODIFIER_DEPS:
            left = min(left, child.left_edge.i)
    while left < head.i and head.doc[left].dep_ in ("det", "predet", "punct", "cc"):
        left += 1
    right = head.i + 1
    for child in head.rights:
        if child.dep_ in ("compound", "appos") and child.i == right:
            right = child.right_edge.i + 1
        elif child.dep_ == "prep" and child.lower_ == "of" and child.i == right:
            right = child.right_edge.i + 1
            break
        else:
            break
    if right - left > _MAX_PHRASE_TOKENS:
        left = max(left, head.i - _MAX_PHRASE_TOKENS + 1)
        right = min(right, left + _MAX_PHRASE_TOKENS)
    return left, right


def phrase_text(doc: Doc, i: int, j: int) -> str | None:
    text = doc[i:j].text
    if "(" in text and ")" not in text:
        text = text[:text.index("(")]  # "Workers (FTBW" cut by the parse
    text = text.strip(" ,;:-\u2014\u2013\"'\u201c\u201d\u2018\u2019")
    return text or None


def clause_verb(token: Token) -> Token | None:
    """The nearest verb at or above ``token`` (the head of its clause)."""
    node = token
    for _ in range(64):  # bounded: a malformed parse can never loop
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in ("amod", "aux", "auxpass"):
            return node
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def subject_of(verb: Token) -> Token | None:
    """The active subject of a verb, the one nearest before it when the parse gives two (a
    dateline "BRENNHAL, Veldmark (Wire) —" is often parsed as a subject too)."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    before = [c for c in subjects if c.i < verb.i]
    return before[-1] if before else (subjects[0] if subjects else None)


def dated_value(timex: Timex) -> str | None:
    """The calendar date or period a timex names ("2025-03-03", "2025-W09", "2024-FA"),
    without a time of day ("2025-03-10TNI" -> "2025-03-10"); None for durations, sets and
    undated times."""
    value = timex.value
    if not value or not _YEAR.match(value):
        return None
    return value.split("T", 1)[0]


# --------------------------------------------------------------------------- extraction


def extract(ctx: ArticleContext) -> tuple[Number, ...]:
    if not len(ctx.doc):
        return ()
    text = ctx.text
    article_id = ctx.article.id
    not_claims = SpanIndex((m.start(), m.end(), None) for m in _NOT_CLAIMS.finditer(text))
    timexes = SpanIndex((t.span[0], t.span[1], t) for t in ctx.timexes)
    quotes = SpanIndex((q.span[0], q.span[1], q) for q in ctx.quotes)
    entities = entity_index(ctx.entities)
    out: list[Number] = []
    for match in NUMBER_RE.finditer(text):
        start, end = match.span()
        if not_claims.overlapping(start, end) or timexes.overlapping(start, end):
            continue
        value = parse_value(match.group("num"))
        if value is None:
            continue
        span = ctx.doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        if _not_a_claim(match, span, value):
            continue
        hedge, start = _hedge(ctx.doc, text, start, match, span)
        unit, noun = _unit_and_counts(match, span)
        if noun is not None and timexes.overlapping(noun.idx, noun.idx + len(noun)):
            # "a population of 40 last spring": the words after the figure say when, not
            # what; what is counted is the noun the "of" hangs on, if any.
            noun = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" \
                and noun.head.head.pos_ == "NOUN" else None
        counts = None
        if span[-1].ent_type_ in ("DATE", "TIME") and (noun is None or noun.ent_type_ in ("DATE", "TIME")):
            continue  # "12 Mar", "the 1990s": a date the time extractor did not claim
        if noun is not None:
            if noun.lemma_.lower() in _TIME_UNITS:
                continue  # "six hours", "three weeks": a duration, not a claim
            i, j = noun_phrase(noun)
            if noun.i >= span.end:
                # the phrase after the figure: "4,000 striking port workers"; the span
                # grows to cover it when nothing but modifiers lies between
                i = max(i, span.end)
                if all(t.dep_ in _MODIFIER_DEPS or t.i == noun.i or t.lower_ in ("of", "the")
                       for t in ctx.doc[span.end:noun.i + 1]):
                    end = max(end, ctx.doc[j - 1].idx + len(ctx.doc[j - 1]))
            while i < noun.i and (ctx.doc[i].pos_ in ("DET", "NUM", "PRON") or ctx.doc[i].is_punct):
                i += 1  # "two of the 11 crew members", "94% of its drivers" count "crew members"
            if noun.i < span.start:
                j = min(j, noun.i + 1)  # "a town of 22,000" counts "town", not "town of 22,000"
            counts = phrase_text(ctx.doc, i, j)
        claimant, claimant_id = _claimant(span, text, quotes, entities, start, end)
        as_of = _as_of(span, timexes, ctx.article.published)
        number_span: Span = (start, end)
        out.append(Number(
            id=content_id("n", article_id, str(number_span)), article_id=article_id,
            span=number_span, text=text[start:end], value=value, approx=hedge,
            counts=counts, unit=unit, claimant_id=claimant_id, claimant=claimant, as_of=as_of))
    return tuple(out)


def _not_a_claim(match: re.Match[str], span: SpacySpan, value: float) -> bool:
    num = match.group("num")
    plain = not match.group("cur") and not match.group("pct")
    first, last = span[0], span[-1]
    if last.ent_type_ == "ORDINAL":
        return True
    if plain and num[-1:].lower() in ("m", "k") and num[-2:-1].isdigit():
        return True  # "10m", "5k" without a currency are metres or race lengths as often as not
    if plain and _YEAR.fullmatch(num):
        # A bare four-digit number is a year unless it counts a plural noun ("1500 workers").
        head = last.head
        return not (last.dep_ == "nummod" and head.tag_ in ("NNS", "NNPS"))
    if plain and num.lower() == "one":
        # "one" is mostly a pronoun or idiom ("one of", "no one"); only "one <noun>" counts.
        return not (last.dep_ == "nummod" and last.head.pos_ in ("NOUN", "PROPN"))
    if plain and first.i > 0:
        before = span.doc[first.i - 1]
        # "Pier 4", "Route 9", "Lorven 3": a number right after a capitalised name is a name
        # or a listed score, unless it counts a noun after it.
        if (before.is_title or before.is_upper) and before.pos_ in ("PROPN", "NOUN") \
                and not before.is_sent_start and before.ent_type_ not in ("DATE", "MONEY") \
                and not (last.dep_ in ("nummod", "quantmod") and last.head.i > last.i):
            return True
    return False


def _hedge(doc: Doc, text: str, start: int, match: re.Match[str],
           span: SpacySpan) -> tuple[str | None, int]:
    post = match.group("post")
    found = _HEDGE_BEFORE.search(text, max(0, start - 24), start)
    if found:
        word = doc.char_span(found.start(1), found.end(1), alignment_mode="expand")
        # "a film about two sisters", "talks over three issues": a one-word hedge that is
        # also a preposition, read as one by the parse or right after a noun, is not a hedge
        # (before a measure it is the hedge: "fell into the sea about 30 kilometres offshore")
        measure = _measure_after(span, match)
        preposition = word is not None and len(word) == 1 and word[0].lower_ in _PREPOSITIONS \
            and not measure and (word[0].dep_ == "prep" or (
                word.start > 0 and doc[word.start - 1].pos_ in ("NOUN", "PROPN", "PRON")))
        if word is not None and not preposition:
            return found.group(1).lower(), found.start(1)
    if post:
        return post.strip().lstrip("-").lower(), start
    return None, start


def _measure_after(span: SpacySpan, match: re.Match[str]) -> bool:
    """Whether the figure is a percentage or followed by a unit of measure."""
    if match.group("pct"):
        return True
    if span.end >= len(span.doc):
        return False
    token = span.doc[span.end]
    return token.lower_ in MEASURES or token.lemma_.lower() in MEASURES


def _unit_and_counts(match: re.Match[str], span: SpacySpan) -> tuple[str | None, Token | None]:
    """The unit (%, a currency, a measure) and the noun the figure counts, if any."""
    cur, pct = match.group("cur"), match.group("pct")
    unit = None
    if pct:
        unit = "%"
    elif cur:
        key = cur.strip().lower()
        unit = _SYMBOL_CURRENCIES.get(key) or _CODE_CURRENCIES.get(key)
    noun = _counted_noun(span)
    if noun is None:
        return unit, None
    lemma = noun.lemma_.lower()
    if unit is None and noun.i >= span.end:
        # "40 million crowns", "2-1/2 metres": the noun is also the unit; a measure
        # qualifying another noun ("a 2-1/2-metre rise") counts that noun
        if lemma in _CURRENCY_NOUNS:
            return _CURRENCY_NOUNS[lemma], noun
        measure = MEASURES.get(lemma) or MEASURES.get(noun.lower_)
        if measure is not None:
            qualified = noun.dep_ in ("amod", "compound", "nmod") and noun.head.i > noun.i
            return measure, noun.head if qualified else noun
    return unit, noun


def _counted_noun(span: SpacySpan) -> Token | None:
    """The noun a figure counts: the noun it modifies ("4,000 striking port workers"), the
    object of its "of" ("three-quarters of households"), or the X of "put the number of X at
    500"."""
    tokens = list(span)
    inside = {t.i for t in tokens}
    root = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])
    if root.dep_ in ("nummod", "quantmod", "compound", "amod", "det", "nmod") \
            and root.head.pos_ in ("NOUN", "PROPN") and root.head.i > root.i:
        return root.head
    if root.lower_ in ("%", "percent", "cent") or root.lemma_.lower() in _SCALE_VALUES:
        return _of_object(root)  # "12% of households", "a dozen of the boats"
    of = _of_object(root)
    if of is not None:
        return of
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ == "NOUN" \
            and root.head.head.i < root.i:
        return root.head.head  # "a population of 40", "a town of 22,000"
    if root.dep_ == "pobj" and root.head.dep_ == "prep":
        verb = root.head.head
        for child in verb.children:
            if child.dep_ in ("dobj", "nsubj", "nsubjpass") and child.lemma_.lower() in _QUANTITY_NOUNS:
                return _of_object(child) or child
    return None


def _of_object(token: Token) -> Token | None:
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN", "NUM"):
                    # "three-quarters of the 4,000 workers": follow through the inner figure
                    if obj.pos_ == "NUM":
                        return obj.head if obj.dep_ == "nummod" else _of_object(obj)
                    return obj
    return None


def _claimant(span: SpacySpan, text: str, quotes: SpanIndex, entities: SpanIndex,
              start: int, end: int) -> tuple[str | None, str | None]:
    for _, _, quote in quotes.covering(start, end):
        q: Quote = quote  # type: ignore[assignment]
        if q.speaker or q.speaker_id:
            return q.speaker, q.speaker_id
    sentence = span.sent
    # The subject of a reporting verb above the figure: "the ministry said 300 homes ...".
    node = span.root
    for _ in range(64):
        if node.pos_ in ("VERB", "AUX") and node.lemma_.lower() in CLAIM_VERBS:
            subject = subject_of(node)
            # the figure's own phrase is not its claimant ("about 40,000 owners say")
            if subject is not None and not (subject.left_edge.i <= span.start
                                            and span.end <= subject.right_edge.i + 1):
                found = _name(subject, entities)
                if found[0]:
                    return found
        if node.head.i == node.i or node.i < sentence.start or node.i >= sentence.end:
            break
        node = node.head
    # "..., according to the Transport Ministry"
    if "according" not in text[sentence.start_char:sentence.end_char].lower():
        return None, None
    for tok in sentence:
        if tok.lower_ == "according":
            for to in tok.children:
                if to.lower_ == "to":
                    for obj in to.children:
                        if obj.dep_ == "pobj":
                            return _name(obj, entities)
    return None, None


def _name(token: Token, entities: SpanIndex) -> tuple[str | None, str | None]:
    entity = entity_at(entities, token)
    if entity is not None:
        return entity.name, entity.id
    if token.lower_ in _PRONOUNS:
        return None, None
    return phrase_text(token.doc, *noun_phrase(token)), None


def _as_of(span: SpacySpan, timexes: SpanIndex, published: str | None) -> str | None:
    """The date of the figure's own clause ("nine on Monday night"), else of a clause above
    it ("the ministry said on Tuesday that 300 homes ..."), else the publication date. A date
    in a sibling or subordinate clause ("the levee, built in 1987, ...") says nothing about
    the figure."""
    sentence = span.sent
    dated = [t for _, _, t in timexes.overlapping(sentence.start_char, sentence.end_char)
             if dated_value(t) is not None and t.type in ("DATE", "TIME")]  # type: ignore[union-attr]
    verb = clause_verb(span.root)
    if not dated or verb is None:
        return published
    doc = span.doc
    ranked: list[tuple[int, int, Timex]] = []
    for t in dated:
        tspan = doc.char_span(t.span[0], t.span[1], alignment_mode="expand")  # type: ignore[union-attr]
        head = clause_verb(tspan.root) if tspan is not None else None
        if head is None:
            continue
        if head == verb:
            rank = 0
        elif head.is_ancestor(verb):
            rank = 1
        else:
            continue
        ranked.append((rank, abs(t.span[0] - span.start_char), t))  # type: ignore[union-attr]
    if not ranked:
        return published
    return dated_value(min(ranked, key=lambda r: (r[0], r[1]))[2])
