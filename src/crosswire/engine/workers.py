"""Worker processes, one per core, for the work that keeps the cores busy: parsing articles
(the NLP stage) and encoding texts with the embedding model (the cross-source stage asks for
the vectors each of its steps will compare in one large call, shared out here).

Stories touched by a run are made in the workers too when they run (alignment, entity
linking and summaries: the cross-source stage's serial work otherwise): ``Workers.make_stories``
is a story job mapper (``crosswire.story.StoryMapper``) for the stage.

A :class:`Workers` pool starts on first use and serves a whole run; each process loads the
spaCy pipeline and the embedding model once, when it first needs them. The parent keeps the
single store writer. Processes are started with ``spawn``: a forked child of a parent that
already loaded torch (the embedder) can deadlock on torch's thread pool.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing.pool import Pool
from types import TracebackType

import numpy as np

from ..common import batches
from ..config import Config
from ..embed import Embedder, load_embedder
from ..nlp import NlpPipeline
from ..records import Article, ParsedArticle, Skipped, Story
from ..story import StoryJob, make_stories

# Fewer texts than this are encoded in the parent when the workers are not running yet:
# starting them (an interpreter, torch and the model each: 5-10 s) costs about what encoding
# that many sentences on one core does.
ENCODE_PARALLEL_MIN = 2000

_CONFIG: Config | None = None
_PIPELINE: NlpPipeline | None = None
_EMBEDDER: Embedder | None = None


def _init(config: Config) -> None:
    global _CONFIG
    _CONFIG = config


def _parse(batch: list[Article]) -> list[ParsedArticle | Skipped]:
    global _PIPELINE
    assert _CONFIG is not None
    if _PIPELINE is None:
        _PIPELINE = NlpPipeline(_CONFIG.nlp)
    return list(_PIPELINE.pipe(batch))


def _encode(texts: list[str]) -> np.ndarray:
    return _embedder().encode(texts)


def _embedder() -> Embedder:
    global _EMBEDDER
    assert _CONFIG is not None
    if _EMBEDDER is None:
        # One thread: the processes are the parallelism, one per core.
        _EMBEDDER = load_embedder(_CONFIG.analysis.embedding_model, threads=1)
    return _EMBEDDER


def _make_story(job: StoryJob) -> Story:
    assert _CONFIG is not None
    # On this worker's own model, one thread: the processes are the parallelism.
    return make_stories([job], _CONFIG, _embedder())[0]


class Workers:
    """``processes`` worker processes, started on first use, stopped on ``close``."""

    def __init__(self, config: Config, processes: int):
        self.config = config
        self.processes = processes
        self._pool: Pool | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def _started(self) -> Pool:
        if self._pool is None:
            context = mp.get_context("spawn")
            self._pool = context.Pool(self.processes, initializer=_init, initargs=(self.config,))
        return self._pool

    def parse(self, articles: Iterable[Article], batch_size: int = 16
              ) -> Iterator[ParsedArticle | Skipped]:
        """Parse in the workers, yielding results in input order."""
        # imap keeps input order and bounds memory to a few batches in flight per worker.
        for results in self._started().imap(_parse, batches(articles, batch_size), chunksize=1):
            yield from results

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` (one row each, in order; at least one text), encoded in shares
        across the workers. A share is a band of texts of similar length (the model pads a
        batch to its longest text), longest first, a few per worker so that they finish
        together however long their texts (or busy their core)."""
        order = sorted(range(len(texts)), key=lambda i: (-len(texts[i]), i))
        size = max(32, -(-len(texts) // (self.processes * 8)))
        shares = [order[start:start + size] for start in range(0, len(order), size)]
        encoded = self._started().map(_encode, [[texts[i] for i in share] for share in shares],
                                      chunksize=1)
        out = np.empty((len(texts), encoded[0].shape[1]), dtype=np.float32)
        for share, vectors in zip(shares, encoded):
            out[share] = vectors
        return out

    def make_stories(self, jobs: Sequence[StoryJob]) -> list[Story]:
        """The stories of ``jobs``, made in the workers, in order."""
        chunk = max(1, len(jobs) // (self.processes * 8))
        return self._started().map(_make_story, list(jobs), chunksize=chunk)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is not None and self._pool is not None:
            self._pool.terminate()  # a failed run does not wait for queued work
        self.close()


class WorkerEmbedder:
    """The configured embedding model (the :class:`~crosswire.embed.Embedder` protocol),
    encoding large calls in the workers and small ones in this process until the workers
    run anyway."""

    def __init__(self, workers: Workers):
        self.workers = workers
        self.local = load_embedder(workers.config.analysis.embedding_model)
        self.name = self.local.name  # the same model: its cache keys are the local model's
        self.dim = self.local.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.workers.started or len(texts) >= ENCODE_PARALLEL_MIN:
            return self.workers.encode(texts)
        return self.local.encode(texts)
