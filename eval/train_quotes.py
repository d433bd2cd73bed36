"""Train the attribution models (cue, content, source) on the PolNeAR train split.

Reads ``../shared/data/polnear/train`` at run time (never dev: dev is for evaluation only),
parses each text with the project's spaCy pipeline, and writes the three logistic
regressions as weight tables to ``src/crosswire/data/attribution_model.json``.

Labels, from each gold attribution:
- cue: the cue span's syntactic head (the token whose head is outside the span) is a
  positive; every other cue-candidate token of the text is a negative;
- content: among the candidates ``content_candidates`` builds around the gold cue head, the
  one sharing most non-punctuation tokens with the gold content is the positive, when that
  overlap is at least half of the larger of the two; the rest are negatives;
- source: the candidate with most tokens in common with the gold source is the positive, or
  ``none`` when the gold attribution has no source.
The cue threshold is the one that maximises cue F1 on a held-out tenth of the train texts
(every tenth text); the final models are then fitted on all train texts.

Usage::

    .venv/bin/python eval/train_quotes.py [--cache /tmp/polnear-train.spacy] [--limit N]

Deterministic: liblinear with a fixed seed, texts in name order.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from polnear import documents  # noqa: E402

from crosswire.config import NlpConfig  # noqa: E402
from crosswire.linear import best_threshold, fit  # noqa: E402
from crosswire.nlp.attribution import (  # noqa: E402
    AttributionModel, DocView, content_candidates, content_features,
    cue_features, is_cue_candidate, source_candidates, source_features)
from crosswire.nlp.model import load_model  # noqa: E402
from crosswire.nlp.quotemarks import find_quoted  # noqa: E402

OUT = ROOT / "src" / "crosswire" / "data" / "attribution_model.json"
# L2 strength (sklearn's C) per model; chosen on the held-out tenth of train.
C = {"cue": 0.5, "content": 0.5, "source": 0.5}


def parse(texts: list[str], cache: Path | None):
    from spacy.tokens import DocBin

    nlp = load_model(tuple(NlpConfig().models))
    if cache and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(texts) and all(d.text == t for d, t in zip(docs, texts)):
            return docs
    docs = list(nlp.pipe(texts, batch_size=16))
    if cache:
        bin_ = DocBin(store_user_data=False)
        for doc in docs:
            bin_.add(doc)
        bin_.to_disk(cache)
    return docs


def token_set(doc, fragments) -> set[int]:
    out: set[int] = set()
    for start, end in fragments:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            out.update(t.i for t in span if not t.is_punct and not t.is_space)
    return out


def cue_head(doc, fragments) -> int | None:
    cue: set[int] = set()
    for start, end in fragments[:1]:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            cue.update(t.i for t in span)
    heads = [i for i in sorted(cue) if doc[i].head.i not in cue or doc[i].head.i == i]
    return heads[0] if heads else None


def examples(docs, gold_docs):
    """Feature lists and labels for the three models, per text."""
    per_text = []
    for doc, gold in zip(docs, gold_docs):
        quoted, _ = find_quoted(doc.text)
        view = DocView(doc, quoted)
        heads = {}
        for attribution in gold.gold:
            if attribution.cue:
                head = cue_head(doc, attribution.cue)
                if head is not None:
                    heads.setdefault(head, attribution)
        cue_x, cue_y, content_x, content_y, source_x, source_y = [], [], [], [], [], []
        for token in doc:
            if is_cue_candidate(token):
                cue_x.append(cue_features(token, view))
                cue_y.append(int(token.i in heads))
        for head_i, attribution in heads.items():
            head = doc[head_i]
            if not is_cue_candidate(head):
                continue
            gold_content = token_set(doc, attribution.content)
            cands = content_candidates(head, view)
            best, best_overlap = None, 0.5
            for k, cand in enumerate(cands):
                shared = len(gold_content & set(cand.tokens))
                overlap = shared / max(len(gold_content), len(cand.tokens), 1)
                if overlap >= best_overlap:
                    best, best_overlap = k, overlap
            labels = [c.label for c in cands]
            for k, cand in enumerate(cands):
                content_x.append(content_features(head, cand, view, labels))
                content_y.append(int(k == best))
            gold_source = token_set(doc, attribution.source)
            sources = source_candidates(head, view)
            scores = [len(gold_source & set(c.tokens)) if c.tokens else 0 for c in sources]
            if gold_source and max(scores) > 0:
                best_source = scores.index(max(scores))
            elif not gold_source:
                best_source = next(k for k, c in enumerate(sources) if c.label == "none")
            else:
                best_source = None  # the gold source is none of the candidates
            if best_source is not None:
                for k, cand in enumerate(sources):
                    source_x.append(source_features(head, cand, view))
                    source_y.append(int(k == best_source))
        per_text.append((cue_x, cue_y, content_x, content_y, source_x, source_y))
    return per_text


def gather(per_text, index: list[int], k: int):
    x, y = [], []
    for i in index:
        x.extend(per_text[i][k])
        y.extend(per_text[i][k + 1])
    return x, y


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="keep the parses here between runs")
    parser.add_argument("--limit", type=int, help="first N train texts only")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--heldout", action="store_true",
                        help="fit on nine tenths of train only, leaving every tenth text out "
                             "for development (never for the shipped model)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    gold_docs = documents("train", args.limit)
    docs = parse([d.text for d in gold_docs], args.cache)
    print(f"parsed {len(docs)} texts in {time.perf_counter() - started:.0f} s", flush=True)
    per_text = examples(docs, gold_docs)
    held = [i for i in range(len(per_text)) if i % 10 == 9]
    kept = [i for i in range(len(per_text)) if i % 10 != 9]
    cue_model = fit(*gather(per_text, kept, 0), C["cue"])
    f1, threshold = best_threshold(cue_model, *gather(per_text, held, 0))
    print(f"cue F1 on the held-out tenth: {100 * f1:.1f} at threshold {threshold:.3f}")
    everything = kept if args.heldout else list(range(len(per_text)))
    model = AttributionModel(
        cue=fit(*gather(per_text, everything, 0), C["cue"]),
        content=fit(*gather(per_text, everything, 2), C["content"]),
        source=fit(*gather(per_text, everything, 4), C["source"]),
        cue_threshold=round(threshold, 4))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.to_json(), sort_keys=True, separators=(",", ":")),
                        encoding="utf-8")
    sizes = {k: len(getattr(model, k).weights) for k in ("cue", "content", "source")}
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, weights {sizes}) in "
          f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
