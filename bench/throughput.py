"""End-to-end throughput against raw spaCy on the same texts, in one run.

    .venv/bin/python bench/build_corpus.py --size 1000
    .venv/bin/python bench/throughput.py bench/corpus/news-1000.jsonl --workers 2

Runs ``crosswire analyze`` (library call, fresh store) over the corpus, timing each stage,
then runs raw spaCy ``nlp.pipe`` with the same model over the same cleaned texts, with the
same number of processes. Reports articles per second for both, their ratio (target >= 0.7),
the time per stage and the peak resident memory of the run (parent and workers).
Absolute timings on a shared 2-core machine are noisy; the ratio within one run is the figure.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

from crosswire.config import Config
from crosswire.engine import local
from crosswire.nlp.model import load_model
from crosswire.store import Store


def _spacy_worker(args: tuple[tuple[str, ...], list[str], int]) -> int:
    models, texts, batch = args
    nlp = load_model(models)
    return sum(1 for _ in nlp.pipe(texts, batch_size=batch))


def raw_spacy(texts: list[str], models: tuple[str, ...], processes: int, batch: int) -> float:
    """Seconds for raw nlp.pipe over texts in ``processes`` processes (model load excluded
    the same way crosswire's workers pay it: once per process, included)."""
    shards = [texts[i::processes] for i in range(processes)]
    started = time.perf_counter()
    if processes == 1:
        _spacy_worker((models, texts, batch))
    else:
        with mp.get_context("spawn").Pool(processes) as pool:
            pool.map(_spacy_worker, [(models, shard, batch) for shard in shards])
    return time.perf_counter() - started


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    config = Config().replace("engine", workers=args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        config = config.replace(db=Path(tmp) / "bench.db")
        started = time.perf_counter()
        with Store(config.db) as store:
            result = local.analyze([str(args.corpus)], config, store)
            crosswire_s = time.perf_counter() - started
            texts = [a.text for a in store.articles(result.article_ids) if a.is_english]
        spacy_s = raw_spacy(texts, tuple(config.nlp.models), args.workers, config.nlp.batch_size)
    n = len(result.article_ids)
    own, children = peak_rss_mb()
    figures = {
        "articles": n, "english_articles": len(texts), "workers": args.workers,
        "crosswire_s": round(crosswire_s, 1), "crosswire_articles_per_s": round(n / crosswire_s, 2),
        "spacy_s": round(spacy_s, 1), "spacy_articles_per_s": round(len(texts) / spacy_s, 2),
        "ratio": round((n / crosswire_s) / (len(texts) / spacy_s), 3),
        "stages_s": {k: round(v, 1) for k, v in result.timings.items()},
        "peak_rss_mb": {"parent": round(own), "largest_worker": round(children)},
        "skipped": len(result.skipped),
    }
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
        return
    print(f"articles: {n} ({len(texts)} English) with {args.workers} worker(s)")
    print(f"crosswire analyze: {figures['crosswire_s']} s = {figures['crosswire_articles_per_s']} articles/s")
    print(f"raw spaCy nlp.pipe: {figures['spacy_s']} s = {figures['spacy_articles_per_s']} articles/s")
    print(f"ratio (target >= 0.7): {figures['ratio']}")
    print("stages (s): " + ", ".join(f"{k} {v}" for k, v in figures["stages_s"].items()))
    print(f"peak RSS: parent {figures['peak_rss_mb']['parent']} MB, largest worker "
          f"{figures['peak_rss_mb']['largest_worker']} MB")


if __name__ == "__main__":
    main()
