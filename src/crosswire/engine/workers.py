"""Worker processes for the per-article NLP stage.

Each worker loads the spaCy pipeline once (in its initializer) and parses batches of
articles; the parent keeps the single store writer. Processes are started with ``spawn``:
a forked child of a parent that already loaded torch (the embedder) can deadlock on torch's
thread pool.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator

from ..config import NlpConfig
from ..nlp import NlpPipeline
from ..records import Article, ParsedArticle, Skipped

_PIPELINE: NlpPipeline | None = None


def _init(config: NlpConfig) -> None:
    global _PIPELINE
    _PIPELINE = NlpPipeline(config)


def _work(batch: list[Article]) -> list[ParsedArticle | Skipped]:
    assert _PIPELINE is not None
    return list(_PIPELINE.pipe(batch))


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def parse_parallel(articles: Iterable[Article], config: NlpConfig, workers: int,
                   batch_size: int = 16) -> Iterator[ParsedArticle | Skipped]:
    """Parse in ``workers`` processes, yielding results in input order."""
    context = mp.get_context("spawn")
    with context.Pool(workers, initializer=_init, initargs=(config,)) as pool:
        # imap keeps input order and bounds memory to a few batches in flight per worker.
        for results in pool.imap(_work, _batches(articles, batch_size), chunksize=1):
            yield from results
