"""Credits: what an article itself says about where its text came from.

Takes an Article; gives
- :func:`wire_agency`: the news agency whose story it carries, read from the places the news
  business writes it: the agency's own site, a syndication path in the URL (``/aponline/``,
  ``/wires/reuters/``, ``/reuters/``), the dateline credit ("DALLAS (AP) —"), and the credit
  lines cleaning removed or left at the end ("Copyright 2017 The Associated Press", "The
  Associated Press contributed to this report", Reuters' "Reporting by ...; Editing by ...");
- :func:`outlet_keys`: the keys an article's own outlet goes by (its name, its host);
- :func:`cited_outlets`: outlets the text names as its source ("according to CNN", "CNN
  reported", "told The Times", "More from The New York Times").

Lineage uses them as evidence beside the words: two outlets carrying one agency's story are one
source family even when the agency's own copy is not in the set, and a rewrite that credits
the outlet it rewrote points at its parent.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from ..records import Article

# The agencies that syndicate news text, by key, with the names they are credited under.
AGENCIES: dict[str, tuple[str, ...]] = {
    "ap": ("associated press", "ap"),
    "reuters": ("reuters", "thomson reuters", "thomson reuters foundation"),
    "afp": ("agence france-presse", "agence france presse", "afp"),
    "dpa": ("deutsche presse-agentur", "dpa"),
    "pa": ("press association", "pa media"),
    "upi": ("united press international", "upi"),
    "bloomberg": ("bloomberg", "bloomberg news"),
    "efe": ("efe",),
    "ansa": ("ansa",),
    "xinhua": ("xinhua", "xinhua news agency"),
    "kyodo": ("kyodo", "kyodo news"),
    "yonhap": ("yonhap", "yonhap news agency"),
    "tass": ("tass",),
    "interfax": ("interfax",),
    "aap": ("australian associated press", "aap"),
    "cp": ("canadian press",),
    "anadolu": ("anadolu", "anadolu agency"),
    "pti": ("press trust of india", "pti"),
    "ians": ("ians",),
}
_BY_NAME = {name: key for key, names in AGENCIES.items() for name in names}
# The hosts the agencies publish under themselves.
_HOSTS = {"apnews": "ap", "ap": "ap", "reuters": "reuters", "afp": "afp", "dpa": "dpa",
          "upi": "upi", "bloomberg": "bloomberg", "efe": "efe", "ansa": "ansa",
          "xinhuanet": "xinhua", "kyodonews": "kyodo", "yna": "yonhap", "tass": "tass",
          "interfax": "interfax", "aap": "aap", "thecanadianpress": "cp", "aa": "anadolu",
          "ptinews": "pti"}
_NAMES = "|".join(sorted((re.escape(n) for n in _BY_NAME), key=len, reverse=True))
# Credit lines, matched case-insensitively on a whole line (removed lines, the text's last
# lines): a copyright notice, "X contributed (to this report)", "X writer Y contributed",
# "(c) 2018 X", Reuters' reporting/editing line.
_CREDIT_LINE = re.compile(
    rf"^(?:copyright|©|\(c\))\s*(?:©\s*)?(?:\d{{4}}\s*)?(?:the\s+)?(?P<a>{_NAMES})\b"
    rf"|^(?:the\s+)?(?P<b>{_NAMES})(?:'s)?\b.{{0,80}}\bcontributed\b"
    rf"|^\(?(?:reporting|additional reporting) by\b.{{0,200}}\bediting by\b(?P<reuters>)",
    re.IGNORECASE)
# "DALLAS (AP) —", "LONDON, Jan 2 (Reuters) -": any name in the dateline's brackets.
_DATELINE_CREDIT = re.compile(r"^[^\n(]{0,80}\((?P<a>[A-Z][\w .&'’-]{1,40})\)\s*[—–-]")
_HOSTLIKE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+$", re.IGNORECASE)
_WIRE_PATH = re.compile(rf"/(?:wires?/)?(?P<a>{'|'.join(AGENCIES)})(?:online)?/", re.IGNORECASE)


def _agency_of(name: str) -> str | None:
    """The agency key of a credited name: a known agency's key, else the name's own key (a
    credit names the source whatever it is called)."""
    name = re.sub(r"\s+", " ", name.strip().lower())
    name = re.sub(r"^the ", "", name)
    return _BY_NAME.get(name) or (re.sub(r"[^a-z0-9]", "", name) or None)


def _split(url: str | None) -> SplitResult | None:
    """The URL's parts, or None when it cannot be parsed (article metadata is untrusted:
    "http://[::1" raises)."""
    try:
        parts = urlsplit(url or "")
        parts.hostname  # noqa: B018 -- parsing the host is what raises
    except ValueError:
        return None
    return parts


def host_key(url: str | None) -> str | None:
    """The name part of a URL's host: "https://money.cnn.com/x" -> "cnn"."""
    parts = _split(url)
    host = (parts.hostname if parts else None) or ""
    labels = [x for x in host.lower().split(".") if x and x != "www"]
    if len(labels) < 2:
        return labels[0] if labels else None
    # "dailymail.co.uk", "abc.net.au": the label before a two-part public suffix.
    if len(labels) >= 3 and labels[-2] in ("co", "com", "net", "org", "gov", "ac") \
            and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2]


def wire_agency(article: Article) -> tuple[str | None, bool]:
    """The agency whose story the article carries (an :data:`AGENCIES` key, or the key of
    the name its dateline credits) and whether the article is that agency's own
    publication; (None, False) when it says none."""
    own = _HOSTS.get(host_key(article.url) or "")
    if own:
        return own, True
    agency = None
    if (parts := _split(article.url)) and (m := _WIRE_PATH.search(parts.path)):
        agency = m.group("a").lower()
    elif m := _DATELINE_CREDIT.match(f"{article.dateline} —" if article.dateline
                                     else article.text[:200]):
        agency = _agency_of(m.group("a"))
    else:
        lines = [r.text for r in article.removed if r.reason in ("credit", "byline")]
        for line in lines + article.text.strip().splitlines()[-2:]:
            if m := _CREDIT_LINE.search(line.strip()):
                agency = "reuters" if m.group("reuters") is not None else \
                    _agency_of(m.group("a") or m.group("b"))
                break
    if agency is None:
        return None, False
    # Its own story: the outlet is the credited agency, or was only known from the dateline.
    return agency, article.outlet_basis == "dateline" or agency in outlet_keys(article)


def outlet_keys(article: Article) -> frozenset[str]:
    """The keys the article's own outlet goes by: its name's (see :func:`name_keys`; a host
    name as outlet gives its host key only), its host's, and its agency key when it is one."""
    outlet = article.outlet or ""
    keys: set[str | None] = set(name_keys(outlet))
    keys.add(host_key(article.url))
    if agency := _BY_NAME.get(re.sub(r"^the ", "", outlet.strip().lower())):
        keys.add(agency)
    return frozenset(k for k in keys if k and len(k) >= 3 or k in AGENCIES)


def name_keys(name: str) -> set[str]:
    """Keys an outlet name is written under: "The New York Times" -> "newyorktimes",
    "nyt" (initials), "nytimes" (initials and last word); a host name's label."""
    if _HOSTLIKE.match(name.strip()):
        host = host_key(f"//{name.strip()}")
        return {host} if host else set()
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    if not words:
        return set()
    keys = {"".join(words).lower()}
    if len(words) >= 2:
        keys.add("".join(w[0] for w in words).lower())
        keys.add(("".join(w[0] for w in words[:-1]) + words[-1]).lower())
    return keys


# Outlet names cited as a source: "according to CNN", "reported by the Times", "told CNN",
# "in an interview with NPR", "CNN reported", "More from The New York Times:".
# Capitalised words on one line, not running over a sentence's full stop ("CNN. SpaceX").
_WORD = r"[A-Z][\w&'-]*(?:\.[A-Z][\w&'-]*)*"
_NAME = rf"{_WORD}(?:[ \t]+(?:{_WORD}|of|on))*"
_CITED = re.compile(
    rf"\b(?i:according to|(?:first |as |originally )?reported by|told|via|"
    rf"in an interview with|speaking to|(?:a |the )?report (?:by|in)|(?:published|reported) in)"
    rf"\s+(?:[Tt]he\s+)?(?P<after>{_NAME})"
    rf"|(?P<before>{_NAME})\s+(?:first\s+|previously\s+|originally\s+)?(?:reported|reports)\b"
    rf"|^(?i:more from) (?:[Tt]he\s+)?(?P<more>{_NAME})", re.MULTILINE)


def cited_outlets(article: Article) -> frozenset[str]:
    """Keys of the names the text cites as its source (compare with :func:`outlet_keys`)."""
    keys: set[str] = set()
    for m in _CITED.finditer(article.text):
        keys |= name_keys(m.group("after") or m.group("before") or m.group("more") or "")
    return frozenset(k for k in keys if len(k) >= 3 or k in AGENCIES)
