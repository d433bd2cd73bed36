"""The shared helpers: text fold, batches, union-find, date intervals."""

from __future__ import annotations

from datetime import date

import pytest

from crosswire.common import UnionFind, batches, components, fold, grain, interval


@pytest.mark.parametrize("text, folded", [
    ("“The Élysée”  Palace,", "the elysee palace"),
    ("it’s", "it's"),
    ("U.S. officials", "us officials"),
    ("US officials", "us officials"),
    ("3.5 per cent", "3 5 per cent"),
    ("African-Americans", "african americans"),
    ("", ""),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_batches_keep_order_and_the_short_tail() -> None:
    assert list(batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batches([], 3)) == []


def test_components_follow_pairs_and_ignore_strangers() -> None:
    groups = components(["a", "b", "c", "d"], [("a", "b"), ("c", "b"), ("x", "d")])
    assert groups["a"] == groups["b"] == groups["c"] != groups["d"]
    assert groups == {"a": 0, "b": 0, "c": 0, "d": 1}


def test_union_find_groups_in_first_seen_order() -> None:
    sets = UnionFind(["p", "q", "r", "s"])
    assert sets.union("r", "s") and sets.union("q", "s")
    assert not sets.union("r", "q")
    assert sets.groups() == [["p"], ["q", "r", "s"]]
    assert sets.find("s") == sets.find("q")


@pytest.mark.parametrize("value, expected", [
    ("2025-03-04", (date(2025, 3, 4), date(2025, 3, 4))),
    ("2025-03", (date(2025, 3, 1), date(2025, 3, 31))),
    ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
    ("2025-12", (date(2025, 12, 1), date(2025, 12, 31))),
    ("2025", (date(2025, 1, 1), date(2025, 12, 31))),
    ("2025-W09", (date(2025, 2, 24), date(2025, 3, 2))),
    ("2025-Q4", (date(2025, 10, 1), date(2025, 12, 31))),
    ("2025-03-03TEV", (date(2025, 3, 3), date(2025, 3, 3))),
    ("2025-03-03T18:30", (date(2025, 3, 3), date(2025, 3, 3))),
    ("2025-W09-WE", (date(2025, 3, 1), date(2025, 3, 2))),
    ("2025-W09-3", (date(2025, 2, 26), date(2025, 2, 26))),
    ("2025-SU", (date(2025, 6, 1), date(2025, 8, 31))),
    ("2025-WI", (date(2025, 12, 1), date(2026, 2, 28))),
    ("P3Y", None), ("PRESENT_REF", None), ("", None), (None, None), ("2025-13-01", None),
])
def test_interval_of_every_precision(value: str | None, expected: tuple[date, date] | None) -> None:
    assert interval(value) == expected



@pytest.mark.parametrize("value, expected", [
    ("2025-03-04", "day"), ("2025-W09", "week"), ("2025-03", "month"), ("2025-SU", "season"),
    ("2025-Q2", "quarter"), ("2025", "year"), ("P3Y", None), (None, None),
])
def test_grain(value: str | None, expected: str | None) -> None:
    assert grain(value) == expected
