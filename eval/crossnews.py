"""crosswire's briefings on the real-news dev sets, scored by the sets' own scorer.

Sets (read at run time from ../shared/data, never copied into the repo):

- ``crossnews``: ``crossnews/dev``, 12 real events of 5-10 outlets each, with a verification
  editor's gold (families of dependent articles, quotes and speakers, conflicts, look-alike
  not-conflicts; ``crossnews/GUIDE.md``).
- ``rewrites``: ``rewrites/dev``, 20 two-article events: a real report (A) and a content-farm
  rewrite of it (B) with planted distortions, same format.

Every briefing is made in-process by ``crosswire.api.analyze`` (what ``crosswire analyze``
calls, with the configuration the CLI would load) into a fresh temporary store, written as
JSON, and scored by ``crossnews/score.py``, loaded with importlib, so the figures are those
of ``python3 score.py DEV OUT``. Measured: dependent-article pairs P/R/F1 and events whose
independent-source count is exact; gold direct quotes found with the right speaker; clear
conflicts found (right kind / any kind); flagged conflicts supported by a clear or plausible
gold conflict; flagged conflicts that are gold not-conflicts. The flagged conflicts are the
briefing's disputes (``claims[].conflicts``); the same figures per kind follow, with the
possible differences kept behind the fold (``claims[].possible_conflicts``) counted apart.

Modes:
- ``alone`` (default): one briefing per event, its articles alone ("given the story");
- ``together``: every selected event's articles in one store and one briefing, so the
  events must also be told apart;
- ``--combined`` (with ``--set rewrites``): the 20 rewrite pairs and the 12 crossnews events
  in one store; counts the rewrites (B) still linked to their original (A) by a derivation of
  any kind in either direction (target 20/20).

    .venv/bin/python eval/crossnews.py [--set crossnews|rewrites] [--mode alone|together]
        [--combined] [--events 10,14] [--details] [--out DIR] [--json] [--write-benchmarks]

``--write-benchmarks`` runs crossnews alone and together, rewrites alone and the combined
linkage over the full sets and rewrites the ``crossnews`` block of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SETS = {"crossnews": DATA / "crossnews" / "dev", "rewrites": DATA / "rewrites" / "dev"}
SCORER = DATA / "crossnews" / "score.py"
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- crossnews:start -->", "<!-- crossnews:end -->"


def check_data() -> None:
    missing = [str(p) for p in (*SETS.values(), SCORER) if not p.exists()]
    if missing:
        sys.exit(f"error: evaluation data not found: {', '.join(missing)} "
                 f"(expected ../shared/data beside the project root)")


def load_scorer():
    """crossnews/score.py as a module (its functions, not a copy of them)."""
    spec = importlib.util.spec_from_file_location("crossnews_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def event_names(root: Path, wanted: list[str] | None = None) -> list[str]:
    names = sorted(p.name for p in root.iterdir() if (p / "gold.json").exists())
    if wanted:
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            sys.exit(f"error: no such event in {root}: {', '.join(unknown)}")
        names = [n for n in names if n in wanted]
    return names


def events_root(root: Path, names: list[str], out: Path) -> Path:
    """The folder score.py reads: ``root`` itself, or a folder of links to the selected
    events (score.py scores every event under the folder it is given)."""
    if names == event_names(root):
        return root
    linked = out / f"_events_{root.parent.name}"
    linked.mkdir(parents=True, exist_ok=True)
    for name in names:
        link = linked / name
        if not link.exists():
            link.symlink_to(root / name, target_is_directory=True)
    return linked


def briefing(files: list[Path]) -> dict:
    """One ``crosswire analyze`` run over ``files`` in a fresh temporary store."""
    from crosswire import api
    from crosswire.config import Config

    with tempfile.TemporaryDirectory(prefix="crossnews-db-") as tmp:
        config = Config.load(db=Path(tmp) / "crosswire.db", quiet=True)
        return api.analyze([str(f) for f in files], config)


def write_json(document: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def run_alone(root: Path, names: list[str], out: Path) -> Path:
    """One briefing per event, written as ``out/EVENT.json``; the folder score.py reads."""
    for name in names:
        started = time.perf_counter()
        document = briefing([root / name / "articles.jsonl"])
        write_json(document, out / f"{name}.json")
        progress(f"{root.parent.name} {name}: {len(document['articles'])} articles, "
                 f"{len(document['stories'])} stories, {time.perf_counter() - started:.1f} s")
    return out


def run_together(roots: dict[Path, list[str]], path: Path) -> Path:
    """One briefing over every selected event of every root, written to ``path``."""
    files = [root / name / "articles.jsonl" for root, names in roots.items() for name in names]
    started = time.perf_counter()
    document = briefing(files)
    write_json(document, path)
    progress(f"together: {len(files)} events, {len(document['articles'])} articles, "
             f"{len(document['stories'])} stories, {time.perf_counter() - started:.1f} s")
    return path


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def score(root: Path, report: Path, details: bool = False) -> dict:
    """score.py on ``report`` (a folder of EVENT.json or one briefing) against the events
    under ``root``: its printed lines exactly, the summary figures and per-event figures."""
    scorer = load_scorer()
    printed = io.StringIO()
    argv = ["score.py", str(root), str(report)] + (["--details"] if details else [])
    saved, sys.argv = sys.argv, argv
    try:
        with contextlib.redirect_stdout(printed):
            scorer.main()
    finally:
        sys.argv = saved
    per_event = event_figures(scorer, root, report)
    result = summary(per_event)
    lines = printed.getvalue().rstrip("\n").splitlines()
    _check_same(result, lines[-1])
    return {"lines": lines, "summary": result, "events": per_event}


def event_figures(scorer, root: Path, report: Path) -> dict[str, dict]:
    """score.py's ``score_event`` on every event it has a report for."""
    events = scorer.load_events(str(root))
    reports = scorer.reports_for(str(report), events)
    return {e: scorer.score_event(e, gold, urls, reports[e], [])
            for e, (gold, urls) in events.items() if e in reports}


def flagged(scorer, report: dict, urls: dict, field: str = "conflicts") -> list[dict]:
    """The conflicts of a briefing as score.py reads them (sides as the event's article keys;
    conflicts with fewer than two sides among the event's articles left out, each with the
    briefing's ``conflict``), from the claims' ``field``: ``conflicts`` (the disputes) or
    ``possible_conflicts``."""
    key = {a["id"]: urls.get(a.get("url")) for a in report.get("articles", [])
           if urls.get(a.get("url"))}
    out = []
    for story in report.get("stories", []):
        if not any(i in key for i in story.get("article_ids", [])):
            continue
        for claim in story.get("claims", []):
            for x in claim.get(field, []):
                sides = [{key.get(i) for i in side.get("article_ids", [])} - {None}
                         for side in x.get("sides", [])]
                if sum(1 for side in sides if side) < 2:
                    continue
                text = scorer.fold(" ".join([x.get("summary") or ""]
                                            + [side.get("text") or "" for side in x["sides"]]))
                out.append({"kind": x.get("kind"), "sides": sides, "text": text,
                            "conflict": x})
    return out


def by_kind(scorer, root: Path, report: Path) -> dict[str, dict[str, int]]:
    """Conflict figures per kind, summed over events: the gold's clear conflicts (``clear``)
    found with their kind (``found``) or any (``found_any``), and also counting the possible
    differences behind the fold (``found_any_with_possible``); disputes flagged (``flagged``),
    supported by a gold conflict (``supported``, each gold conflict supporting one, as
    score.py counts) and matching a gold look-alike (``look_alikes``); possible differences
    shown (``possible``) and supported (``possible_supported``)."""
    events = scorer.load_events(str(root))
    reports = scorer.reports_for(str(report), events)
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e, (gold, urls) in events.items():
        if e not in reports:
            continue
        disputes = flagged(scorer, reports[e], urls)
        possible = flagged(scorer, reports[e], urls, "possible_conflicts")
        golds = gold.get("conflicts", [])
        for c in golds:
            if c.get("tier") != "clear":
                continue
            k = kinds[c["kind"]]
            hits = [x for x in disputes if scorer.conflict_matches(x, c)]
            k["clear"] += 1
            k["found"] += any(x["kind"] == c["kind"] for x in hits)
            k["found_any"] += bool(hits)
            k["found_any_with_possible"] += bool(hits) or any(
                scorer.conflict_matches(x, c) for x in possible)
        for shown, total, supported in ((disputes, "flagged", "supported"),
                                        (possible, "possible", "possible_supported")):
            used: set[int] = set()
            for x in shown:
                k = kinds[x["kind"]]
                k[total] += 1
                hit = next((i for i, c in enumerate(golds)
                            if i not in used and scorer.conflict_matches(x, c)), None)
                if hit is not None:
                    used.add(hit)
                    k[supported] += 1
                elif total == "flagged" and any(scorer.conflict_matches(x, c)
                                                for c in gold.get("not_conflicts", [])):
                    k["look_alikes"] += 1
    return {kind: dict(figures) for kind, figures in sorted(kinds.items())}


KIND_FIGURES = ("clear", "found", "found_any", "found_any_with_possible", "flagged",
                "supported", "look_alikes", "possible", "possible_supported")


def kind_table(kinds: dict[str, dict[str, int]]) -> list[str]:
    rows = ["| kind | clear (gold) | found, right kind | found, any kind | found counting "
            "possible | disputes flagged | supported | look-alikes flagged | possible shown "
            "| possible supported |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    total = defaultdict(int)
    for kind, figures in kinds.items():
        rows.append(f"| {kind} | " + " | ".join(str(figures.get(f, 0)) for f in KIND_FIGURES)
                    + " |")
        for f in KIND_FIGURES:
            total[f] += figures.get(f, 0)
    rows.append("| **all** | " + " | ".join(str(total[f]) for f in KIND_FIGURES) + " |")
    return rows


def summary(per_event: dict[str, dict]) -> dict:
    """The summary figures, summed over events as score.py sums them."""
    tot: dict[str, int] = defaultdict(int)
    for figures in per_event.values():
        for key, value in figures.items():
            tot[key] += int(value)
    p = tot["tp"] / tot["sp"] if tot["sp"] else 1.0
    r = tot["tp"] / tot["gp"] if tot["gp"] else 1.0
    return {
        "events": len(per_event),
        "pair_p": p, "pair_r": r, "pair_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "pairs_gold": tot["gp"], "pairs_found": tot["sp"], "pairs_true": tot["tp"],
        "indep_exact": tot["indep_ok"],
        "quote_speakers_hit": tot["qhit"], "quote_speakers_total": tot["qd"],
        "clear_found_strict": tot["strict"], "clear_found_lenient": tot["lenient"],
        "clear_total": tot["clear"],
        "conflicts_supported": tot["supported"], "conflicts_flagged": tot["sys"],
        "conflict_precision": tot["supported"] / tot["sys"] if tot["sys"] else 0.0,
        "flagged_not_conflicts": tot["false_nc"],
    }


def _check_same(result: dict, last_line: str) -> None:
    """The dict and score.py's own summary line agree (else this runner is wrong)."""
    expected = [f"{result['pair_p']:.2f}/{result['pair_r']:.2f}/{result['pair_f1']:.2f}",
                f"indep exact {result['indep_exact']}/{result['events']}",
                f"speakers {result['quote_speakers_hit']}/{result['quote_speakers_total']}",
                f"conflict precision {result['conflicts_supported']}/{result['conflicts_flagged']}",
                f"flagged not-conflicts {result['flagged_not_conflicts']}"]
    wrong = [text for text in expected if text not in last_line]
    if wrong:
        raise RuntimeError(f"summary {wrong} disagrees with score.py: {last_line}")


def keys_by_url(folder: Path) -> dict[str, str]:
    text = (folder / "articles.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return {row["url"]: row["key"] for row in rows}


def rewrite_linkage(root: Path, names: list[str], document: dict) -> dict:
    """Rewrites (B) linked to their original (A) by a derivation, any kind, either way."""
    id_of_url = {a.get("url"): a["id"] for a in document["articles"]}
    edges = {frozenset((d["parent"], d["child"])) for s in document["stories"]
             for d in s.get("derivations", [])}
    story_of = {i: s["id"] for s in document["stories"] for i in s.get("article_ids", [])}
    linked, missed = [], []
    for name in names:
        ids = {key: id_of_url.get(url) for url, key in keys_by_url(root / name).items()}
        a, b = ids.get("A"), ids.get("B")
        if a and b and frozenset((a, b)) in edges:
            linked.append(name)
        else:
            same = bool(a and b and story_of.get(a) and story_of.get(a) == story_of.get(b))
            missed.append({"event": name, "placed": bool(a and b), "same_story": same})
    return {"linked": len(linked), "total": len(names), "missed": missed,
            "articles": len(document["articles"])}


def run_set(name: str, mode: str, names: list[str] | None, out: Path, details: bool) -> dict:
    root = SETS[name]
    selected = event_names(root, names)
    scored_root = events_root(root, selected, out)
    if mode == "together":
        report = run_together({root: selected}, out / f"{name}-together.json")
    else:
        report = run_alone(root, selected, out / f"{name}-alone")
    result = {"set": name, "mode": mode, **score(scored_root, report, details),
              "kinds": by_kind(load_scorer(), scored_root, report)}
    if mode == "alone":
        claims = central_claims(root, selected, report)
        if claims["gold"]:  # rewrites/dev lists no central facts
            result["claims"] = claims
    return result


# Cosine (MiniLM int8) at which an article's claim is taken to state a gold central claim.
MENTION_SIMILARITY = 0.5


def central_claims(root: Path, names: list[str], folder: Path) -> dict:
    """How the briefings group the gold's central facts (``claims`` in gold.json: 5-10 per
    event, each with the articles stating it in any wording). score.py does not measure it.
    A gold claim's mention in an article is that article's claim closest in meaning to the
    gold text (MiniLM cosine at least ``MENTION_SIMILARITY``). Reported: gold claims stated
    by two families or more that the briefing shows as corroborated (mentions of two families
    in one aligned claim); cross-family pairs of mentions of one gold claim in one aligned
    claim; and, as the cost side, pairs of mentions of two different gold claims (different
    families, different words) put in one aligned claim."""
    import itertools

    from crosswire.embed import CachedEmbedder, load_embedder

    model = CachedEmbedder(load_embedder("minilm_int8"))
    out = {"gold": 0, "corroborated": 0, "pairs": 0, "joined": 0, "other_pairs": 0,
           "other_joined": 0}
    for name in names:
        gold = json.loads((root / name / "gold.json").read_text(encoding="utf-8"))
        family = {k: i for i, keys in enumerate(gold["families"]) for k in keys}
        key_of = keys_by_url(root / name)
        document = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        texts = {a["id"]: a["text"] for a in document["articles"]}
        keys = {a["id"]: key_of.get(a.get("url")) for a in document["articles"]}
        claims: dict[str, list[tuple[str, str]]] = {}  # article key -> (text, aligned claim)
        for story in document["stories"]:
            for claim in story["claims"]:
                for m in claim["mentions"]:
                    start, end = m["span"]
                    claims.setdefault(keys.get(m["article_id"]), []).append(
                        (texts[m["article_id"]][start:end], claim["id"]))
        mentions = []  # (gold claim, article key, mention text, aligned claim)
        for g, fact in enumerate(gold.get("claims", [])):
            target = model.encode([fact["text"]])[0]
            stated = [k for k in fact["articles"] if claims.get(k)]
            for k in stated:
                sims = model.encode([t for t, _ in claims[k]]) @ target
                best = int(sims.argmax())
                if sims[best] >= MENTION_SIMILARITY:
                    mentions.append((g, k, *claims[k][best]))
            out["gold"] += len({family[k] for k in fact["articles"]}) >= 2
            groups: dict[str, set[int]] = {}
            for mg, k, _, cid in mentions:
                if mg == g:
                    groups.setdefault(cid, set()).add(family[k])
            out["corroborated"] += len({family[k] for k in fact["articles"]}) >= 2 and \
                max(map(len, groups.values()), default=0) >= 2
        for (g1, k1, t1, c1), (g2, k2, t2, c2) in itertools.combinations(mentions, 2):
            if family[k1] == family[k2] or t1 == t2:
                continue
            which = "pairs" if g1 == g2 else "other_pairs"
            out[which] += 1
            out[which.replace("pairs", "joined")] += c1 == c2
    return out


def claims_text(c: dict) -> str:
    return (f"gold central claims stated by two families or more shown corroborated: "
            f"**{c['corroborated']}/{c['gold']}**; cross-family mentions of one gold claim in "
            f"one aligned claim {c['joined']}/{c['pairs']}; mentions of two different gold "
            f"claims put in one {c['other_joined']}/{c['other_pairs']}")


def run_combined(names: list[str] | None, out: Path,
                 crossnews_events: list[str] | None = None) -> dict:
    """The selected rewrites plus the crossnews events (all by default) in one store:
    rewrite linkage."""
    rewrites = event_names(SETS["rewrites"], names)
    crossnews = event_names(SETS["crossnews"], crossnews_events)
    path = run_together({SETS["rewrites"]: rewrites, SETS["crossnews"]: crossnews},
                        out / "combined.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    return {"set": "rewrites+crossnews", "mode": "combined",
            **rewrite_linkage(SETS["rewrites"], rewrites, document)}


def print_result(result: dict, header: bool) -> None:
    """score.py's lines as it prints them (headed by the set and mode when several ran)."""
    if "lines" in result:
        if header:
            print(f"== {result['set']} ({result['mode']})")
        print("\n".join(result["lines"]))
        if result.get("kinds"):
            print("conflicts per kind (disputes; possible differences behind the fold apart):")
            print("\n".join(kind_table(result["kinds"])))
        if "claims" in result:
            print(claims_text(result["claims"]).replace("**", ""))
    else:
        print(f"== {result['set']} ({result['mode']}): rewrites linked to their original "
              f"{result['linked']}/{result['total']}")
        for miss in result["missed"]:
            print(f"  {miss['event']}: not linked ({where(miss)})")


# --- docs/benchmarks.md -----------------------------------------------------------------

def git_commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=False).stdout.strip() or "unknown"


def today() -> str:
    return subprocess.run(["date", "+%F"], capture_output=True, text=True,
                          check=False).stdout.strip()


def event_table(result: dict) -> list[str]:
    rows = [("| event | dependent pairs gold / found / false | indep | direct-quote speakers "
             "| clear conflicts strict / lenient / total | flagged / supported "
             "| flagged not-conflicts |"),
            "|---|---|---|---|---|---|---|"]
    for e, r in result["events"].items():
        rows.append(f"| {e} | {r['gp']} / {r['tp']} / {r['sp'] - r['tp']} "
                    f"| {'ok' if r['indep_ok'] else 'wrong'} | {r['qhit']}/{r['qd']} "
                    f"| {r['strict']} / {r['lenient']} / {r['clear']} "
                    f"| {r['sys']} / {r['supported']} "
                    f"| {r['false_nc']} |")
    return rows


def summary_text(s: dict) -> str:
    return (f"pair P/R/F1 **{s['pair_p']:.2f}/{s['pair_r']:.2f}/{s['pair_f1']:.2f}** "
            f"({s['pairs_true']} of {s['pairs_gold']} gold pairs, {s['pairs_found']} found); "
            f"indep exact **{s['indep_exact']}/{s['events']}**; direct-quote speakers "
            f"**{s['quote_speakers_hit']}/{s['quote_speakers_total']}**; clear conflicts found "
            f"**{s['clear_found_strict']}**/{s['clear_total']} "
            f"(any kind {s['clear_found_lenient']}); "
            f"conflict precision **{s['conflicts_supported']}/{s['conflicts_flagged']}** "
            f"= {s['conflict_precision']:.2f}; flagged not-conflicts {s['flagged_not_conflicts']}")


TITLES = {("crossnews", "alone"): "crossnews/dev, each event alone: 12 briefings",
          ("crossnews", "together"): "crossnews/dev, all 12 events in one store: one briefing",
          ("rewrites", "alone"): "rewrites/dev, each pair alone: 20 briefings",
          ("rewrites+crossnews", "combined"): "rewrites/dev and crossnews/dev in one store: "
                                              "rewrite linkage"}


def benchmarks_block(results: list[dict], command: str) -> str:
    lines = [START, "## Real-news dev sets: crossnews and rewrites", "",
             f"Measured {today()} at commit `{git_commit()}` by `{command}`."]
    lines += paragraph(
        "Briefings are made "
        "in-process by `crosswire.api.analyze` (what `crosswire analyze` runs; the same "
        "figures as the CLI per event), a fresh store per run, scored by "
        "`../shared/data/crossnews/score.py`. The four runs share one process, in this order: "
        "the first time includes loading the models, and later runs reuse the process's "
        "in-memory sentence vectors, so their times are lower than a run on its own.")
    lines += [""] + paragraph(
        "**These are development sets.** `crossnews/dev` and `rewrites/dev` are what the "
        "project looks at while working, so every figure below is in-sample for anything "
        "tuned on them. The held-out sets (other events annotated the same way, scored "
        "elsewhere with the same script) decide.")
    seen: dict[str, dict] = {}
    for result in results:
        title = TITLES[(result["set"], result["mode"])]
        lines += ["", f"### {title}, {result['seconds']:.0f} s", ""]
        if "lines" not in result:
            lines += linkage_text(result)
            continue
        lines += paragraph(summary_text(result["summary"])) + [""]
        if result.get("kinds"):
            lines += ["Conflicts per kind (the disputes, which score.py scores; the possible "
                      "differences behind the fold apart):", ""] + kind_table(result["kinds"]) \
                + [""]
        if "claims" in result:
            lines += paragraph("Central facts (our own measure, `central_claims` in the "
                               "script): " + claims_text(result["claims"]) + ".") + [""]
        same = next((mode for mode, events in seen.items() if events == result["events"]), None)
        if same:
            lines += [f"Every per-event figure is the same as {same}."]
        else:
            lines += event_table(result)
        seen[f"{result['set']} {result['mode']}"] = result["events"]
    lines.append(END)
    return "\n".join(lines)


def paragraph(text: str) -> list[str]:
    return textwrap.wrap(text, width=95, break_long_words=False, break_on_hyphens=False)


def linkage_text(result: dict) -> list[str]:
    lines = paragraph(
        f"All {result['total']} rewrite pairs and the 12 crossnews events analysed in one "
        f"store ({result['articles']} articles, one briefing): rewrites (B) still linked to "
        f"their original (A) by a derivation of any kind in either direction: "
        f"**{result['linked']}/{result['total']}** (target {result['total']}/{result['total']}).")
    lines += [f"- {miss['event']}: not linked ({where(miss)})" for miss in result["missed"]]
    return lines


def where(miss: dict) -> str:
    return ("not placed" if not miss["placed"] else
            "same story, no derivation" if miss["same_story"] else "put in different stories")


def write_benchmarks(block: str, path: Path = BENCHMARKS) -> None:
    """Replace the marked block in ``path``, or append it when absent."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


# --- command line ---------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="crossnews")
    parser.add_argument("--mode", choices=["alone", "together"], default="alone")
    parser.add_argument("--combined", action="store_true",
                        help="with --set rewrites: rewrites + crossnews in one store, "
                             "rewrite linkage")
    parser.add_argument("--events", type=lambda s: [e.strip() for e in s.split(",") if e.strip()],
                        help="comma-separated event folders, e.g. 10,14 or r00,r05")
    parser.add_argument("--details", action="store_true",
                        help="print every miss (score.py --details)")
    parser.add_argument("--out", type=Path,
                        help="folder for the briefings (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print the summary figures as JSON")
    parser.add_argument("--write-benchmarks", action="store_true",
                        help="run all four full evaluations and rewrite the block in "
                             "docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.combined and args.set != "rewrites":
        parser.error("--combined goes with --set rewrites")
    if args.write_benchmarks and args.events:
        parser.error("--write-benchmarks measures the full sets: leave out --events")
    return args


def run(args: argparse.Namespace, out: Path) -> list[dict]:
    timed = []
    if args.write_benchmarks:
        plans = [("crossnews", "alone"), ("crossnews", "together"), ("rewrites", "alone"),
                 ("rewrites", "combined")]
    elif args.combined:
        plans = [("rewrites", "combined")]
    else:
        plans = [(args.set, args.mode)]
    for name, mode in plans:
        started = time.perf_counter()
        if mode == "combined":
            result = run_combined(args.events, out)
        else:
            result = run_set(name, mode, args.events, out, args.details)
        result["seconds"] = time.perf_counter() - started
        progress(f"{name} {mode}: {result['seconds']:.0f} s")
        timed.append(result)
    return timed


def figures_of(result: dict) -> dict:
    """What --json prints: the set, mode, run time and summary figures (no per-event lines)."""
    head = {"set": result["set"], "mode": result["mode"], "seconds": round(result["seconds"], 1)}
    if "summary" in result:
        return {**head, **result["summary"], **({"claims": result["claims"]}
                                                 if "claims" in result else {}),
                **({"kinds": result["kinds"]} if result.get("kinds") else {})}
    return {**head, **{k: result[k] for k in ("linked", "total", "missed", "articles")}}


def main(argv: list[str] | None = None) -> list[dict]:
    args = parse_args(argv)
    check_data()
    with contextlib.ExitStack() as stack:
        out = args.out or Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="crossnews-")))
        results = run(args, out)
    if args.json:
        figures = [figures_of(r) for r in results]
        print(json.dumps(figures[0] if len(figures) == 1 else figures, indent=2))
    else:
        for result in results:
            print_result(result, header=len(results) > 1)
    if args.write_benchmarks:
        write_benchmarks(benchmarks_block(results, ".venv/bin/python eval/crossnews.py "
                                          "--write-benchmarks"))
        progress(f"wrote the crossnews block of {BENCHMARKS.relative_to(ROOT)}")
    return results


if __name__ == "__main__":
    main()
