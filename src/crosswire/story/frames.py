"""Event frames: whether two claims tell the same happening.

A claim is read as a frame: what happened (its content verbs, ``Claim.actions``), who took part
(the story entities it names, places apart), where (``Unit.places``), when (``Unit.dates``), how
many (``Unit.numbers``) and according to whom (``Unit.speaker``). Two claims report one happening
when their frames agree on what happened and who took part; a conflict is then a difference in
one of the other slots. Claims grouped as one (similarity.py) already say the same thing; frames
matter where the words differ: "was approved by EU regulators last month" and "European
regulators said this month they had approved the merger" score low as sentences but share
the action and a participant.

Frames are used twice: their agreement is evidence a conflict's confidence is read from
(confidence.py), and claims not grouped as one but whose frames agree are compared for their
dates (conflicts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .units import Unit, same_source

Agreement = Literal["same", "other", "unknown"]
_RANK = {"same": 2, "unknown": 1, "other": 0}


@dataclass(frozen=True, slots=True)
class FrameMatch:
    """How two claims' frames compare, slot by slot: ``same`` when both fill the slot and share
    a filler, ``other`` when both fill it with nothing in common, ``unknown`` when one is
    empty."""

    action: Agreement
    participants: Agreement
    claimant: Agreement

    @property
    def same_happening(self) -> bool:
        """The same action with a participant in common: one happening told twice."""
        return self.action == "same" and self.participants == "same"

    @property
    def rank(self) -> int:
        return _RANK[self.action] + _RANK[self.participants]


def _slot(a: tuple[str, ...], b: tuple[str, ...]) -> Agreement:
    if not a or not b:
        return "unknown"
    return "same" if set(a) & set(b) else "other"


def _participants(a: frozenset[str], b: frozenset[str]) -> Agreement:
    """Names are one participant when one's words are all in the other's ("Musk" / "elon
    musk", "european" / "european union")."""
    if not a or not b:
        return "unknown"
    words = [(x, set(x.split())) for x in a], [(y, set(y.split())) for y in b]
    return "same" if any(x == y or wx <= wy or wy <= wx for x, wx in words[0]
                         for y, wy in words[1]) else "other"


def match(a: Unit, b: Unit) -> FrameMatch:
    """The two claims' frames, slot by slot."""
    claimant = same_source(a.speaker, b.speaker)
    return FrameMatch(action=_slot(a.claim.actions, b.claim.actions),
                      participants=_participants(a.participants, b.participants),
                      claimant="unknown" if claimant is None else "same" if claimant else "other")


def best(pairs: list[tuple[Unit, Unit]]) -> FrameMatch | None:
    """The closest frames among ``pairs`` (a conflict's claims on different sides)."""
    matches = [match(a, b) for a, b in pairs]
    return max(matches, key=lambda m: m.rank, default=None)


def same_happenings(units: list[Unit], scores: np.ndarray, group_of: dict[int, int],
                    floor: float, among: list[int] | None = None) -> list[tuple[Unit, Unit]]:
    """Pairs of claims of different articles, not grouped as one, whose frames tell one
    happening and whose pair score reaches ``floor`` (the action and a participant in common
    is not enough alone: "X signed the deal" and "X signed the letter"); only claims ``among``
    these unit indexes when given (the few with a slot worth comparing)."""
    idx = np.arange(len(units)) if among is None else np.asarray(among, dtype=int)
    if len(idx) < 2:
        return []
    # Pairs of two groups and two articles, by array before any frame is read.
    groups = np.array([group_of.get(int(i), -1 - int(i)) for i in idx])
    articles = np.array([units[int(i)].article_id for i in idx])
    wanted = (scores[np.ix_(idx, idx)] >= floor) & (groups[:, None] != groups[None, :]) \
        & (articles[:, None] != articles[None, :])
    rows, cols = np.nonzero(np.triu(wanted, k=1))
    pairs = [(units[i], units[j]) for i, j in zip(idx[rows].tolist(), idx[cols].tolist())]
    return [(a, b) for a, b in pairs if match(a, b).same_happening]
