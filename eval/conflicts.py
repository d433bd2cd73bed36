"""Score typed conflicts (and not-conflicts) against a fixture set with ground truth.

Sets (both fictional, written by the project):

* ``corpus``: ``tests/fixtures/corpus`` (raw inputs in every format; ``ground_truth.json`` with
  ``articles[].ref``/``event``, ``derivations``, ``conflicts`` and ``not_conflicts``).
* ``provenance``: ``tests/fixtures/provenance`` (``articles.jsonl`` with ``id``, ``title``,
  ``text``, ``outlet``, ``published``, ``url``; ``truth.json`` with ``stories``,
  ``derivations``, ``conflicts`` and ``not_conflicts``).

Both are ingested into a temporary store with the local engine and parsed by the real NLP
pipeline. Two modes:

* ``gold``: alignment on the ground-truth story partition and derivations, so the score is the
  alignment's own;
* ``e2e``: the stories (clustering, provenance and alignment) the engine builds itself.

Matching: a predicted conflict matches a gold one when the kinds are equal and every gold side
overlaps a distinct predicted side: one of the predicted side's ``span_refs`` overlaps, in the
same article, the gold side's text located in one of the gold side's articles. Gold and
predicted conflicts are matched one to one (maximum bipartite matching), so a duplicate
prediction is a false conflict. Reported: precision and recall per kind and overall, false
conflicts per story, and how many gold not-conflicts were wrongly flagged as a conflict (a
predicted conflict with two sides on two different not-conflict sides).

Usage::

    .venv/bin/python eval/conflicts.py                       # both sets, both modes
    .venv/bin/python eval/conflicts.py --set corpus --mode gold --details
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from crosswire.embed import load_embedder  # noqa: E402
from crosswire.story.alignment import align_story  # noqa: E402
from crosswire.config import Config  # noqa: E402
from crosswire.engine import local  # noqa: E402
from crosswire.story import build_stories  # noqa: E402
from crosswire.records import Derivation, ParsedArticle, Story  # noqa: E402
from crosswire.store import Store  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
PROVENANCE = ROOT / "tests" / "fixtures" / "provenance"
KINDS = ("number", "attribution", "quote-wording", "certainty", "date", "place")

Spans = set[tuple[str, int, int]]  # (article id, start, end)


@dataclass
class GoldConflict:
    story: str
    kind: str
    sides: list[Spans]
    texts: list[str]
    missing: list[str] = field(default_factory=list)  # side texts not found in the articles


@dataclass
class LoadedSet:
    name: str
    parsed: dict[str, ParsedArticle]  # by article id
    stories: dict[str, list[str]]  # gold story -> article ids
    derivations: list[Derivation]
    conflicts: list[GoldConflict]
    not_conflicts: list[GoldConflict]


# --------------------------------------------------------------------------- loading


def _locate(parsed: dict[str, ParsedArticle], ids: Iterable[str], text: str) -> Spans:
    """Where a gold side's text sits in each of its articles (whitespace-insensitive)."""
    out: Spans = set()
    pattern = re.compile(r"\s+".join(re.escape(w) for w in text.split()))
    for article_id in ids:
        if article_id not in parsed:
            continue
        body = parsed[article_id].article.text
        for match in pattern.finditer(body):
            out.add((article_id, match.start(), match.end()))
    return out


def _gold(items: list[dict], ref_ids: dict[str, str], parsed: dict[str, ParsedArticle],
          story_key: str) -> list[GoldConflict]:
    out = []
    for item in items:
        sides, texts, missing = [], [], []
        for side in item["sides"]:
            ids = [ref_ids[r] for r in side["refs"] if r in ref_ids]
            spans = _locate(parsed, ids, side["text"])
            if not spans:
                missing.append(side["text"])
            sides.append(spans)
            texts.append(side["text"])
        out.append(GoldConflict(story=str(item.get(story_key)), kind=item["kind"], sides=sides,
                                texts=texts, missing=missing))
    return out


def _ingest(paths: list[str], config: Config, store: Store) -> dict[str, ParsedArticle]:
    result = local.ingest(paths, config, store)
    return local.parse(result.article_ids, config, store)


def load_corpus(config: Config, store: Store) -> LoadedSet:
    truth = json.loads((CORPUS / "ground_truth.json").read_text(encoding="utf-8"))
    files = sorted({a["ref"].split("#")[0] for a in truth["articles"]})
    # Description-only feed items are read from their pages (page_urls), not fetched.
    paths = [str(CORPUS / f) for f in files if (CORPUS / f).is_file()]
    parsed = _ingest(paths, config, store)
    by_source = {p.article.source: p.id for p in parsed.values()}
    ref_ids = {}
    for a in truth["articles"]:
        path, _, frag = a["ref"].partition("#")
        source = str(CORPUS / path) + (f"#{frag}" if frag else "")
        if source in by_source:
            ref_ids[a["ref"]] = by_source[source]
    stories: dict[str, list[str]] = defaultdict(list)
    for a in truth["articles"]:
        if a["event"] and a["ref"] in ref_ids:
            stories[a["event"]].append(ref_ids[a["ref"]])
    derivations = [Derivation(parent=ref_ids[d["parent"]], child=ref_ids[d["child"]],
                              kind=d["kind"], score=1.0)
                   for d in truth["derivations"] if d["parent"] in ref_ids and d["child"] in ref_ids]
    return LoadedSet("corpus", parsed, dict(stories), derivations,
                     _gold(truth["conflicts"], ref_ids, parsed, "event"),
                     _gold(truth["not_conflicts"], ref_ids, parsed, "event"))


def load_provenance(config: Config, store: Store) -> LoadedSet | None:
    if not (PROVENANCE / "truth.json").is_file():
        return None
    truth = json.loads((PROVENANCE / "truth.json").read_text(encoding="utf-8"))
    path = PROVENANCE / "articles.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    parsed = _ingest([str(path)], config, store)
    by_source = {p.article.source: p.id for p in parsed.values()}
    ref_ids = {}
    for n, line in enumerate(lines, start=1):
        if line.strip() and f"{path}#{n}" in by_source:
            ref_ids[json.loads(line)["id"]] = by_source[f"{path}#{n}"]
    raw_stories = truth["stories"]
    if isinstance(raw_stories, dict):
        items = raw_stories.items()
    else:
        items = ((s.get("id"), s.get("articles", [])) for s in raw_stories)
    stories = {str(k): [ref_ids[r] for r in refs if r in ref_ids] for k, refs in items}
    derivations = [Derivation(parent=ref_ids[d["parent"]], child=ref_ids[d["child"]],
                              kind=d["kind"], score=1.0)
                   for d in truth["derivations"] if d["parent"] in ref_ids and d["child"] in ref_ids]
    return LoadedSet("provenance", parsed, stories, derivations,
                     _gold(truth["conflicts"], ref_ids, parsed, "story"),
                     _gold(truth.get("not_conflicts", []), ref_ids, parsed, "story"))


# --------------------------------------------------------------------------- predicting


def predict_gold(loaded: LoadedSet, config: Config) -> list[Story]:
    out = []
    for name, ids in loaded.stories.items():
        members = [loaded.parsed[i] for i in ids if i in loaded.parsed]
        if not members:
            continue
        ids_set = set(ids)
        derivations = [d for d in loaded.derivations if d.parent in ids_set and d.child in ids_set]
        story = Story(id=Story.make_id(ids), title=name, article_ids=tuple(ids),
                      derivations=tuple(derivations))
        out.append(align_story(story, members, derivations, config,
                               load_embedder(config.analysis.embedding_model)))
    return out


def predict_e2e(loaded: LoadedSet, config: Config, store: Store) -> list[Story]:
    stories = build_stories(list(loaded.parsed.values()), config, store)
    model = load_embedder(config.analysis.embedding_model)
    return [s if s.claims else align_story(s, [loaded.parsed[i] for i in s.article_ids
                                               if i in loaded.parsed], list(s.derivations),
                                           config, model)
            for s in stories]


# --------------------------------------------------------------------------- scoring


def _overlap(gold: Spans, refs: Iterable[tuple[str, int, int]]) -> bool:
    return any(g[0] == r[0] and g[1] < r[2] and r[1] < g[2] for g in gold for r in refs)


def _side_refs(side) -> list[tuple[str, int, int]]:  # noqa: ANN001 (records.ConflictSide)
    return [(r.article_id, r.span[0], r.span[1]) for r in side.span_refs]


def matches(gold: GoldConflict, sides: list[list[tuple[str, int, int]]]) -> bool:
    """Every gold side overlaps a distinct predicted side."""
    def assign(k: int, used: frozenset[int]) -> bool:
        if k == len(gold.sides):
            return True
        return any(j not in used and _overlap(gold.sides[k], sides[j])
                   and assign(k + 1, used | {j}) for j in range(len(sides)))
    return assign(0, frozenset())


def _max_matching(edges: dict[int, list[int]]) -> dict[int, int]:
    """Maximum bipartite matching gold -> predicted (augmenting paths)."""
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p in edges.get(g, []):
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in edges:
        augment(g, set())
    return {g: p for p, g in owner.items()}


@dataclass
class Predicted:
    story: str
    kind: str
    sides: list[list[tuple[str, int, int]]]
    summary: str


def score(loaded: LoadedSet, stories: list[Story]) -> dict:
    story_of_article = {a: name for name, ids in loaded.stories.items() for a in ids}
    predicted: list[Predicted] = []
    for story in stories:
        names = Counter(story_of_article.get(a, "(none)") for a in story.article_ids)
        name = names.most_common(1)[0][0]
        for claim in story.claims:
            for c in claim.conflicts:
                predicted.append(Predicted(name, c.kind, [_side_refs(s) for s in c.sides],
                                           c.summary))
    edges = {g: [p for p, pred in enumerate(predicted) if pred.kind == gold.kind
                 and matches(gold, pred.sides)]
             for g, gold in enumerate(loaded.conflicts)}
    matched = _max_matching(edges)
    hit_pred = set(matched.values())
    per_kind = {}
    for kind in KINDS + ("other",):
        gold_n = sum(1 for g in loaded.conflicts if g.kind == kind)
        pred_n = sum(1 for p in predicted if p.kind == kind)
        tp = sum(1 for g in matched if loaded.conflicts[g].kind == kind)
        if gold_n or pred_n:
            per_kind[kind] = {"gold": gold_n, "predicted": pred_n, "tp": tp,
                              "precision": tp / pred_n if pred_n else None,
                              "recall": tp / gold_n if gold_n else None}
    false_by_story = Counter(p.story for i, p in enumerate(predicted) if i not in hit_pred)
    flagged = []
    for note in loaded.not_conflicts:
        for p in predicted:
            hit = [k for k, side in enumerate(note.sides) if any(_overlap(side, s) for s in p.sides)]
            if len(hit) >= 2:
                flagged.append((note, p))
                break
    tp = len(matched)
    return {
        "set": loaded.name, "gold": len(loaded.conflicts), "predicted": len(predicted), "tp": tp,
        "precision": tp / len(predicted) if predicted else None,
        "recall": tp / len(loaded.conflicts) if loaded.conflicts else None,
        "per_kind": per_kind, "stories": len(loaded.stories),
        "false_per_story": sum(false_by_story.values()) / max(1, len(loaded.stories)),
        "false_by_story": dict(false_by_story),
        "not_conflicts": len(loaded.not_conflicts), "not_conflicts_flagged": len(flagged),
        "missed": [(g.kind, g.texts) for i, g in enumerate(loaded.conflicts) if i not in matched],
        "false": [(p.story, p.kind, p.summary) for i, p in enumerate(predicted) if i not in hit_pred],
        "flagged": [(n.kind, n.texts, p.kind) for n, p in flagged],
        "unlocated": [(g.kind, g.missing) for g in loaded.conflicts + loaded.not_conflicts
                      if g.missing],
    }


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def report(result: dict, mode: str, details: bool) -> None:
    print(f"\n## {result['set']} ({mode}): {result['stories']} stories, {result['gold']} gold "
          f"conflicts, {result['predicted']} predicted")
    print(f"{'kind':14} {'gold':>5} {'pred':>5} {'tp':>4} {'P':>6} {'R':>6}")
    for kind, m in result["per_kind"].items():
        print(f"{kind:14} {m['gold']:5d} {m['predicted']:5d} {m['tp']:4d} "
              f"{_fmt(m['precision']):>6} {_fmt(m['recall']):>6}")
    print(f"{'all':14} {result['gold']:5d} {result['predicted']:5d} {result['tp']:4d} "
          f"{_fmt(result['precision']):>6} {_fmt(result['recall']):>6}")
    print(f"false conflicts per story: {result['false_per_story']:.2f}; not-conflicts flagged "
          f"as conflicts: {result['not_conflicts_flagged']}/{result['not_conflicts']}")
    if result["unlocated"]:
        print(f"gold side texts not found in the cleaned articles: {result['unlocated']}")
    if details:
        for kind, texts in result["missed"]:
            print(f"  MISSED {kind}: {texts}")
        for story, kind, summary in result["false"]:
            print(f"  FALSE  [{story}] {kind}: {summary}")
        for kind, texts, pkind in result["flagged"]:
            print(f"  FLAGGED not-conflict {kind} as {pkind}: {texts}")


def evaluate(set_name: str, modes: tuple[str, ...] = ("gold",),
             config: Config | None = None) -> dict[str, dict]:
    """Scores of one set in each mode (the gate test's entry point)."""
    with tempfile.TemporaryDirectory() as tmp:
        config = (config or Config()).replace(db=Path(tmp) / "eval.db", quiet=True)
        with Store(config.db) as store:
            loaded = load_corpus(config, store) if set_name == "corpus" \
                else load_provenance(config, store)
            if loaded is None:
                return {}
            out = {}
            for mode in modes:
                stories = predict_gold(loaded, config) if mode == "gold" \
                    else predict_e2e(loaded, config, store)
                out[mode] = score(loaded, stories)
            return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("corpus", "provenance", "all"), default="all")
    parser.add_argument("--mode", choices=("gold", "e2e", "both"), default="both")
    parser.add_argument("--details", action="store_true", help="list misses and false conflicts")
    parser.add_argument("--model", default=Config().analysis.embedding_model,
                        help="embedding model (analysis.embedding_model)")
    args = parser.parse_args(argv)
    config = Config().replace("analysis", embedding_model=args.model)
    modes = ("gold", "e2e") if args.mode == "both" else (args.mode,)
    for name in ("corpus", "provenance") if args.set == "all" else (args.set,):
        results = evaluate(name, modes, config=config)
        if not results:
            print(f"\n## {name}: no ground truth found, skipped")
        for mode, result in results.items():
            report(result, mode, args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
