"""Quality gate: time expressions on a fixed slice of TBAQ-cleaned (TimeBank + AQUAINT).

The full evaluation is ``eval/timebank.py`` (figures in docs/benchmarks.md). This slice is
every 13th document of the two corpora in name order (20 documents, both corpora); the
floors sit a little under what the slice measured on 2026-11-24, so a change that loses
detection or normalisation quality fails here.
"""

from __future__ import annotations

import pytest

from scripts import load_script

TIMEBANK = load_script("eval", "timebank")

# Measured on the slice (2026-11-24): relaxed F1 0.917, strict F1 0.831, type accuracy
# 0.940, value F1 0.763.
FLOORS = {"relaxed_f1": 0.90, "strict_f1": 0.81, "type_accuracy": 0.92, "value_f1": 0.745}


@pytest.mark.skipif(not TIMEBANK.DATA.is_dir(), reason="../shared/data/timebank not present")
def test_timebank_slice_meets_floors():
    docs = TIMEBANK.load_corpus("all")[::13]
    assert len(docs) == 20 and {d.corpus for d in docs} == {"TimeBank", "AQUAINT"}
    score = TIMEBANK.score(TIMEBANK.predict(docs))
    measured = {"relaxed_f1": score.relaxed_prf[2], "strict_f1": score.strict_prf[2],
                "type_accuracy": score.type_accuracy, "value_f1": score.value_prf[2]}
    low = {k: round(v, 3) for k, v in measured.items() if v < FLOORS[k]}
    assert not low, f"below the floors {FLOORS}: {low}"
