"""End-to-end throughput against raw spaCy on the same texts, in one run.

    .venv/bin/python bench/build_corpus.py --size 1000
    .venv/bin/python bench/throughput.py bench/corpus/news-1000.jsonl --workers 2

Runs ``crosswire analyze`` (library call, fresh store) over the corpus, timing each stage,
then runs raw spaCy ``nlp.pipe`` with the same model over the same cleaned texts, with the
same number of processes. Reports articles per second for both, their ratio (target >= 0.7),
the time per stage and the peak memory of the crosswire run (all its processes, sampled from /proc).
Absolute timings on a shared 2-core machine are noisy; the ratio within one run is the figure.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import threading
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


class MemorySampler:
    """Peak memory of this process and its descendants (the worker processes), sampled from
    /proc every half second. ``getrusage(RUSAGE_CHILDREN)`` cannot say it: a child's peak
    there includes the parent's pages it held between fork and exec.

    ``total`` sums proportional set sizes (PSS: a page shared by n processes counts 1/n in
    each), so shared model pages are not counted twice; ``largest`` is the largest single
    process's resident set."""

    def __init__(self, every: float = 0.5):
        self.every = every
        self.total_mb = 0.0
        self.largest_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = [_memory_kb(pid) for pid in _tree(os.getpid())]
            sizes = [s for s in sizes if s is not None]
            if sizes:
                self.total_mb = max(self.total_mb, sum(p for p, _ in sizes) / 1024)
                self.largest_mb = max(self.largest_mb, max(r for _, r in sizes) / 1024)
            self._stop.wait(self.every)


def _tree(root: int) -> list[int]:
    """``root`` and every process descending from it."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # The command name (field 2) may hold spaces: the parent pid follows its ")".
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _memory_kb(pid: int) -> tuple[int, int] | None:
    """(PSS, RSS) of one process in kB, None when it has gone."""
    try:
        fields = dict(line.split(":", 1) for line in
                      Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        return int(fields["Pss"].split()[0]), int(fields["Rss"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-spacy", action="store_true",
                        help="crosswire only (a memory or growth run): no raw spaCy run, no ratio")
    args = parser.parse_args()
    config = Config().replace("engine", workers=args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        config = config.replace(db=Path(tmp) / "bench.db")
        started = time.perf_counter()
        with Store(config.db) as store, MemorySampler() as memory:
            result = local.analyze([str(args.corpus)], config, store)
            crosswire_s = time.perf_counter() - started
            texts = [a.text for a in store.articles(result.article_ids) if a.is_english]
        spacy_s = (float("nan") if args.no_spacy else
                   raw_spacy(texts, tuple(config.nlp.models), args.workers, config.nlp.batch_size))
    n = len(result.article_ids)
    figures = {
        "articles": n, "english_articles": len(texts), "workers": args.workers,
        "crosswire_s": round(crosswire_s, 1), "crosswire_articles_per_s": round(n / crosswire_s, 2),
        "spacy_s": round(spacy_s, 1), "spacy_articles_per_s": round(len(texts) / spacy_s, 2),
        "ratio": round((n / crosswire_s) / (len(texts) / spacy_s), 3),
        "stages_s": {k: round(v, 1) for k, v in result.timings.items()},
        # Of the crosswire run only (the raw spaCy run after it is not sampled).
        "peak_memory_mb": {"all_processes_pss": round(memory.total_mb),
                           "largest_process_rss": round(memory.largest_mb)},
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
    print(f"peak memory of the crosswire run: {figures['peak_memory_mb']['all_processes_pss']} MB "
          f"over all its processes (PSS), largest process "
          f"{figures['peak_memory_mb']['largest_process_rss']} MB (RSS)")


if __name__ == "__main__":
    main()
