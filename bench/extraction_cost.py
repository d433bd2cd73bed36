"""What the extractors cost on top of the spaCy parse, in one process and one run.

    .venv/bin/python bench/extraction_cost.py bench/corpus/news-1000.jsonl --limit 300

Parses the texts with raw ``nlp.pipe`` (the same model and batch size crosswire uses), then
runs every extractor of ``crosswire.nlp.pipeline.EXTRACTORS`` over the same Docs, timing each.
Reports the extractors' total as a share of the parse time (issue 3's target: at most 25%)
and each extractor's share. Both are measured in one process, so the ratio does not depend on
how busy the machine is as much as absolute times do; no worker processes or store writes
are included (bench/throughput.py measures those end to end).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import time
from pathlib import Path

from crosswire.config import NlpConfig
from crosswire.nlp.context import ArticleContext
from crosswire.nlp.model import load_given_names, load_model
from crosswire.nlp.pipeline import EXTRACTORS, parseable
from crosswire.nlp.tagger import load_tagger
from crosswire.records import Article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="JSON Lines with a 'text' field per line")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--attribution", choices=["tagger", "rules"], default=None,
                        help="override nlp.attribution (default: the configured one)")
    args = parser.parse_args()

    texts = []
    with args.corpus.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                texts.append(parseable(json.loads(line)["text"]))
            if len(texts) >= args.limit:
                break
    config = NlpConfig()
    if args.attribution:
        config = dataclasses.replace(config, attribution=args.attribution)
    nlp = load_model(tuple(config.models))
    tagger = load_tagger(o_penalty=config.tagger_o_penalty) \
        if config.attribution == "tagger" else None
    given_names = load_given_names(config.given_name_min_count, config.given_name_share)
    nlp("warm up")  # the first call pays lazy initialisation, not parsing

    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=config.batch_size))
    parse = time.perf_counter() - started

    spent = {name: 0.0 for name, _ in EXTRACTORS}
    for n, (text, doc) in enumerate(zip(texts, docs)):
        article = Article(id=f"a_{n}", source="bench", raw_id=f"r_{n}", text=text,
                          language="en", published="2025-01-15")
        ctx = ArticleContext(article=article, doc=doc, tagger=tagger, given_names=given_names)
        for name, extractor in EXTRACTORS:
            t0 = time.perf_counter()
            setattr(ctx, name, extractor(ctx))
            spent[name] += time.perf_counter() - t0
    total = sum(spent.values())
    figures = {
        "texts": len(texts), "characters": sum(map(len, texts)),
        "parse_s": round(parse, 2), "extractors_s": round(total, 2),
        "extractors_share_of_parse": round(total / parse, 3),
        "per_extractor_share": {k: round(v / parse, 3) for k, v in spent.items()},
        "attribution": config.attribution,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['texts']} texts, {figures['characters']:,} characters; attribution: "
          f"{config.attribution}; peak RSS {figures['peak_rss_mb']} MB")
    print(f"raw nlp.pipe: {parse:.1f} s; all extractors: {total:.1f} s "
          f"= {100 * total / parse:.1f}% of the parse (target <= 25%)")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<10} {seconds:6.2f} s  {100 * seconds / parse:5.1f}%")


if __name__ == "__main__":
    main()
