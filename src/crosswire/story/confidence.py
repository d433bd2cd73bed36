"""How far to trust a conflict: its evidence and the confidence read from it.

The conflict finders (conflicts.py) say where two reports differ; whether an editor would
call the difference a dispute depends on things they do not weigh: whether one report was made
from the other (a rewrite that changed a figure altered it; two independent outlets' sentences
grouped as one claim often say different things), how close the two claims are, how many
articles stand on each side, how far apart the disputed words are, and whether the two claims'
event frames (frames.py) tell one happening. ``evidence`` reads those
from the story's claim units; ``DisputeModel`` turns them into a probability with a logistic
regression fitted by ``eval/train_disputes.py`` on the real-news dev sets' editor judgements
(crossnews and rewrites, features only, never words) and shipped as
``crosswire/data/dispute_model.json``. A conflict at or above ``AnalysisConfig.dispute_confidence``
is a dispute; the rest are possible differences, shown behind a fold.
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from importlib import resources

import numpy as np
from rapidfuzz import fuzz

from ..common import fold
from ..linear import LinearModel
from ..records import Conflict, ConflictEvidence
from . import frames
from .units import Unit, name_words

MODEL_RESOURCE = "data/dispute_model.json"


def evidence(conflict: Conflict, sides: tuple[tuple[int, ...], ...], units: list[Unit],
             scores: np.ndarray, group_of: dict[int, int], sources: tuple[str, ...] = (),
             people: frozenset[str] = frozenset()) -> ConflictEvidence:
    """The evidence of one conflict whose sides hold the claim units ``sides``; ``sources``:
    an attribution's source on each side; ``people``: the words of the story's person names."""
    pairs = [(units[i], units[j]) for s, left in enumerate(sides) for right in sides[s + 1:]
             for i in left for j in right if units[i].article_id != units[j].article_id]
    texts = [fold(side.text) for side in conflict.sides[:2]]
    frame = frames.best(pairs)
    return ConflictEvidence(
        derived=any(a.family == b.family for a, b in pairs),
        similarity=round(max((float(scores[a.index, b.index]) for a, b in pairs), default=0.0), 4),
        aligned=any(group_of.get(a.index) == group_of.get(b.index) for a, b in pairs),
        articles=tuple(sorted((len(side.article_ids) for side in conflict.sides), reverse=True)),
        difference=round(1.0 - fuzz.token_set_ratio(*texts) / 100.0, 4) if len(texts) == 2
        else 1.0,
        words=min(len(side.text.split()) for side in conflict.sides),
        people=all(bool(words) and set(words) <= people for words in map(name_words, sources))
        if sources else None,
        action=frame.action if frame else "unknown",
        participants=frame.participants if frame else "unknown")


def features(kind: str, ev: ConflictEvidence) -> list[str]:
    """The model's string features: the kind, and each piece of evidence in coarse bins, alone
    and beside the kind (a derived pair means more for a figure than for a quote)."""
    similarity = ("<0.5" if ev.similarity < 0.5 else "<0.7" if ev.similarity < 0.7
                  else "<0.85" if ev.similarity < 0.85 else ">=0.85")
    difference = ("<0.2" if ev.difference < 0.2 else "<0.5" if ev.difference < 0.5
                  else ">=0.5")
    support = "several" if ev.articles and ev.articles[0] >= 2 else "one"
    words = "<=2" if ev.words <= 2 else "<=6" if ev.words <= 6 else ">6"
    plain = [f"derived={ev.derived}", f"similarity{similarity}", f"aligned={ev.aligned}",
             f"largest_side={support}", f"sides={min(len(ev.articles), 3)}",
             f"difference{difference}", f"words{words}", f"action={ev.action}",
             f"participants={ev.participants}"] + (
        [] if ev.people is None else [f"people={ev.people}"])
    return [f"kind={kind}"] + plain + [f"{kind}:{f}" for f in plain]


@dataclasses.dataclass(frozen=True, slots=True)
class DisputeModel:
    model: LinearModel

    def confidence(self, kind: str, ev: ConflictEvidence) -> float:
        return round(self.model.score(features(kind, ev)), 4)

    def to_json(self) -> dict:
        return self.model.to_json()

    @classmethod
    def from_json(cls, data: dict) -> DisputeModel:
        return cls(LinearModel.from_json(data))


@lru_cache(maxsize=1)
def load_model() -> DisputeModel:
    """The shipped model (a static resource, read once per process)."""
    text = resources.files("crosswire").joinpath(MODEL_RESOURCE).read_text("utf-8")
    return DisputeModel.from_json(json.loads(text))


def scored(conflict: Conflict, sides: tuple[tuple[int, ...], ...], units: list[Unit],
           scores: np.ndarray, group_of: dict[int, int], model: DisputeModel,
           sources: tuple[str, ...] = (), people: frozenset[str] = frozenset()) -> Conflict:
    """The conflict with its evidence and confidence (arguments as :func:`evidence`)."""
    ev = evidence(conflict, sides, units, scores, group_of, sources, people)
    return dataclasses.replace(conflict, evidence=ev,
                               confidence=model.confidence(conflict.kind, ev))
