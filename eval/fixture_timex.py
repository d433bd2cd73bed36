"""Score time expressions on the project's fixture corpus against its ground truth.

``tests/fixtures/corpus/ground_truth.json`` lists, per article, every timex as
``{text, type, value}`` (``complete: true`` articles list all of them, so recall and
precision are both measurable). The corpus goes through crosswire's own ingest and cleaning
(``eval/cleaning.py``), then the NLP stage's parse and ``crosswire.nlp.timex.extract``.

Gold entries carry no offsets: the k-th entry with a given text is placed on the k-th
occurrence of that text in the cleaned article (whole words); an entry whose text is not in
the cleaned text counts as missed. Metrics as in ``eval/timebank.py``: relaxed detection
(overlap, one-to-one), strict detection (same extent), type accuracy on relaxed matches, and
value P/R/F1 (overlap and the same value).

Articles with no publication date are scored as the extractor leaves them (relative values
unresolved, with X placeholders); ``--infer`` first gives them a date with
``timex.infer_published`` from the other articles of their ground-truth event, as the
cross-source stage does for a story.

Usage::

    .venv/bin/python eval/fixture_timex.py [--errors] [--infer]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"crosswire_eval_{name}", ROOT / "eval" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


CLEANING = _load("cleaning")
TIMEBANK = _load("timebank")


def gold_spans(text: str, timexes: list[dict]) -> list:
    """Gold timexes placed on the text: the k-th entry of a text on its k-th occurrence."""
    seen: dict[str, int] = {}
    out = []
    for item in timexes:
        words = item["text"]
        k = seen.get(words, 0)
        seen[words] = k + 1
        hits = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", text)]
        span = hits[k] if k < len(hits) else (-1, -1)  # (-1, -1) overlaps nothing: a miss
        out.append(TIMEBANK.GoldTimex(span, words, item["type"], item["value"]))
    return out


def run(infer: bool = False, errors: bool = False) -> tuple[object, list[str], int]:
    """(score, notes on articles ingest did not produce, number of articles scored)."""
    from crosswire.config import Config
    from crosswire.nlp import NlpPipeline, timex
    from crosswire.nlp.context import ArticleContext

    truth = json.loads((CORPUS / "ground_truth.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        articles = CLEANING.ingest_corpus(Config().replace(db=Path(tmp) / "store.db", quiet=True))
    event_dates: dict[str, list[str]] = {}
    for gt in truth["articles"]:
        if gt.get("event") and gt.get("published"):
            event_dates.setdefault(gt["event"], []).append(gt["published"])
    scored = [gt for gt in truth["articles"] if gt.get("complete") and gt["language"] == "en"]
    found = [(gt, articles[gt["ref"]]) for gt in scored if gt["ref"] in articles]
    notes = [f"not produced by ingest: {gt['ref']}" for gt in scored if gt["ref"] not in articles]
    nlp = NlpPipeline()
    predictions = []
    for (gt, article), doc in zip(found, nlp.parse([a.text for _, a in found])):
        if infer and article.published is None:
            others = [d for d in event_dates.get(gt.get("event") or "", []) if d]
            date, _ = timex.infer_published(article, others)
            values = timex.find_timexes(article.text, date, doc)
        else:
            values = timex.extract(ArticleContext(article=article, doc=doc))
        document = TIMEBANK.Document(gt["ref"], "fixture", article.published or "", article.text,
                                     tuple(gold_spans(article.text, gt.get("timexes", []))))
        predictions.append(TIMEBANK.Predicted(document, values))
    return TIMEBANK.score(predictions, keep_errors=errors), notes, len(predictions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list misses and wrong values")
    parser.add_argument("--infer", action="store_true",
                        help="date undated articles from their event's other articles first")
    args = parser.parse_args(argv)
    score, notes, articles = run(args.infer, args.errors)
    if args.errors:
        print("\n".join(notes + score.errors))  # type: ignore[attr-defined]
    print(TIMEBANK.HEADER)
    label = "fixture corpus" + (" (undated articles inferred)" if args.infer else "")
    print(TIMEBANK.row(label, articles, score))
    return 0


if __name__ == "__main__":
    sys.exit(main())
