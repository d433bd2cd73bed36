"""Score numeric claims and events against the project's own annotations.

Numbers: the fixture corpus ground truth (tests/fixtures/corpus/ground_truth.json, per-article
``numbers`` with text, value, approx, counts, claimant; ``as_of`` from the dated sides of its
``not_conflicts`` revisions). Events: tests/fixtures/events/events.json (the corpus has no
event-level annotation). Articles are built from the annotated body paragraphs (so cleaning
errors do not count here) and run through the whole NLP stage (``NlpPipeline``: every
extractor in ``EXTRACTORS``), then scored:

- detection: predicted numbers matched one-to-one to gold ones by character overlap;
- per field, end to end: a true positive is a matched pair whose field is set and right;
  precision over predictions with the field set, recall over gold items with it set;
  value within 0.1%, approx equal, counts sharing a content word (gold counts are
  descriptions such as "homes under water"), claimant equal after dropping "the" (strict) or
  one containing the other (lenient), as_of equal;
- events: predicted and gold events of one item matched by action; actor and target match
  when one contains the other (lower case, no leading article), place and date when equal.

Speed: the time the numbers and events extractors take over the parsed docs, as a share of
the raw ``nlp.pipe`` time on the same texts (the corpus bodies, plus BASIL news bodies read
from ../shared/data/basil when present, so the share is measured on real article lengths).

Usage: .venv/bin/python eval/fixture_numbers_events.py [--no-speed] [--show]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from crosswire.config import NlpConfig
from crosswire.nlp import NlpPipeline, events, numbers
from crosswire.nlp.context import ArticleContext
from crosswire.nlp.pipeline import EXTRACTORS
from crosswire.records import Article, Event, Number, ParsedArticle

ROOT = Path(__file__).resolve().parent.parent

CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "ground_truth.json"
EVENTS = ROOT / "tests" / "fixtures" / "events" / "events.json"
BASIL = ROOT.parent / "shared" / "data" / "basil" / "articles"

_STOP = {"the", "a", "an", "of", "in", "on", "at", "to", "for", "by", "and", "or", "per",
         "as", "from", "with", "its", "their", "his", "her"}


def _norm(text: str | None) -> str:
    text = (text or "").lower().replace("\u2019", "'")
    text = re.sub(r"^(the|a|an)\s+", "", text.strip())
    return re.sub(r"\s+", " ", text)


def _words(text: str | None) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z]+", (text or "").lower()):
        if w not in _STOP:
            out.add(w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return out


def _contains(a: str | None, b: str | None) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b) and (a in b or b in a)


def _article(text: str, published: str | None) -> Article:
    return Article(id=Article.make_id(text, None, None, None), source="eval", raw_id="r",
                   text=text, published=published, language="en")


class PR:
    def __init__(self) -> None:
        self.tp = self.pred = self.gold = 0

    def row(self, name: str) -> str:
        p = self.tp / self.pred if self.pred else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"| {name} | {p:.2f} | {r:.2f} | {f:.2f} | {self.tp} | {self.pred} | {self.gold} |"


def _locate(text: str, gold: list[dict]) -> list[tuple[int, int]]:
    """Character span of each gold number: the n-th occurrence for the n-th entry with the
    same text."""
    seen: dict[str, int] = defaultdict(int)
    spans = []
    for g in gold:
        k = seen[g["text"]]
        seen[g["text"]] += 1
        starts = [m.start() for m in re.finditer(re.escape(g["text"]), text)]
        s = starts[min(k, len(starts) - 1)] if starts else -1
        spans.append((s, s + len(g["text"])))
    return spans


def _match(gold_spans: list[tuple[int, int]], pred: list[Number]) -> dict[int, int]:
    """gold index -> pred index, one-to-one, largest overlap first."""
    pairs = []
    for gi, (gs, ge) in enumerate(gold_spans):
        for pi, n in enumerate(pred):
            ov = min(ge, n.span[1]) - max(gs, n.span[0])
            if ov > 0:
                pairs.append((ov, gi, pi))
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, gi, pi in sorted(pairs, reverse=True):
        if gi not in out and pi not in used:
            out[gi] = pi
            used.add(pi)
    return out


def score_numbers(pipeline: NlpPipeline, show: bool) -> list[str]:
    gt = json.loads(CORPUS.read_text(encoding="utf-8"))
    items = [a for a in gt["articles"] if a.get("language") == "en" and a.get("body")]
    articles = [_article("\n\n".join(a["body"]), a.get("published")) for a in items]
    parsed = list(pipeline.pipe(articles))
    as_of_gold: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for nc in gt.get("not_conflicts", []):
        for side in nc["sides"]:
            if side.get("as_of"):
                for ref in side["refs"]:
                    as_of_gold[ref].append((side["text"], side["as_of"]))
    fields = {k: PR() for k in ("detection", "value", "approx", "counts", "claimant (strict)",
                                "claimant (lenient)", "as_of")}
    ages = 0
    missed: list[str] = []
    for item, art, p in zip(items, articles, parsed):
        if not isinstance(p, ParsedArticle):
            continue
        pred = list(p.numbers)
        gold = item["numbers"]
        spans = _locate(art.text, gold)
        pairs = _match(spans, pred)
        for key in ("detection", "value"):
            fields[key].pred += len(pred)
            fields[key].gold += len(gold)
        fields["detection"].tp += len(pairs)
        for n in pred:
            fields["approx"].pred += n.approx is not None
            fields["counts"].pred += n.counts is not None
            fields["claimant (strict)"].pred += n.claimant is not None
            fields["claimant (lenient)"].pred += n.claimant is not None
        for gi, g in enumerate(gold):
            fields["approx"].gold += g["approx"] is not None
            fields["counts"].gold += g["counts"] is not None
            fields["claimant (strict)"].gold += g["claimant"] is not None
            fields["claimant (lenient)"].gold += g["claimant"] is not None
            if gi not in pairs:
                if (g.get("counts") or "").startswith("age of"):
                    ages += 1
                missed.append(f"{item['ref'][:50]}: {g['text']!r}")
                continue
            n = pred[pairs[gi]]
            fields["value"].tp += abs(n.value - g["value"]) <= 1e-3 * max(1.0, abs(g["value"]))
            fields["approx"].tp += g["approx"] is not None and n.approx == g["approx"]
            fields["counts"].tp += bool(g["counts"] and n.counts
                                        and _words(g["counts"]) & _words(n.counts))
            fields["claimant (strict)"].tp += bool(g["claimant"] and n.claimant
                                                   and _norm(g["claimant"]) == _norm(n.claimant))
            fields["claimant (lenient)"].tp += bool(g["claimant"]
                                                    and _contains(g["claimant"], n.claimant))
        for side_text, value in as_of_gold.get(item["ref"], []):
            start = art.text.find(side_text)
            if start < 0:
                continue
            inside = [n for n in pred if n.span[0] < start + len(side_text) and start < n.span[1]]
            fields["as_of"].gold += 1
            fields["as_of"].pred += sum(1 for n in inside if n.as_of)
            fields["as_of"].tp += any(n.as_of == value for n in inside)
        if show:
            for n in pred:
                print(f"  {item['ref'][:40]} {n.text!r} {n.value} {n.approx} | {n.counts} | "
                      f"{n.claimant} | {n.as_of}")
    rows = ["| numbers field | P | R | F1 | TP | pred | gold |", "|---|---|---|---|---|---|---|"]
    rows += [pr.row(k) for k, pr in fields.items()]
    rows.append(f"\n{len(items)} English articles, {fields['detection'].gold} gold numbers; "
                f"{ages} of the misses are ages in apposition (\"Name, 41\"), which the spec "
                "skips as non-claims.")
    if show:
        print("missed:", *missed, sep="\n  ")
    return rows


def score_events(pipeline: NlpPipeline, show: bool) -> list[str]:
    items = json.loads(EVENTS.read_text(encoding="utf-8"))
    articles = [_article(it["text"], it.get("published")) for it in items]
    parsed = list(pipeline.pipe(articles))
    fields = {k: PR() for k in ("action", "actor", "target", "place", "date")}
    for it, p in zip(items, parsed):
        pred: list[Event] = list(p.events) if isinstance(p, ParsedArticle) else []
        gold = it["events"]
        used: set[int] = set()
        pairs = []
        for g in gold:
            pi = next((i for i, e in enumerate(pred) if i not in used and e.action == g["action"]), None)
            if pi is not None:
                used.add(pi)
                pairs.append((g, pred[pi]))
        fields["action"].tp += len(pairs)
        fields["action"].pred += len(pred)
        fields["action"].gold += len(gold)
        for key in ("actor", "target", "place", "date"):
            fields[key].pred += sum(1 for e in pred if getattr(e, key))
            fields[key].gold += sum(1 for g in gold if g[key])
            for g, e in pairs:
                got = getattr(e, key)
                if key in ("actor", "target"):
                    fields[key].tp += _contains(g[key], got)
                else:
                    fields[key].tp += bool(g[key]) and _norm(g[key]) == _norm(got)
        if show:
            print(f"  {it['text']}")
            for e in pred:
                print(f"     -> {e.action} | {e.actor} | {e.target} | {e.place} | {e.date} | {e.summary}")
            for g in gold:
                print(f"     gold {g}")
    rows = ["| event field | P | R | F1 | TP | pred | gold |", "|---|---|---|---|---|---|---|"]
    rows += [pr.row(k) for k, pr in fields.items()]
    rows.append(f"\n{len(items)} items, {fields['action'].gold} gold events.")
    return rows


def _basil_texts(limit: int) -> list[str]:
    texts = []
    for path in sorted(BASIL.rglob("*.json"))[:limit]:
        data = json.loads(path.read_text(encoding="utf-8"))
        body = data.get("body-paragraphs") or []
        text = "\n\n".join(p if isinstance(p, str) else " ".join(p) for p in body)
        if text.strip():
            texts.append(text)
    return texts


def measure_speed(pipeline: NlpPipeline) -> list[str]:
    gt = json.loads(CORPUS.read_text(encoding="utf-8"))
    texts = ["\n\n".join(a["body"]) for a in gt["articles"] if a.get("language") == "en"]
    basil = _basil_texts(150) if BASIL.is_dir() else []
    texts += basil
    nlp = pipeline.nlp
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=pipeline.config.batch_size))
    parse = time.perf_counter() - t0
    spent = {"numbers": 0.0, "events": 0.0}
    for text, doc in zip(texts, docs):
        ctx = ArticleContext(article=_article(text, None), doc=doc)
        t = time.perf_counter()
        ctx.numbers = numbers.extract(ctx)
        spent["numbers"] += time.perf_counter() - t
        t = time.perf_counter()
        ctx.events = events.extract(ctx)
        spent["events"] += time.perf_counter() - t
    chars = sum(map(len, texts))
    return [(f"{len(texts)} texts ({len(basil)} BASIL news bodies), {chars:,} characters: "
             f"nlp.pipe {parse:.1f} s; numbers {spent['numbers']:.2f} s "
             f"({100 * spent['numbers'] / parse:.1f}% of parse), events {spent['events']:.2f} s "
             f"({100 * spent['events'] / parse:.1f}% of parse); together "
             f"{100 * sum(spent.values()) / parse:.1f}% (entities, quotes, timexes not included).")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-speed", action="store_true", help="skip the timing run")
    ap.add_argument("--show", action="store_true", help="print every prediction and miss")
    args = ap.parse_args()
    pipeline = NlpPipeline(NlpConfig())
    print("extractors:", ", ".join(name for name, _ in EXTRACTORS))
    print(*score_numbers(pipeline, args.show), sep="\n")
    print()
    print(*score_events(pipeline, args.show), sep="\n")
    if not args.no_speed:
        print()
        print(*measure_speed(pipeline), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
