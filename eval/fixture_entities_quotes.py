"""Score entities and quotes against the fixture corpus's own annotations.

Gold: tests/fixtures/corpus/ground_truth.json, English articles with ``complete: true`` (every
quote and entity listed), per article ``quotes`` [{text, kind, speaker, cue}] and ``entities``
[{name, type, mentions, roles}]. Articles are built from the annotated body paragraphs
(joined by blank lines, so cleaning errors do not count here) and run through the whole NLP
stage (``NlpPipeline``).

Quotes. The corpus lists a split or paragraph-running quote as one entry per piece, so each
part of a predicted quote is one predicted piece (with its quote's kind, speaker and cue).
Gold pieces are located in the text (the n-th entry with a given text at its n-th
occurrence). Pieces are matched one-to-one by shared word tokens (``\\w+``), largest first, and
a pair counts when shared / max(tokens of either) >= 0.5. Reported: detection P/R/F1, exact
text (the same words), and end to end per field: kind, speaker (canonical names equal, or both
none) and cue (equal ignoring case): a true positive is a matched pair whose field is right.

Entities. Predicted and gold entities of an article are matched one-to-one by the number of
mention surface forms they share (ties: the same canonical name). Reported: entity P/R/F1,
canonical name and type accuracy on matched pairs, mention-form P/R (distinct surface forms
per entity, summed over all entities, so unmatched entities count against), and role P/R
(a predicted role matches a gold one when the words of one include the other's, ignoring
case: "ministry spokeswoman" matches "Spokeswoman").

Usage: .venv/bin/python eval/fixture_entities_quotes.py [--show]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from crosswire.nlp import NlpPipeline  # noqa: E402
from crosswire.records import Article, ParsedArticle  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "ground_truth.json"
_WORD = re.compile(r"\w+")


class PR:
    def __init__(self) -> None:
        self.tp_p = self.tp_r = self.pred = self.gold = 0

    def add(self, tp: int, pred: int, gold: int, tp_r: int | None = None) -> None:
        self.tp_p += tp
        self.tp_r += tp if tp_r is None else tp_r
        self.pred += pred
        self.gold += gold

    def prf(self) -> tuple[float, float, float]:
        p = self.tp_p / self.pred if self.pred else 0.0
        r = self.tp_r / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def row(self, name: str) -> str:
        p, r, f = self.prf()
        return f"| {name} | {p:.2f} | {r:.2f} | {f:.2f} | {self.pred} | {self.gold} |"


def _norm(text: str | None) -> str:
    text = (text or "").replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _words(text: str, span: tuple[int, int]) -> set[int]:
    return {m.start() for m in _WORD.finditer(text, span[0], span[1])}


def articles() -> list[tuple[dict, Article]]:
    gt = json.loads(CORPUS.read_text(encoding="utf-8"))
    out = []
    for item in gt["articles"]:
        if item.get("language") != "en" or not item.get("complete") or not item.get("body"):
            continue
        text = "\n\n".join(item["body"])
        out.append((item, Article(id=Article.make_id(text, item.get("ref"), None, None),
                                  source=item["ref"], raw_id="r", text=text, language="en")))
    return out


def _locate(text: str, entries: list[dict]) -> list[tuple[int, int] | None]:
    seen: dict[str, int] = defaultdict(int)
    spans: list[tuple[int, int] | None] = []
    for entry in entries:
        k = seen[entry["text"]]
        seen[entry["text"]] += 1
        starts = [m.start() for m in re.finditer(re.escape(entry["text"]), text)]
        spans.append((starts[min(k, len(starts) - 1)], starts[min(k, len(starts) - 1)]
                      + len(entry["text"])) if starts else None)
    return spans


def score_quotes(gold: list[dict], parsed: ParsedArticle, tallies: dict[str, PR],
                 show: bool) -> None:
    text = parsed.article.text
    pieces = [(part, q) for q in parsed.quotes for part in (q.parts or (q.span,))]
    spans = _locate(text, gold)
    gold_words = [_words(text, s) if s else set() for s in spans]
    pred_words = [_words(text, part) for part, _ in pieces]
    pairs = sorted(((len(g & p), gi, pi) for gi, g in enumerate(gold_words)
                    for pi, p in enumerate(pred_words) if g & p), reverse=True)
    matched: dict[int, int] = {}
    used: set[int] = set()
    for shared, gi, pi in pairs:
        if gi in matched or pi in used:
            continue
        if shared / max(len(gold_words[gi]), len(pred_words[pi])) >= 0.5:
            matched[gi] = pi
            used.add(pi)
    n_pred, n_gold = len(pieces), len(gold)
    tallies["detection"].add(len(matched), n_pred, n_gold)
    exact = kind = speaker = cue = 0
    for gi, pi in matched.items():
        g, (part, q) = gold[gi], pieces[pi]
        exact += _norm(text[part[0]:part[1]]) == _norm(g["text"])
        kind += q.kind == g["kind"]
        ok_speaker = _norm(q.speaker) == _norm(g["speaker"])
        speaker += ok_speaker
        cue += _norm(q.cue) == _norm(g["cue"])
        if show and not ok_speaker:
            print(f"  speaker: {g['text'][:60]!r} gold={g['speaker']!r} pred={q.speaker!r}")
    tallies["exact text"].add(exact, n_pred, n_gold)
    tallies["kind"].add(kind, n_pred, n_gold)
    tallies["speaker"].add(speaker, n_pred, n_gold)
    tallies["cue"].add(cue, n_pred, n_gold)
    if show:
        for gi, g in enumerate(gold):
            if gi not in matched:
                print(f"  missed {g['kind']}: {g['text'][:80]!r} ({g['speaker']}, {g['cue']})")
        for pi, (part, q) in enumerate(pieces):
            if pi not in used:
                print(f"  extra {q.kind}: {text[part[0]:part[1]][:80]!r} ({q.speaker}, {q.cue})")


def _role_match(a: str, b: str) -> bool:
    wa, wb = set(_norm(a).split()), set(_norm(b).split())
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def score_entities(gold: list[dict], parsed: ParsedArticle, tallies: dict[str, PR],
                   show: bool) -> None:
    pred = list(parsed.entities)
    gold_forms = [set(g["mentions"]) | {g["name"]} for g in gold]
    pred_forms = [{m.text for m in e.mentions} | {e.name} for e in pred]
    pairs = sorted(((len(gf & pf), _norm(g["name"]) == _norm(e.name), gi, pi)
                    for gi, (g, gf) in enumerate(zip(gold, gold_forms))
                    for pi, (e, pf) in enumerate(zip(pred, pred_forms)) if gf & pf),
                   reverse=True)
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, _, gi, pi in pairs:
        if gi not in matched and pi not in used:
            matched[gi] = pi
            used.add(pi)
    tallies["entities"].add(len(matched), len(pred), len(gold))
    name = sum(_norm(gold[gi]["name"]) == _norm(pred[pi].name) for gi, pi in matched.items())
    kind = sum(gold[gi]["type"] == pred[pi].type for gi, pi in matched.items())
    tallies["canonical name (matched)"].add(name, len(matched), len(matched))
    tallies["type (matched)"].add(kind, len(matched), len(matched))
    shared = sum(len(set(gold[gi]["mentions"]) & {m.text for m in pred[pi].mentions})
                 for gi, pi in matched.items())
    tallies["mention forms"].add(shared, sum(len({m.text for m in e.mentions}) for e in pred),
                                 sum(len(set(g["mentions"])) for g in gold))
    role_p = role_r = 0
    for gi, pi in matched.items():
        role_p += sum(any(_role_match(r, g) for g in gold[gi]["roles"]) for r in pred[pi].roles)
        role_r += sum(any(_role_match(r, g) for r in pred[pi].roles) for g in gold[gi]["roles"])
    tallies["roles"].add(role_p, sum(len(e.roles) for e in pred),
                         sum(len(g["roles"]) for g in gold), tp_r=role_r)
    if show:
        for gi, g in enumerate(gold):
            if gi not in matched:
                print(f"  missed entity {g['type']} {g['name']!r} {g['mentions']}")
        for pi, e in enumerate(pred):
            if pi not in used:
                print(f"  extra entity {e.type} {e.name!r} {[m.text for m in e.mentions]}")


def evaluate(show: bool = False) -> dict[str, dict[str, PR]]:
    items = articles()
    pipeline = NlpPipeline()
    parsed = list(pipeline.pipe([a for _, a in items]))
    quotes = {k: PR() for k in ("detection", "exact text", "kind", "speaker", "cue")}
    ents = {k: PR() for k in ("entities", "canonical name (matched)", "type (matched)",
                              "mention forms", "roles")}
    for (item, _), result in zip(items, parsed):
        if not isinstance(result, ParsedArticle):
            continue
        if show:
            print(item["ref"])
        score_quotes(item.get("quotes", []), result, quotes, show)
        score_entities(item.get("entities", []), result, ents, show)
    return {"quotes": quotes, "entities": ents, "articles": len(items)}  # type: ignore[dict-item]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", action="store_true", help="print every miss and extra")
    args = parser.parse_args(argv)
    result = evaluate(args.show)
    print(f"{result['articles']} complete English articles of the fixture corpus\n")
    for section in ("quotes", "entities"):
        print(f"| {section} | P | R | F1 | predicted | gold |")
        print("|---|---|---|---|---|---|")
        for name, tally in result[section].items():
            print(tally.row(name))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
