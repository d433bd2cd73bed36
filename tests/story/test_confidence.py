"""The disputes' confidence: evidence read from a story's claims, the shipped model, and the
line between disputes and possible differences (fictional cases of test_conflicts.py)."""

from __future__ import annotations

import dataclasses

import pytest

from crosswire.config import Config
from crosswire.linear import LinearModel
from crosswire.records import ConflictEvidence
from crosswire.story import confidence

from test_conflicts import CASES, align_pair, nlp  # noqa: F401  (nlp is a fixture)


def _evidence(**changes) -> ConflictEvidence:
    base = ConflictEvidence(derived=False, similarity=0.6, aligned=True, articles=(1, 1),
                            difference=0.7, words=3, people=None)
    return dataclasses.replace(base, **changes)


def test_features_bin_the_evidence_alone_and_beside_the_kind() -> None:
    feats = confidence.features("date", _evidence(similarity=0.9, words=1))
    assert "kind=date" in feats and "similarity>=0.85" in feats and "date:similarity>=0.85" in feats
    assert "words<=2" in feats and not any(f.startswith("people") for f in feats)
    people = confidence.features("attribution", _evidence(people=False))
    assert "people=False" in people and "attribution:people=False" in people


def test_the_shipped_model_trusts_a_change_made_by_a_rewrite_more() -> None:
    model = confidence.load_model()
    for kind in ("number", "date", "quote-wording", "certainty"):
        independent = model.confidence(kind, _evidence())
        derived = model.confidence(kind, _evidence(derived=True))
        assert 0.0 <= independent < derived <= 1.0, kind


def test_a_model_is_read_back_from_its_json() -> None:
    model = confidence.DisputeModel(LinearModel(-1.0, {"kind=date": 3.0}))
    again = confidence.DisputeModel.from_json(model.to_json())
    assert again.confidence("date", _evidence()) == pytest.approx(0.8808, abs=1e-4)
    assert again.confidence("place", _evidence()) == pytest.approx(0.2689, abs=1e-4)


@pytest.mark.parametrize("line", [0.0, 1.01])
def test_the_dispute_line_sorts_conflicts_into_disputes_or_possible_ones(nlp, line) -> None:  # noqa: F811
    c = next(c for c in CASES if c.name == "confirmed-vs-declined")
    config = Config()
    config = config.replace(analysis=dataclasses.replace(config.analysis,
                                                         dispute_confidence=line))
    story = align_pair(nlp, c, config)
    disputes = [k for claim in story.claims for k in claim.conflicts]
    possible = [k for claim in story.claims for k in claim.possible_conflicts]
    assert len(disputes) + len(possible) == 1
    conflict = (disputes + possible)[0]
    assert conflict.evidence is not None and 0.0 <= conflict.confidence <= 1.0
    assert conflict.evidence.articles == (1, 1) and conflict.evidence.derived == c.derived
    if line == 0.0:
        assert disputes and any(claim.status == "disputed" for claim in story.claims)
    else:
        assert possible and all(claim.status != "disputed" for claim in story.claims)
