"""Small helpers every stage shares, one of each: the text fold, batching, union-find over
hashable items, and the interval of days a date value can mean.

Each lived in two to five places before, with small differences that made two stages
disagree about the same text or date; they live here so there is one answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# --------------------------------------------------------------------------- text

_WORDS = re.compile(r"\w+(?:'\w+)*")
# The dot after a lone letter is an abbreviation's: "U.S." folds to "us", as "US" does.
_INITIAL_DOT = re.compile(r"(?<=\b[^\W\d_])\.")


def fold(text: str) -> str:
    """The words of ``text`` as compared: case-, accent-, punctuation- and spacing-insensitive
    (``"“Élysée” Palace,"`` -> ``"elysee palace"``); curly apostrophes are straight ones, so
    "it’s" and "it's" are one word. Two copies that differ only in quote marks, dashes or
    spacing fold to the same string; so do "U.S." and "US"."""
    decomposed = unicodedata.normalize("NFKD", _INITIAL_DOT.sub("", text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'").replace("\u2018", "'").casefold()
    return " ".join(_WORDS.findall(plain))


# --------------------------------------------------------------------------- batches


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), lazily."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------- union-find


class UnionFind(Generic[K]):
    """Disjoint sets of hashable items (path halving). Items join on first use."""

    def __init__(self, items: Iterable[K] = ()):
        self._parent: dict[K, K] = {}
        for item in items:
            self.add(item)

    def add(self, item: K) -> None:
        self._parent.setdefault(item, item)

    def __contains__(self, item: object) -> bool:
        return item in self._parent

    def find(self, item: K) -> K:
        parent = self._parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, keep: K, absorb: K) -> bool:
        """Join the sets of ``keep`` and ``absorb`` under ``keep``'s root; whether they were
        apart."""
        a, b = self.find(keep), self.find(absorb)
        if a == b:
            return False
        self._parent[b] = a
        return True

    def groups(self) -> list[list[K]]:
        """The sets, each in first-added order, in the order of their first item."""
        out: dict[K, list[K]] = {}
        for item in list(self._parent):
            out.setdefault(self.find(item), []).append(item)
        return list(out.values())

    def numbering(self) -> dict[K, int]:
        """Item -> number of its set, sets numbered in the order of their first item."""
        return {item: n for n, group in enumerate(self.groups()) for item in group}


def components(items: Iterable[K], pairs: Iterable[tuple[K, K]]) -> dict[K, int]:
    """Connected components of ``items`` under ``pairs`` (pairs naming other items are
    ignored): item -> component number, numbered in the order of ``items``."""
    sets = UnionFind(items)
    for a, b in pairs:
        if a in sets and b in sets:
            sets.union(a, b)
    return sets.numbering()


# --------------------------------------------------------------------------- dates

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-(WE|\d))?(?:T.*)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:T.*)?$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}
_GRAINS = (("day", _DAY), ("week", _WEEK), ("month", _MONTH), ("season", _SEASON),
           ("quarter", _QUARTER), ("year", _YEAR))


@lru_cache(maxsize=8192)  # a story compares the same few values for every pair of claims
def interval(value: str | None) -> tuple[date, date] | None:
    """First and last day an ISO 8601 / TIMEX3 calendar value can mean, at any precision:
    ``2025``, ``2025-03``, ``2025-03-04``, ``2025-03-04T10:00``, ``2025-W09``, ``2025-W09-WE``,
    ``2025-Q1``, ``2025-SU``. None for values that are not calendar dates (``P3Y``,
    ``PRESENT_REF``) and for impossible ones."""
    if not value:
        return None
    try:
        if m := _DAY.match(value):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            if m[3] == "WE":
                return monday + timedelta(days=5), monday + timedelta(days=6)
            if m[3]:
                day = monday + timedelta(days=int(m[3]) - 1)
                return day, day
            return monday, monday + timedelta(days=6)
        if m := _MONTH.match(value):
            return _months(int(m[1]), int(m[2]), int(m[2]))
        if m := _SEASON.match(value):
            first, last = _SEASON_MONTHS[m[2]]
            return _months(int(m[1]), first, last)
        if m := _QUARTER.match(value):
            q = int(m[2])
            return _months(int(m[1]), 3 * q - 2, 3 * q)
        if m := _YEAR.match(value):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    except ValueError:
        return None
    return None


def grain(value: str | None) -> str | None:
    """How fine a calendar value is: day, week, month, season, quarter or year."""
    for name, pattern in _GRAINS:
        if value and pattern.match(value):
            return name
    return None


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    start = date(year, first, 1)
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    following = date(end_year + end_month // 12, end_month % 12 + 1, 1)
    return start, following - timedelta(days=1)
