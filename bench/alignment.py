"""Claim alignment and conflicts: time per article of ``align_story`` on real multi-outlet news.

Parses every event of ``../shared/data/crossnews/dev`` once (not timed), links each event's
entities as the story stage does, encodes its claims once (the encoder cache is warm, as in a
run where one call encodes every story's claims), then times ``align_story`` (pair scores,
grouping, every conflict finder, the dispute model) over all events ``--repeat`` times and
prints the best and median time per article.

To compare two commits, run it from a worktree of each in turn, on the same machine, a few
times alternately (absolute timings on a shared 2-core machine are noisy):

    .venv/bin/python bench/alignment.py [--repeat 5]
    (cd ../old && PYTHONPATH=src ../main/.venv/bin/python bench/alignment.py)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from crosswire.config import Config
from crosswire.embed import CachedEmbedder, load_embedder
from crosswire.nlp import NlpPipeline
from crosswire.records import Article, Story
from crosswire.story.alignment import align_story
from crosswire.story.entities import link_story

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "crossnews" / "dev"


def events(root: Path, nlp: NlpPipeline) -> list[tuple[Story, list]]:
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        articles = []
        for i, line in enumerate((folder / "articles.jsonl").read_text("utf-8").splitlines()):
            record = json.loads(line)
            published = (record.get("date_publish") or "")[:10] or None
            articles.append(Article(id=f"a_{folder.name}_{i}", source=f"{folder.name}-{i}",
                                    raw_id=f"r_{folder.name}_{i}", text=record["text"],
                                    language="en", published=published))
        parsed = list(nlp.pipe(articles))
        ids = tuple(p.id for p in parsed)
        out.append((Story(id=Story.make_id(ids), title=folder.name, article_ids=ids,
                          entities=link_story(parsed)), parsed))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data at {args.data} (expected ../shared/data beside the project root)",
              file=sys.stderr)
        return 2
    config = Config()
    embedder = CachedEmbedder(load_embedder(config.analysis.embedding_model))
    stories = events(args.data, NlpPipeline())
    articles = sum(len(parsed) for _, parsed in stories)
    for story, parsed in stories:  # warm the encoder cache: encoding is not what is timed
        align_story(story, parsed, [], config, embedder)
    runs = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        for story, parsed in stories:
            align_story(story, parsed, [], config, embedder)
        runs.append((time.perf_counter() - started) * 1000 / articles)
    print(f"{articles} articles, {len(stories)} events: align_story best {min(runs):.2f} "
          f"ms/article, median {statistics.median(runs):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
