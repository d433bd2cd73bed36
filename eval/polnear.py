"""Score quotes and speakers on PolNeAR (political news attribution relations).

Data: ``../shared/data/polnear/<split>/{text,attributions}`` (brat standoff), read at run time,
never copied. A text annotated by several annotators is scored against the first annotation
file in name order, so each article counts once.

Protocol (``../shared/data/README.md``):
1. Each ``E`` line is one gold attribution: content span(s), cue span, source span (may be
   missing).
2. Predicted quotes are matched to gold contents one-to-one within a document by character
   overlap (the assignment maximising the total number of shared word tokens). Content
   P/R/F1 are reported at *exact* match and at *token overlap >= 0.5*. Tokens are ``\\w+``
   runs of the text, so punctuation and quotation marks never decide a match (gold contents
   include the marks and a final comma, crosswire's direct quotes do not), and a leading
   complementizer "that" is dropped on both sides (PolNeAR includes it, crosswire does not).
   Exact: the same set of word tokens. Overlap: shared tokens / max(predicted tokens, gold
   tokens) >= 0.5, a symmetric ratio so a prediction spanning a whole paragraph cannot match
   a short content. Predicted quotes sharing one cue (a partial quote and the reported speech
   around it) are one predicted attribution, as PolNeAR gives each cue one content.
3. Speaker, on pairs matched at overlap >= 0.5: correct when the gold source span overlaps a
   mention of the predicted speaker's entity or the quote's speaker span (so a pronoun source
   counts when the system's entity links it), or when neither gold nor prediction has one (a
   prediction has one when it has a speaker span or a speaker entity).
4. Headline: end-to-end F1, where a true positive needs a content match at overlap >= 0.5
   and a correct speaker.
Slices: direct (the gold content contains quotation marks; predictions of kind "direct"),
indirect (the rest), speech (the gold cue, or the predicted cue, is a verb of speech: the
``SPEECH`` words below). A slice's recall counts its gold items matched by any prediction;
its precision counts its predictions matched to any gold item.

Usage::

    .venv/bin/python eval/polnear.py                 # dev split, full table
    .venv/bin/python eval/polnear.py --limit 15      # the CI slice (first 15 dev texts)
    .venv/bin/python eval/polnear.py --split train --limit 50
    .venv/bin/python eval/polnear.py --split train --held-out --attribution tagger
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "polnear"

# Every tenth train text (name order) is held out of the tagger's training, to choose on.
HELD_OUT_EVERY = 10
_WORD = re.compile(r"\w+")
_QUOTE_MARKS = re.compile("[\"\u201c\u201d\u00ab\u00bb\u201e]|''|``")
_BRAT_T = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)(?:\t|$)")
_BRAT_E = re.compile(r"^(E\d+)\t(.*)$")
# Verbs (and "according to") of speech, as word stems of the cue: the "speech cues" slice.
SPEECH = re.compile(
    r"\b(?:sa(?:y|ys|id|ying)|t(?:ell|ells|old|elling)|add(?:s|ed|ing)?|according|stat(?:e|es|ed|"
    r"ing)|announc\w*|not(?:e|es|ed|ing)|explain\w*|claim\w*|argu\w*|insist\w*|repl\w*|"
    r"respond\w*|declar\w*|wr(?:ite|ites|ote|iting|itten)|tweet\w*|comment\w*|remark\w*|"
    r"warn\w*|ask\w*|acknowledg\w*|admit\w*|den(?:y|ies|ied|ying)|confirm\w*|assert\w*|"
    r"contend\w*|maintain\w*|stress\w*|recall\w*|testif\w*|sp(?:eak|eaks|oke|oken|eaking)|"
    r"mention\w*|quot\w*|call(?:s|ed|ing)?|urg\w*|accus\w*|prais\w*|critici[sz]\w*|"
    r"conced\w*|predict\w*|promis\w*|vow\w*|pledg\w*|report\w*|suggest\w*|reveal\w*|"
    r"told|shout\w*|yell\w*|cr(?:y|ied|ies)|boast\w*|complain\w*|joke\w*|joked|describ\w*)\b",
    re.I)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    content: tuple[tuple[int, int], ...]
    source: tuple[tuple[int, int], ...]
    cue: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    text: str
    gold: tuple[GoldAttribution, ...]


def read_ann(path: Path) -> list[GoldAttribution]:
    """Gold attributions of one brat file (text-bound ``T`` lines, ``E`` relation lines; a
    ``T`` line's own text is ignored: it can hold raw newlines, offsets are what count)."""
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
    relations: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        match = _BRAT_T.match(line)
        if match:
            fragments = tuple(tuple(int(x) for x in frag.split())
                              for frag in match.group(3).split(";"))
            spans[match.group(1)] = (match.group(2), fragments)  # type: ignore[assignment]
            continue
        match = _BRAT_E.match(line)
        if match:
            relations.append(dict(p.split(":", 1) for p in match.group(2).split() if ":" in p))
    out = []
    for relation in relations:
        content = spans.get(relation.get("Content", ""))
        if content is None:
            continue  # an attribution without content has nothing to match
        out.append(GoldAttribution(
            content=content[1],
            source=spans.get(relation.get("Source", ""), ("", ()))[1],
            cue=spans.get(relation.get("Cue", ""), ("", ()))[1]))
    return out


def documents(split: str = "dev", limit: int | None = None,
              held_out: bool = False) -> list[Document]:
    """The split's texts in name order (the first ``limit``); ``held_out``: only every
    tenth train text, the part eval/train_tagger.py keeps out of training."""
    base = DATA / split
    anns: dict[str, Path] = {}
    for ann in sorted((base / "attributions").glob("*.ann")):
        anns.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    names = sorted(anns)
    if held_out:
        names = [n for k, n in enumerate(names) if k % HELD_OUT_EVERY == HELD_OUT_EVERY - 1]
    names = names[:limit] if limit else names
    return [Document(n, (base / "text" / f"{n}.txt").read_text(encoding="utf-8"),
                     tuple(read_ann(anns[n]))) for n in names]


# --------------------------------------------------------------------------- scoring


def words(text: str, spans: Iterable[tuple[int, int]]) -> frozenset[int]:
    """Start offsets of the word tokens whose middle lies inside any of ``spans`` (a span
    edge that cuts a word keeps the word when most of it is inside), without a leading
    "that"."""
    out = []
    for start, end in sorted(spans):
        for match in _WORD.finditer(text, max(0, start - 40), min(len(text), end + 40)):
            if start <= (match.start() + match.end()) / 2 < end:
                out.append(match.start())
    if out and _WORD.match(text, out[0]).group().lower() == "that":
        out = out[1:]
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Predicted:
    """One predicted attribution: the quotes of one cue, joined."""

    parts: tuple[tuple[int, int], ...]
    kind: str
    cue: str | None
    speaker_id: str | None
    speaker_span: tuple[int, int] | None


def predictions(quotes) -> list[Predicted]:
    groups: dict[object, list] = {}
    for quote in quotes:
        groups.setdefault(quote.cue_span or quote.id, []).append(quote)
    out = []
    for members in groups.values():
        parts = tuple(p for q in members for p in (q.parts or (q.span,)))
        kind = "direct" if any(q.kind == "direct" for q in members) else "indirect"
        first = members[0]
        out.append(Predicted(parts, kind, first.cue, first.speaker_id, first.speaker_span))
    return out


def overlaps(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


@dataclass(slots=True)
class Tally:
    gold: int = 0
    pred: int = 0
    exact: int = 0
    partial: int = 0
    end_to_end: int = 0
    speaker_ok: int = 0
    slices: dict[str, list[int]] = field(default_factory=dict)  # name -> [gold, gold hit, pred, pred hit]

    def slice(self, name: str) -> list[int]:
        return self.slices.setdefault(name, [0, 0, 0, 0])


def _prf(hit_p: int, pred: int, hit_r: int, gold: int) -> tuple[float, float, float]:
    p = hit_p / pred if pred else 0.0
    r = hit_r / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_document(doc: Document, parsed, tally: Tally) -> None:
    from scipy.optimize import linear_sum_assignment

    text = doc.text
    quotes = predictions(parsed.quotes)
    mentions = {e.id: [m.span for m in e.mentions] for e in parsed.entities}
    gold_words = [words(text, g.content) for g in doc.gold]
    pred_words = [words(text, q.parts) for q in quotes]
    tally.gold += len(doc.gold)
    tally.pred += len(quotes)
    gold_kind = ["direct" if _QUOTE_MARKS.search(" ".join(text[s:e] for s, e in g.content))
                 else "indirect" for g in doc.gold]
    gold_speech = [bool(SPEECH.search(" ".join(text[s:e] for s, e in g.cue))) for g in doc.gold]
    pred_speech = [bool(q.cue and SPEECH.search(q.cue)) for q in quotes]
    for i in range(len(doc.gold)):
        tally.slice(gold_kind[i])[0] += 1
        if gold_speech[i]:
            tally.slice("speech")[0] += 1
    for j, q in enumerate(quotes):
        tally.slice(q.kind)[2] += 1
        if pred_speech[j]:
            tally.slice("speech")[2] += 1
    if not quotes or not doc.gold:
        return
    inter = [[len(g & p) for p in pred_words] for g in gold_words]
    rows, cols = linear_sum_assignment(inter, maximize=True)
    for i, j in zip(rows, cols):
        shared = inter[i][j]
        if not shared:
            continue
        g, p = gold_words[i], pred_words[j]
        if g == p:
            tally.exact += 1
        if shared / max(len(g), len(p)) < 0.5:
            continue
        tally.partial += 1
        tally.slice(gold_kind[i])[1] += 1
        tally.slice(quotes[j].kind)[3] += 1
        if gold_speech[i]:
            tally.slice("speech")[1] += 1
        if pred_speech[j]:
            tally.slice("speech")[3] += 1
        quote = quotes[j]
        source = doc.gold[i].source
        spans = list(mentions.get(quote.speaker_id, [])) if quote.speaker_id else []
        if quote.speaker_span:
            spans.append(quote.speaker_span)
        if (not source and not spans) or (source and overlaps(source, spans)):
            tally.speaker_ok += 1
            tally.end_to_end += 1


def report(tally: Tally, seconds: float, n_docs: int) -> dict:
    exact = _prf(tally.exact, tally.pred, tally.exact, tally.gold)
    partial = _prf(tally.partial, tally.pred, tally.partial, tally.gold)
    e2e = _prf(tally.end_to_end, tally.pred, tally.end_to_end, tally.gold)
    out = {
        "documents": n_docs, "gold": tally.gold, "predicted": tally.pred,
        "content_exact": exact, "content_overlap": partial, "end_to_end": e2e,
        "speaker_accuracy": tally.speaker_ok / tally.partial if tally.partial else 0.0,
        "seconds": seconds,
        "slices": {name: {"gold": g, "pred": p,
                          "prf": _prf(ph, p, gh, g)} for name, (g, gh, p, ph) in
                   sorted(tally.slices.items())},
    }
    return out


def evaluate(split: str = "dev", limit: int | None = None, attribution: str | None = None,
             held_out: bool = False) -> dict:
    """Parse the texts once (timed), run the extractors up to and including quotes (each
    timed), score."""
    sys.path.insert(0, str(ROOT / "src"))
    from crosswire.config import NlpConfig
    from crosswire.nlp import NlpPipeline
    from crosswire.nlp.context import ArticleContext
    from crosswire.nlp.pipeline import EXTRACTORS
    from crosswire.records import Article, ParsedArticle

    docs = documents(split, limit, held_out)
    config = NlpConfig()
    pipeline = NlpPipeline(config if attribution is None else
                           dataclasses.replace(config, attribution=attribution))
    started = time.perf_counter()
    parses = list(pipeline.parse([d.text for d in docs]))
    parse_seconds = time.perf_counter() - started
    steps = EXTRACTORS[: [name for name, _ in EXTRACTORS].index("quotes") + 1]
    timings = dict.fromkeys((name for name, _ in steps), 0.0)
    tally = Tally()
    for doc, spacy_doc in zip(docs, parses):
        article = Article(id=f"a_{doc.name}", source=doc.name, raw_id=doc.name, text=doc.text,
                          language="en")
        ctx = ArticleContext(article=article, doc=spacy_doc, tagger=pipeline.tagger,
                             given_names=pipeline.given_names)
        for name, extractor in steps:
            t0 = time.perf_counter()
            setattr(ctx, name, extractor(ctx))
            timings[name] += time.perf_counter() - t0
        score_document(doc, ParsedArticle(article=article, entities=ctx.entities,
                                          quotes=ctx.quotes), tally)
    result = report(tally, parse_seconds, len(docs))
    result["extract_seconds"] = timings
    return result


def _table(result: dict) -> str:
    def row(name: str, prf: tuple[float, float, float]) -> str:
        return f"| {name} | {100 * prf[0]:.1f} | {100 * prf[1]:.1f} | {100 * prf[2]:.1f} |"

    extract = result["extract_seconds"]
    share = {k: 100 * v / result["seconds"] for k, v in extract.items()}
    lines = [f"{result['documents']} documents, {result['gold']} gold attributions, "
             f"{result['predicted']} predicted attributions; spaCy parse {result['seconds']:.1f}"
             f" s; entities + quotes extraction {share['entities'] + share['quotes']:.1f}% of "
             f"the parse time (entities {share['entities']:.1f}%, quotes "
             f"{share['quotes']:.1f}%)", "",
             "| measure | P | R | F1 |", "|---|---|---|---|",
             row("content, exact (word tokens)", result["content_exact"]),
             row("content, token overlap >= 0.5", result["content_overlap"]),
             row("end-to-end (overlap >= 0.5 + speaker)", result["end_to_end"])]
    for name, s in result["slices"].items():
        lines.append(row(f"slice {name} (overlap >= 0.5; gold {s['gold']}, pred {s['pred']})",
                         s["prf"]))
    lines += ["", f"speaker accuracy on matched quotes: {100 * result['speaker_accuracy']:.1f}%"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=None, help="first N texts only")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--attribution", choices=["tagger", "rules"], default=None,
                        help="override nlp.attribution (default: the configured one)")
    parser.add_argument("--held-out", action="store_true",
                        help="with --split train: the tenth of train the tagger never saw")
    args = parser.parse_args(argv)
    if not (DATA / args.split).is_dir():
        print(f"PolNeAR not found at {DATA}", file=sys.stderr)
        return 2
    result = evaluate(args.split, args.limit, args.attribution, args.held_out)
    print(json.dumps(result, indent=1) if args.json else _table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
