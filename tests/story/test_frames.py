"""Event frames: whether two claims tell one happening (fictional claims)."""

from __future__ import annotations

import numpy as np
import pytest

from crosswire.records import Claim
from crosswire.story import frames
from crosswire.story.units import Unit


def _unit(index: int, article: str, actions: tuple[str, ...], participants: set[str],
          speaker: str | None = None) -> Unit:
    claim = Claim(id=f"c{index}", article_id=article, span=(0, 10), text="x" * 10,
                  actions=actions)
    return Unit(index=index, claim=claim, family=index, numbers=(), quotes=(), dates=(),
                places=(), speaker=speaker, participants=frozenset(participants))


@pytest.mark.parametrize(("a", "b", "action", "participants", "one"), [
    # told in other words: the action and a participant in common
    ((("approve",), {"halvern council"}), (("approve", "meet"), {"council"}),
     "same", "same", True),
    # the same people doing something else
    ((("approve",), {"halvern council"}), (("reject",), {"halvern council"}),
     "other", "same", False),
    # the same action by someone else
    ((("approve",), {"halvern council"}), (("approve",), {"port board"}),
     "same", "other", False),
    # a claim naming nobody: can't say who took part
    ((("approve",), set()), (("approve",), {"port board"}), "same", "unknown", False),
])
def test_frames_compare_slot_by_slot(a, b, action, participants, one) -> None:
    m = frames.match(_unit(0, "a", *a), _unit(1, "b", *b))
    assert (m.action, m.participants, m.same_happening) == (action, participants, one)


def test_the_claimant_slot_uses_source_names() -> None:
    a = _unit(0, "a", ("approve",), {"council"}, speaker="mira tolland")
    b = _unit(1, "b", ("approve",), {"council"}, speaker="tolland")
    c = _unit(2, "c", ("approve",), {"council"}, speaker="oskar brenn")
    assert frames.match(a, b).claimant == "same" and frames.match(a, c).claimant == "other"
    assert frames.match(a, _unit(3, "d", ("approve",), {"council"})).claimant == "unknown"


def test_the_closest_frames_of_a_conflict_are_its_evidence() -> None:
    a = _unit(0, "a", ("approve",), {"council"})
    far = _unit(1, "b", ("reject",), {"port board"})
    near = _unit(2, "c", ("approve",), {"council"})
    assert frames.best([(a, far), (a, near)]).same_happening
    assert frames.best([]) is None


def test_only_ungrouped_pairs_of_one_happening_above_the_floor_are_compared() -> None:
    units = [_unit(0, "a", ("approve",), {"council"}), _unit(1, "b", ("approve",), {"council"}),
             _unit(2, "c", ("approve",), {"council"}), _unit(3, "a", ("approve",), {"council"})]
    scores = np.array([[-1.0, 0.50, 0.40, -1.0], [0.50, -1.0, 0.50, 0.5],
                       [0.40, 0.50, -1.0, 0.5], [-1.0, 0.5, 0.5, -1.0]], dtype=np.float32)
    # 1 and 2 are grouped as one claim already; 0-2 is below the floor; 0-3 is one article.
    group_of = {0: 0, 1: 1, 2: 1, 3: 2}
    pairs = {(a.index, b.index) for a, b in frames.same_happenings(units, scores, group_of, 0.45)}
    assert pairs == {(0, 1), (1, 3), (2, 3)}


def test_pairs_can_be_sought_among_some_claims_only() -> None:
    units = [_unit(i, "abc"[i], ("approve",), {"council"}) for i in range(3)]
    scores = np.full((3, 3), 0.5, dtype=np.float32)
    groups = {0: 0, 1: 1, 2: 2}
    pairs = frames.same_happenings(units, scores, groups, 0.45, among=[0, 2])
    assert [(a.index, b.index) for a, b in pairs] == [(0, 2)]
    assert frames.same_happenings(units, scores, groups, 0.45, among=[1]) == []
