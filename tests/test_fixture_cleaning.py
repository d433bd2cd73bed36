"""The whole fixture corpus through ingest and cleaning, compared with its ground truth
(eval/cleaning.py does the scoring; docs/benchmarks.md has the measured figures)."""

from __future__ import annotations

import json

from test_clean import load_eval

CLEANING = load_eval("cleaning")


def test_fixture_corpus_cleaning_matches_ground_truth(config):
    truth = json.loads((CLEANING.CORPUS / "ground_truth.json").read_text(encoding="utf-8"))
    report = CLEANING.score(truth, CLEANING.ingest_corpus(config))

    assert not report.missing, f"articles not produced: {report.missing}"
    # Never lose a body line.
    assert not report.body_lost, "\n".join(f"{ref}: {para[:80]}" for ref, para in report.body_lost)
    # Every boilerplate line removed, and recorded with the ground truth's kind.
    assert not report.boilerplate_kept, "\n".join(
        f"{ref} [{kind}]: {line}" for ref, kind, line in report.boilerplate_kept)
    assert report.right_kind_share >= 0.95, "\n".join(
        f"{ref} [{kind} != {got}]: {line}" for ref, kind, line, got in report.wrong_kind)
    # Title, outlet, publication date and its basis, language: per article.
    assert not report.meta_wrong, "\n".join(
        f"{ref} {name}: want {want!r}, got {got!r}" for ref, name, want, got in report.meta_wrong)
