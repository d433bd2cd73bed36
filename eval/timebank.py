"""Score time-expression extraction on TBAQ-cleaned (TimeBank + AQUAINT), TempEval-3 style.

Data: ``../shared/data/timebank/{TimeBank,AQUAINT}/*.tml`` (TimeML), read at run time, never
copied. Each document's ``<TEXT>`` is the article text; its DCT (the TIMEX3 with
``functionInDocument="CREATION_TIME"``) is the publication date every relative expression
is resolved against, and is itself excluded from scoring (it sits outside ``<TEXT>``).

The text goes through crosswire's real NLP stage: one spaCy parse, then
``crosswire.nlp.timex.extract`` on an ``ArticleContext`` whose article is published on the
DCT's date. Metrics (TempEval-3):

* detection, strict: a prediction is correct when its extent equals a gold extent;
* detection, relaxed: when it overlaps a gold extent (one-to-one, largest overlap first);
* type accuracy: share of relaxed matches whose TIMEX3 type equals the gold type;
* value F1: a prediction counts when it overlaps a gold timex and its value equals the gold
  value exactly; precision over all predictions, recall over all gold timexes.

The grammar was developed against TimeBank: its figures are on development data. AQUAINT
was not looked at while writing rules: it is the held-out figure.

Usage::

    .venv/bin/python eval/timebank.py                      # both corpora + combined
    .venv/bin/python eval/timebank.py --corpus AQUAINT     # one corpus
    .venv/bin/python eval/timebank.py --errors             # plus every miss and wrong value
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "timebank"
CORPORA = ("TimeBank", "AQUAINT")


@dataclass(frozen=True, slots=True)
class GoldTimex:
    span: tuple[int, int]
    text: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    corpus: str
    dct: str  # ISO date (the DCT's time of day, where given, is dropped)
    text: str
    gold: tuple[GoldTimex, ...]


def load_document(path: Path, corpus: str) -> Document:
    root = ET.parse(path).getroot()
    dct = next(t.get("value") for t in root.iter("TIMEX3")
               if t.get("functionInDocument") == "CREATION_TIME")
    parts: list[str] = []
    gold: list[GoldTimex] = []
    length = 0

    def walk(element: ET.Element) -> None:
        nonlocal length
        if element.text:
            parts.append(element.text)
            length += len(element.text)
        for child in element:
            start = length
            walk(child)
            if child.tag == "TIMEX3":
                gold.append(GoldTimex((start, length), "".join(child.itertext()),
                                      child.get("type", ""), child.get("value", "")))
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)

    walk(root.find("TEXT"))  # type: ignore[arg-type]
    return Document(path.stem, corpus, (dct or "")[:10], "".join(parts), tuple(gold))


def load_corpus(corpus: str = "all", names: list[str] | None = None) -> list[Document]:
    corpora = CORPORA if corpus == "all" else (corpus,)
    docs = []
    for name in corpora:
        for path in sorted((DATA / name).glob("*.tml")):
            if names is None or path.stem in names:
                docs.append(load_document(path, name))
    return docs


@dataclass(slots=True)
class Predicted:
    doc: Document
    timexes: tuple  # crosswire Timex records


@dataclass(slots=True)
class Timing:
    parse_s: float = 0.0  # spaCy nlp.pipe over the texts
    timex_s: float = 0.0  # timex.extract over the parsed docs


def predict(docs: list[Document], timing: Timing | None = None) -> list[Predicted]:
    from crosswire.nlp import NlpPipeline
    from crosswire.nlp import timex
    from crosswire.nlp.context import ArticleContext
    from crosswire.records import Article

    nlp = NlpPipeline()
    timing = timing if timing is not None else Timing()
    started = time.perf_counter()
    parsed = list(nlp.parse([d.text for d in docs]))
    timing.parse_s += time.perf_counter() - started
    out = []
    started = time.perf_counter()
    for doc, parse in zip(docs, parsed):
        article = Article(id=doc.name, source=doc.name, raw_id="", text=doc.text,
                          published=doc.dct, published_basis="metadata", language="en")
        ctx = ArticleContext(article=article, doc=parse)
        out.append(Predicted(doc, timex.extract(ctx)))
    timing.timex_s += time.perf_counter() - started
    return out


@dataclass(slots=True)
class Score:
    gold: int = 0
    pred: int = 0
    strict: int = 0
    relaxed: int = 0
    type_ok: int = 0
    value_ok: int = 0
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def _f(tp: int, pred: int, gold: int) -> tuple[float, float, float]:
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def strict_prf(self) -> tuple[float, float, float]:
        return self._f(self.strict, self.pred, self.gold)

    @property
    def relaxed_prf(self) -> tuple[float, float, float]:
        return self._f(self.relaxed, self.pred, self.gold)

    @property
    def value_prf(self) -> tuple[float, float, float]:
        return self._f(self.value_ok, self.pred, self.gold)

    @property
    def type_accuracy(self) -> float:
        return self.type_ok / self.relaxed if self.relaxed else 0.0

    @property
    def type_prf(self) -> tuple[float, float, float]:
        return self._f(self.type_ok, self.pred, self.gold)


def score(predictions: list[Predicted], keep_errors: bool = False) -> Score:
    total = Score()
    for item in predictions:
        gold = list(item.doc.gold)
        pred = list(item.timexes)
        total.gold += len(gold)
        total.pred += len(pred)
        gold_spans = {g.span for g in gold}
        total.strict += sum(1 for p in pred if p.span in gold_spans)
        # One-to-one relaxed matching, largest overlap first.
        pairs = sorted(((min(g.span[1], p.span[1]) - max(g.span[0], p.span[0]), gi, pi)
                        for gi, g in enumerate(gold) for pi, p in enumerate(pred)
                        if g.span[0] < p.span[1] and p.span[0] < g.span[1]), reverse=True)
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _, gi, pi in pairs:
            if gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            g, p = gold[gi], pred[pi]
            total.relaxed += 1
            total.type_ok += g.type == p.type
            total.value_ok += g.value == p.value
            if keep_errors and (g.value != p.value or g.type != p.type):
                total.errors.append(f"WRONG {item.doc.name} dct={item.doc.dct} "
                                    f"{_ctx(item.doc.text, p.span)} gold={g.text!r} {g.type} "
                                    f"{g.value} pred={p.text!r} {p.type} {p.value}")
        if keep_errors:
            for gi, g in enumerate(gold):
                if gi not in used_g:
                    total.errors.append(f"MISS {item.doc.name} dct={item.doc.dct} "
                                        f"{_ctx(item.doc.text, g.span)} gold={g.text!r} "
                                        f"{g.type} {g.value}")
            for pi, p in enumerate(pred):
                if pi not in used_p:
                    total.errors.append(f"EXTRA {item.doc.name} dct={item.doc.dct} "
                                        f"{_ctx(item.doc.text, p.span)} pred={p.text!r} "
                                        f"{p.type} {p.value}")
    return total


def _ctx(text: str, span: tuple[int, int]) -> str:
    left = text[max(0, span[0] - 45):span[0]].replace("\n", " ")
    right = text[span[1]:span[1] + 30].replace("\n", " ")
    return f"…{left}[[{text[span[0]:span[1]]}]]{right}…"


def row(label: str, docs: int, s: Score) -> str:
    sp, sr, sf = s.strict_prf
    rp, rr, rf = s.relaxed_prf
    vp, vr, vf = s.value_prf
    return (f"| {label} | {docs} | {s.gold} | {s.pred} | {100 * sf:.1f} | {100 * rp:.1f} / "
            f"{100 * rr:.1f} / {100 * rf:.1f} | {100 * s.type_accuracy:.1f} | "
            f"{100 * s.type_prf[2]:.1f} | {100 * vp:.1f} / {100 * vr:.1f} / **{100 * vf:.1f}** |")


HEADER = ("| corpus | docs | gold | predicted | strict F1 | relaxed P / R / F1 | type acc. | "
          "type F1 | value P / R / F1 |\n|---|---|---|---|---|---|---|---|---|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    parser.add_argument("--errors", action="store_true", help="list misses and wrong values")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no data at {DATA}", file=sys.stderr)
        return 2
    docs = load_corpus(args.corpus)
    timing = Timing()
    predictions = predict(docs, timing)
    rows = []
    corpora = CORPORA if args.corpus == "all" else (args.corpus,)
    for name in corpora:
        subset = [p for p in predictions if p.doc.corpus == name]
        s = score(subset, keep_errors=args.errors)
        if args.errors:
            print("\n".join(s.errors))
        label = f"{name} ({'development' if name == 'TimeBank' else 'held out'})"
        rows.append(row(label, len(subset), s))
    if args.corpus == "all":
        rows.append(row("all (combined)", len(predictions), score(predictions)))
    print(HEADER)
    print("\n".join(rows))
    print(f"\n{len(docs)} documents: spaCy parse {timing.parse_s:.1f} s, timex extraction "
          f"{timing.timex_s:.2f} s ({100 * timing.timex_s / timing.parse_s:.1f}% of the parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
