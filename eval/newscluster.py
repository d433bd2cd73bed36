"""Story clustering on a real news stream: newscluster-dev (168 articles of 35 events).

Reads ../shared/data/newscluster-dev at run time (never copied into the repo): news-please JSON
lines and ``gold.json`` (url -> event). The articles run through the whole pipeline
(``crosswire.api.analyze``, the default configuration, one fresh store) one publication day at
a time in date order, as a daily ``crosswire analyze`` would see them, and the stories they end
in are scored against the events with B-cubed and pairwise precision, recall and F1.

``--data tests/fixtures/lookalikes`` scores the project's fictional look-alike pairs (two
floods, two dock strikes, one minister in two stories, two earthquakes) the same way.

    .venv/bin/python eval/newscluster.py [--data DIR] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from basil import bcubed, pairwise, print_scores  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "newscluster-dev"


def load(data: Path = DATA) -> tuple[list[dict], dict[str, str]]:
    if not data.is_dir():
        raise SystemExit(f"{data} not found: the evaluation reads ../shared/data beside the repo")
    rows = [json.loads(line) for line in (data / "articles.jsonl").read_text(encoding="utf-8")
            .splitlines() if line.strip()]
    gold = json.loads((data / "gold.json").read_text(encoding="utf-8"))
    rows.sort(key=lambda r: (r.get("date_publish") or "", r["url"]))
    return rows, gold


def run(rows: list[dict], gold: dict[str, str]) -> dict:
    from crosswire import api
    from crosswire.config import Config
    from crosswire.store import Store

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newscluster-") as tmp:
        config = Config.load(db=Path(tmp) / "crosswire.db", quiet=True)
        for n, (_, day) in enumerate(itertools.groupby(
                rows, key=lambda r: (r.get("date_publish") or "")[:10])):
            path = Path(tmp) / f"day-{n:04d}.jsonl"  # a file per day: a source is read once
            path.write_text("".join(json.dumps(r) + "\n" for r in day), encoding="utf-8")
            api.analyze([str(path)], config)
        with Store(config.db) as store:
            url_of = {a.id: a.url for a in store.articles()}
            story_of = {url_of[a]: s.id for s in store.stories() for a in s.article_ids}
    urls = [r["url"] for r in rows if r["url"] in gold]
    predicted = [story_of.get(u, f"alone:{u}") for u in urls]
    labels = [gold[u] for u in urls]
    return {"articles": len(urls), "events": len(set(labels)), "stories": len(set(predicted)),
            "placed": sum(u in story_of for u in urls), "bcubed": bcubed(predicted, labels),
            "pairwise": pairwise(predicted, labels),
            "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA,
                        help="a folder of articles.jsonl and gold.json (default newscluster-dev)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(*load(args.data))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.data.name} {result['articles']} articles, {result['events']} events: "
              f"{result['stories']} stories ({result['placed']} placed) in {result['seconds']} s")
        print_scores(result)
    return result


if __name__ == "__main__":
    main()
