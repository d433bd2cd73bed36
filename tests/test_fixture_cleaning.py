"""The whole fixture corpus through ingest and cleaning, compared with its ground truth
(eval/cleaning.py does the scoring; docs/benchmarks.md has the measured figures)."""

from __future__ import annotations

import json

import pytest

from scripts import load_script

CLEANING = load_script("eval", "cleaning")


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


@pytest.mark.skipif(not CLEANING.BASIL.is_dir(), reason="../shared/data/basil not present")
def test_real_news_paragraphs_are_not_removed():
    """299 real articles (BASIL) as plain text: the line rules must leave their paragraphs
    alone. The one paragraph removed when the floor was set is an author's bio ending in
    "Follow her on Twitter at @..." that BASIL counts as body. Two more kinds of line BASIL
    keeps are removed on purpose: a contributor line ("<names> contributed to this report.",
    a credit) and a newspaper's print-edition note ("A version of this article appears in
    print on ...", a publication line); one of each in BASIL."""
    report = CLEANING.basil_body_loss()
    assert report.articles >= 290
    by_convention = [lost for lost in report.lost
                     if (lost[1] == "credit" and lost[2].endswith("contributed to this report."))
                     or (lost[1] == "publication-line" and "appears in print" in lost[2])]
    assert len(by_convention) <= 2, by_convention
    assert len(report.lost) - len(by_convention) <= 1, report.lost
    assert report.titles_right == report.articles
