"""The time-expression grammar: one compiled regular expression over the whole text.

Each rule is a pattern with named groups; ``GRAMMAR`` joins them into a single alternation
(one pass over the text, no per-rule scans), with the rule's name as the outer group and
every inner group renamed ``<rule>__<group>``. Alternatives are tried in the order of
``RULES`` at each position, so a rule that can match a longer phrase (``Oct. 23, 1989``,
``the year-earlier quarter``) comes before the shorter ones it contains (``Oct. 23``,
``year-earlier``). Normalisation lives in ``nlp/timex.py``; this module only says what a time
expression looks like.

Written for English news in the HeidelTime/SUTime tradition (lexicon + phrase patterns);
extents follow TimeML: a leading preposition ("on Monday", "for three years") is matched in
the ``prep`` group but left outside the expression.
"""

from __future__ import annotations

import re

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
            "saturday": 6, "sunday": 7}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
                "overnight": "NI", "dawn": "MO", "daybreak": "MO", "dusk": "EV",
                "mid-morning": "MO", "midmorning": "MO", "mid-afternoon": "AF", "lunchtime": "MI",
                "midafternoon": "AF", "mid afternoon": "AF", "late-night": "NI"}


def _cased(words: list[str]) -> str:
    """Alternatives accepted only in Title or UPPER case: month names are common words in
    lower case ("may", "march"), proper nouns only when capitalised."""
    alts = [v for w in words for v in (w.title(), w.upper())]
    return "(?-i:" + "|".join(sorted(set(alts), key=len, reverse=True)) + ")"


_FULL_MONTHS = [m for m in MONTHS if len(m) > 4 or m in ("may", "june", "july")]
_ABBR_MONTHS = [m for m in MONTHS if m not in _FULL_MONTHS]
# A month name alone: full names, or abbreviations with their full stop ("Jan" alone is more
# often a first name).
MONTH = rf"(?:{_cased(_FULL_MONTHS)}|{_cased(_ABBR_MONTHS)}\.)"
# A month before a day or year: abbreviations may drop the full stop ("Oct 23").
MONTH_X = rf"(?:{_cased(_FULL_MONTHS)}|{_cased(_ABBR_MONTHS)}\.?)"
WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
YEAR = r"(?:1[6-9]\d\d|20\d\d)(?!\d)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
POD = (r"(?:morning|afternoon|evening|night|overnight|dawn|daybreak|dusk|mid-?morning|lunchtime|"
       r"mid[- ]?afternoon|late-night)")
SEASON = r"(?:spring|summer|fall|autumn|winter)"
UNIT = (r"(?:second|minute|hour|day|night|weekend|week|fortnight|month|quarter|year|decade|"
        r"centur(?:y|ies)|millenni(?:um|a))")
_DIGITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS = {w: i + 1 for i, w in enumerate(_DIGITS)} | {
    w: i + 10 for i, w in enumerate(_TEENS)} | {w: (i + 2) * 10 for i, w in enumerate(_TENS)} | {
    "a": 1, "an": 1, "single": 1, "dozen": 12, "hundred": 100, "thousand": 1000, "couple": 2}
# Quantities with no definite value: their durations are "PXY", "PXW"...
VAGUE = {"few", "several", "many", "some", "dozens", "hundreds", "thousands", "numerous",
         "countless", "multiple"}
_NUM_WORD = (rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_DIGITS)}))?|{'|'.join(_TEENS)}|"
             rf"(?:(?:{'|'.join(_DIGITS)}|a)\s+)?(?:hundred|thousand)|{'|'.join(_DIGITS)}|"
             r"(?:a\s+)?dozen|(?:a\s+)?couple(?:\s+of)?|"
             r"a\s+few|few|several|many|some|numerous|countless|multiple|"
             r"(?:dozens|hundreds|thousands)\s+of|an?|single)")
_NUM_DIGIT = r"\d+\s+1/2|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
NUM = (rf"(?:{_NUM_DIGIT}|{_NUM_WORD})"
       rf"(?:\s*(?:-|to|or|and)\s*(?:{_NUM_DIGIT}|{_NUM_WORD}))?(?:\s+and\s+a\s+half)?")
APPROX = (r"(?:about|around|nearly|almost|roughly|approximately|some|more\s+than|less\s+than|"
          r"fewer\s+than|over|under|at\s+least|at\s+most|up\s+to|no\s+more\s+than|no\s+less\s+than|"
          r"just|only|barely|well\s+over|just\s+over|just\s+under|close\s+to|the\s+better\s+part\s+of)")
# Position inside a period: kept in the extent, not in the value (TimeML puts it in ``mod``).
POS = (r"(?:the\s+(?:end|beginning|start|middle|close|turn|rest|remainder|balance)\s+of|"
       r"(?:end|beginning|start|middle)\s+of|earlier|later|early|late|mid)")
CLOCK = (r"(?:(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?\s*(?:a\.m\.|p\.m\.|a\.m|p\.m|am|pm)(?![\w.])"
         r"|(?:[01]?\d|2[0-3]):[0-5]\d(?!\d|[.:]\d)(?:\s*(?:hours|hrs|h)(?!\w))?"
         r"|(?:[01]?\d|2[0-3])\s+o'clock|noon|midnight|midday)")
TZ = (r"(?:\s*\(?(?-i:EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|UTC|BST|CET|CEST|AEST|IST|JST)\)?"
      r"|\s+local\s+time)")
DAYREF = (rf"(?:(?P<wd>{WEEKDAY})|(?P<rd>today|yesterday|tomorrow|tonight)|"
          rf"(?P<mo>{MONTH_X})\s+(?P<dy>{DAY})(?:,?\s+(?P<yr>{YEAR}))?)")
PREP = (r"(?:on|in|at|for|over|during|since|until|till|by|from|through|throughout|within|"
        r"after|before|of|into|to|between|and)")

RULES: list[tuple[str, str]] = [
    # 2024-10-28, 2024-10-28T14:35, 10/28/2024, 2024-10
    ("iso", rf"(?P<y>{YEAR})-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>[0-2]\d|3[01])"
            r"(?:[T ](?P<hh>[01]\d|2[0-3]):(?P<mi>[0-5]\d)(?::\d\d(?:\.\d+)?)?Z?)?)?"
            r"|(?P<a>[01]?\d)/(?P<b>[0-3]?\d)/(?P<yy>\d{4}|\d\d)(?!\d)"),
    # 10 p.m. Wednesday, noon Thursday, 5 p.m. EST Nov. 9
    ("clockday", rf"(?:(?P<approx>about|around|approximately|shortly\s+(?:before|after)|just\s+"
                 rf"(?:before|after))\s+)?(?P<clock>{CLOCK})(?P<tz>{TZ})?,?\s+(?:on\s+|of\s+)?"
                 rf"{DAYREF}"),
    # Wednesday at 10 p.m., yesterday at noon
    ("dayclock", rf"{DAYREF},?\s+(?:at\s+)?(?:(?:about|around|approximately)\s+)?"
                 rf"(?P<clock>{CLOCK})(?P<tz>{TZ})?"),
    # (Friday,) Oct. 23(, 1989)
    ("mdy", rf"(?:(?P<wd>{WEEKDAY}),?\s+)?(?:(?P<pos>early|late|mid)[\s-]+)?(?P<month>{MONTH_X})"
            rf"\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}|'\d\d(?!\d)))?"),
    # (Friday,) (the) 23(rd) (of) October( 2024)
    ("dmy", rf"(?:(?P<wd>{WEEKDAY}),?\s+)?(?:the\s+)?(?P<day>{DAY})(?:\s+of)?\s+"
            rf"(?P<month>{MONTH_X})(?:,?\s+(?P<year>{YEAR}))?"),
    # (late) October 1989, June of 2023
    ("monthyear", rf"(?:(?P<pos>{POS})(?:\s+in)?[\s-]+)?(?P<month>{MONTH_X}),?\s+(?:of\s+)?"
                  rf"(?:(?P<year>{YEAR}|'\d\d(?!\d))|(?P<rel>last|this|next)\s+year)"),
    # the summer of 1998, last fall, this winter, (in) the spring
    ("season", rf"(?:(?P<pos>{POS})(?:\s+in)?[\s-]+)?(?:(?P<rel>last|next|this|past|coming|"
               rf"previous|following)\s+|(?P<det>the)\s+)?(?P<season>{SEASON})"
               rf"(?:\s+(?:of\s+)?(?P<year>{YEAR}))?"),
    # the third quarter (of 1989), third-quarter, fiscal 1990's first half, Q3 2024
    ("part", rf"(?:the\s+)?(?:(?:(?P<fisc>fiscal|calendar)\s+)?(?P<ya>{YEAR})(?:'s)?\s+|"
             rf"(?P<rely>this|last|next)\s+year's\s+|(?:fiscal|calendar)\s+|"
             r"(?P<ago>year-(?:earlier|ago)|prior-year|comparable(?:\s+year-(?:earlier|ago))?)\s+)?"
             r"(?:(?P<fisc2>fiscal|calendar)\s+)?"
             r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|last|final|latter)[\s-]+"
             r"(?:fiscal\s+)?(?P<kind>quarter|half|quarters|halves)(?!-(?:point|mile|inch))"
             rf"(?:\s+of\s+(?:the\s+)?(?:fiscal\s+|calendar\s+)?(?:(?P<yb>{YEAR})|"
             r"(?P<relyb>this|last|next|the|that|the\s+current|the\s+previous|the\s+same)\s+"
             r"(?:fiscal\s+)?year))?"
             rf"|(?-i:Q)(?P<qn>[1-4])(?:\s+(?P<yq>{YEAR}))?|(?-i:H)(?P<hn>[12])\s+(?P<yh>{YEAR})"),
    # the quarter, the latest quarter, the year-earlier period, the 1988 quarter
    ("qref", rf"(?:the\s+)?(?P<mods>(?:(?:latest|current|past|last|previous|prior|preceding|next|"
             r"coming|recent|most\s+recent|same|comparable|year-earlier|year-ago|prior-year|"
             r"just-ended|just-completed|fiscal)\s+)*)"
             rf"(?:(?P<year>{YEAR})\s+)?(?P<kind>quarter|period)(?!s|-)"),
    # the 1990s, the '80s, the mid-1970s, the nineties, the 20th century
    ("decade", rf"(?:(?P<pos>{POS})[\s-]+)?(?:the\s+)?(?:(?P<pos2>early|late|mid)[\s-]+)?"
               r"(?:(?P<d4>1[0-9]\d0|20\d0)'?s|'(?P<d2>\d0)s|(?P<dw>twenties|thirties|forties|"
               r"fifties|sixties|seventies|eighties|nineties))(?![\w'])"
               r"|(?:the\s+)?(?P<cn>\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|"
               r"seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|"
               r"sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first|"
               r"twenty-second)[\s-]+century"),
    ("holiday", r"(?:(?P<rel>last|next|this)\s+)?(?:(?-i:(?P<hol>Christmas\s+Eve|Christmas\s+Day|"
                r"Christmas|New\s+Year's\s+Eve|New\s+Year's\s+Day|New\s+Year's|Thanksgiving(?:\s+"
                r"[Dd]ay)?|Easter(?:\s+Sunday|\s+Monday)?|Good\s+Friday|Independence\s+Day|"
                r"Labou?r\s+Day|Memorial\s+Day|Valentine's\s+Day|Halloween|Boxing\s+Day|"
                r"Veterans\s+Day|Election\s+Day|Christmas\s+holidays?))|(?P<ny>the\s+new\s+year))"
                rf"(?:,?\s+(?P<year>{YEAR}))?"),
    # two years ago, a year earlier, three days later, year-earlier, years ago
    ("ago", rf"(?:(?P<approx>{APPROX})\s+)?(?:(?P<num>{NUM})[\s-]+)?(?P<unit>{UNIT})(?P<pl>s)?"
            r"(?:\s+or\s+(?:so|two|three))?\s+(?:(?P<dir0>ago|from\s+now|hence)"
            r"|(?P<dir>earlier|later|back|previously)(?=\s*(?:[.,;:!?)"
            r"\"'”’]|\s(?:today|yesterday|on|in|and|when|the|that|this|as|to|with|by|at|from|but|"
            r"than|or|for|during|because|while|after|he|she|it|they|we|i|you)\b|\s+(?-i:[A-Z])|$))"
            r"|(?P<dir3>before|after|prior)(?=\s*[.,;:!?)\"'”’]|\s*$))"
            r"|(?P<ya>year|month|week|quarter)-(?P<dir2>earlier|ago)"),
    # every week, each Thursday, daily, twice a year, $5 million a year
    ("set", rf"(?P<every>every|each|per)\s+(?:(?P<other>other)\s+)?(?:(?P<num>{NUM})\s+)?"
            rf"(?P<what>{UNIT}s?|{WEEKDAY}|{MONTH}|{SEASON}|{POD}|weekday|business\s+day|"
            r"working\s+day|trading\s+day)(?:\s+(?P<pod>" + POD + r"))?"
            r"|(?P<adv>daily|weekly|monthly|annually|yearly|hourly|nightly|quarterly|"
            r"bi-?weekly|semi-?annually|bi-?annually|fortnightly|biennially)"
            r"|(?:(?<=\d\s)|(?<=%\s)|(?<=times\s)|(?<=twice\s)|(?<=once\s)|(?<=illion\s)|"
            r"(?<=percent\s)|(?<=cents\s)|(?<=dollars\s)|(?<=pounds\s))"
            r"(?:a|an|per)\s+(?P<per>year|month|week|day|hour|quarter)"),
    # today, yesterday morning, late yesterday, this evening, last night, tonight
    ("relday", rf"(?:(?P<pos>{POS})\s+|(?:at\s+)?(?P<pod0>{POD})\s+)?(?P<day>today|yesterday|tomorrow|tonight|"
               r"the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow)"
               rf"(?:\s+(?P<pod>{POD}))?"
               rf"|(?:(?P<pos2>early|late)\s+)?(?P<rel>this|last|tomorrow|yesterday)\s+(?P<pod2>{POD})"),
    # this week, last year, the past year, earlier this month, the next day, that year
    ("relunit", rf"(?:(?P<pos>{POS})(?:\s+in)?[\s-]+)?(?P<det>the\s+)?(?P<rel>this|last|next|past|"
                r"coming|previous|preceding|following|current|same|upcoming|present|prior|that)\s+"
                rf"(?:(?P<fisc>fiscal|calendar|business|school|academic|financial)\s+)?"
                rf"(?P<unit>weekend|week|month|year|decade|century|day|night|morning|afternoon|"
                r"evening)(?![\w-])"
                rf"|(?P<pos3>{POS})(?:\s+(?:of|in))?\s+the\s+(?P<unit3>week|month|year|decade|day)"
                r"(?![\w-])|the\s+(?P<we>weekend)"),
    # Monday, last Friday, Monday evening, Earlier Sunday, Mondays
    ("weekday", rf"(?:(?P<rel>last|next|this|coming|past|previous|following|early|late|earlier|"
                rf"later)\s+)?(?P<wd>{WEEKDAY})(?P<pl>s)?"
                rf"(?:,?\s+(?P<pod>{POD}))?"),
    # June, last June, earlier in October, mid-October
    ("month", rf"(?:(?P<pos>{POS})(?:\s+in)?[\s-]+)?(?:(?P<rel>last|next|this|past|coming|"
              rf"previous|following)\s+)?(?P<month>{MONTH})"),
    # 1990, fiscal 1989, mid-1990, the end of 1990, the year 2000
    # the year ended June 30 (a duration), for the year, the full year
    ("theyear", r"the\s+(?:(?P<mod>full|fiscal|calendar|entire|whole)\s+)*year(?![\w-])(?!\s+"
                rf"(?:of\s+)?(?:{YEAR}|two\s+thousand|before|after|earlier|later|ago|in\s+which))"
                r"(?P<ended>(?=\s+(?:ended|ending|ends|to\s+(?:date|end))))?"
                r"|(?:(?P<approx>around|about|approximately)\s+)?"
                r"(?P<ye>year[-\s]end|year's\s+end|end\s+of\s+the\s+year)"),
    # nineteen ninety-six, two thousand and one: years as broadcast transcripts spell them
    ("spokenyear", rf"(?:the\s+year\s+)?(?P<c>nineteen|twenty)\s+(?:hundred\s+(?:and\s+)?)?"
                   rf"(?P<yy>(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_DIGITS)}))?|"
                   rf"{'|'.join(_TEENS)}|oh[- ](?:{'|'.join(_DIGITS)}))"
                   rf"|(?:the\s+year\s+)?two\s+thousand(?:\s+(?:and\s+)?(?P<yy2>"
                   rf"{'|'.join(_TEENS)}|(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_DIGITS)}))?|"
                   rf"{'|'.join(_DIGITS)}))?(?!\s+(?:{UNIT}|people|dollars))"),
    ("year", rf"(?:(?P<pos>{POS})(?:\s+of)?[\s-]+)?(?:(?P<pre>fiscal(?:\s+year)?|calendar"
             rf"(?:\s+year)?|the\s+year|model\s+year|(?-i:FY))\s*)?(?P<year>{YEAR})(?!\s*(?:%|percent"
             r"|per\s*cent)|,\d|\.\d)"),
    # three years, the past two months, a two-year, 24-hour, nearly an hour, for years
    ("duration", rf"(?:(?P<det>the|this|that|these|those|its|his|her|their)\s+)?"
                 r"(?:(?P<rel>past|last|next|coming|first|previous|preceding|following|final|"
                 r"remaining|initial|latest|recent|same|entire|full|whole|ensuing|succeeding|"
                 r"subsequent|intervening|additional|extra|further|other)\s+)?"
                 rf"(?:(?P<approx>{APPROX})\s+)?(?P<num>{NUM})(?:\s+|-)(?:(?P<adj>full|more|"
                 rf"long|straight|consecutive|successive|calendar|business|working|trading|"
                 rf"additional|extra|further|whole|entire)\s+)?"
                 rf"(?P<unit>{UNIT})s?(?P<half>\s+and\s+a\s+half)?(?P<long>-long)?"
                 r"(?:\s+or\s+(?:so|more|two|three|less))?"
                 r"|(?P<bare>seconds|minutes|hours|days|nights|weeks|months|quarters|years|decades|"
                 r"centuries|millennia)(?P<long2>-long)?"),
    # now, currently, recently, in recent weeks, the past, the future, soon
    # "previously", "soon", "at the moment" are left out: TimeBank annotators tagged them in
    # a minority of their uses, so they cost more precision than they bring recall.
    ("ref", r"(?P<present>right\s+now|just\s+now|now|currently|at\s+present|presently|nowadays|"
            r"these\s+days|for\s+the\s+time\s+being|current)"
            r"|(?P<past>recently|lately|(?:in\s+)?(?:recent|past)\s+(?:years|months|weeks|days|"
            r"times|decades|quarters)|the\s+(?:recent\s+|distant\s+)?past|some\s+time\s+ago|"
            r"long\s+ago|recent)"
            r"|(?P<future>the\s+(?:near\s+|distant\s+|foreseeable\s+|immediate\s+)?future|"
            r"future|as\s+soon\s+as\s+possible|(?:the\s+)?coming\s+(?:days|weeks|"
            r"months|years|decades|quarters)|(?:the\s+)?(?:days|weeks|months|years)\s+ahead|"
            r"the\s+(?:near|short|long)\s+term|a\s+later\s+date|some\s+day|someday)"),
    # (in) the morning, by mid-afternoon: the day in question
    ("pod", rf"(?:(?P<the>the)\s+)?(?:(?P<early>early|late)\s+)?(?P<pod>{POD})(?!\s+of\b)"),
    # 10:35 a.m., noon, 4 in the morning
    ("clock", rf"(?:(?P<approx>about|around|approximately|shortly\s+(?:before|after)|just\s+"
              rf"(?:before|after))\s+)?(?P<clock>{CLOCK})(?P<tz>{TZ})?"
              rf"|(?P<h>[01]?\d)\s+in\s+the\s+(?P<pod>morning|afternoon|evening)"),
]


def _combine(rules: list[tuple[str, str]]) -> re.Pattern[str]:
    alternatives = []
    for name, pattern in rules:
        inner = re.sub(r"\(\?P<(\w+)>", rf"(?P<{name}__\1>", pattern)
        alternatives.append(f"(?P<{name}>{inner})")
    # The left guard keeps matches from starting inside a word, number or amount ("$1990",
    # "3.5 years" at "5"); the right guard from ending inside one ("two-year" in "two-year-old").
    return re.compile(
        rf"(?<![\w$£€#@/.,:-])(?:(?P<prep>{PREP})\s+)?(?:" + "|".join(alternatives) + r")"
        r"(?![\w]|-\w)", re.IGNORECASE)


GRAMMAR = _combine(RULES)
RULE_NAMES = frozenset(name for name, _ in RULES)


# --------------------------------------------------------------------------- where to try it
#
# Trying the whole alternation at every word costs ~70 µs a word in CPython's re. A time
# expression is a run of grammar words and numbers that holds at least one trigger (a word no
# time expression lacks: a month, a unit, "today", a digit...), so the grammar is tried only
# at the word starts of such runs, up to their last trigger: the one compiled expression still
# decides every match, but on a few words in ten instead of all of them.

def _literal_words(patterns: list[str]) -> set[str]:
    # Every alphabetic run in the patterns: the grammar's literal words (group names and
    # escape letters come along; they only ever lengthen a run).
    return {w for p in patterns for w in re.findall(r"[a-z]+", p.lower())}


TRIGGERS = frozenset(
    set(MONTHS) | set(WEEKDAYS) | set(SEASONS) | {w for p in PARTS_OF_DAY for w in re.findall(
        r"[a-z]+", p)} | set(_TENS) | {
        "second", "minute", "hour", "day", "night", "week", "weekend", "fortnight", "month",
        "quarter", "year", "decade", "century", "centuries", "millennium", "millennia", "half",
        "halves", "period", "today", "yesterday", "tomorrow", "tonight", "now", "currently",
        "presently", "nowadays", "recently", "lately", "recent", "current", "past", "future",
        "ago", "noon", "midnight", "midday", "daily", "weekly", "monthly", "annually", "yearly",
        "hourly", "nightly", "quarterly", "biweekly", "fortnightly", "semiannually",
        "biannually", "biennially", "term", "date", "time", "soon", "someday", "weekday", "nineteen",
        "thousand", "christmas", "easter", "thanksgiving", "halloween", "twenties", "thirties",
        "forties", "fifties", "sixties", "seventies", "eighties", "nineties", "clock", "q", "h",
        "fy"})
GRAMMAR_WORDS = frozenset(
    _literal_words([p for _, p in RULES] + [PREP]) | set(NUMBER_WORDS) | VAGUE | TRIGGERS
    | {"s"})  # the "s" of "1990s", "year's"
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
# What may separate two words of one expression: "Oct. 23, 1989", "two-year", "5 p.m. (EST)".
_JOIN = re.compile(r"[\s\-.,'’/:()]{0,3}")


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    return word in vocabulary or (word.endswith("s") and word[:-1] in vocabulary)


def candidate_starts(text: str):  # noqa: ANN201 (an iterator of offsets)
    """Offsets, in order, where a time expression may begin."""
    run: list[int] = []
    last_trigger = -1
    prev_end = -1
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        word = m.group()
        digit = word[0].isdigit()
        lower = word.lower()
        known = digit or _known(lower, GRAMMAR_WORDS)
        if not known or prev_end < 0 or not _JOIN.fullmatch(text, prev_end, start):
            yield from _run_starts(text, run, last_trigger)
            run, last_trigger = [], -1
        if known:
            run.append(start)
            if digit or _known(lower, TRIGGERS):
                last_trigger = len(run) - 1
        prev_end = end
    yield from _run_starts(text, run, last_trigger)


def _run_starts(text: str, run: list[int], last_trigger: int):  # noqa: ANN202
    for start in run[:last_trigger + 1]:
        if start and text[start - 1] in "'’" and text[start].isdigit():
            yield start - 1  # "'90s"
        yield start
