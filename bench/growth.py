"""Growth: cross-source stage time per new article at a 1k- and a 100k-article store.

Builds two synthetic stores (not kept: they live in a temporary folder) of fictional articles
arriving at a constant rate (``--per-day`` articles a day, in stories of 2-8 articles), with
everything a later run reads: articles, parses, stories, derivations-free clustering state
(document vectors, terms, MinHash signatures). Both stores end with the same most recent
1,000 articles, so the same batch of new articles (``--batch``: continuations of recent
stories, new stories, verbatim copies of recent articles) meets the same recent stories; the
big store just has 99,000 older articles behind them.

Measured: wall time of ``story.build_stories`` on the batch (clustering, provenance,
story rebuild with entity linking, claim alignment and summary), per new article, median of
``--repeat`` runs each on a fresh copy of the store; and the clustering step alone (window
load + assignment). The target is a 100k/1k ratio of at most 1.5.

The default rate (100 a day) lets both stores fill the clustering window
(``analysis.cluster_window_days`` of articles), so the comparison isolates store size; the
1k store holds ten days, less than the clustering horizon (``cluster_horizon_days``), so the
100k store's larger horizon pool is part of what the ratio measures. At 250
a day the 1k store holds only four days, a smaller pool than the window holds at 100k, and
the ratio then measures window size as much as store size.

Vectors come from the hashing embedder (cheap, so building 100k vectors takes seconds; the
clustering code path is the one MiniLM vectors take, and encoding cost per new article does
not depend on the store size anyway).

    .venv/bin/python bench/growth.py [--sizes 1000,100000] [--batch 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from crosswire.config import Config
from crosswire.embed import CachedEmbedder, load_embedder
from crosswire.story import placement, stage
from crosswire.story.cluster import Clusterer
from crosswire.story.features import document_text, features_of
from crosswire.records import Article, ParsedArticle, RawDocument, Story, content_id, to_dict
from crosswire.store import Store

LAST_DAY = date(2026, 6, 30)
SYLLABLES = ["ka", "lo", "ve", "rin", "dal", "mor", "tis", "ven", "hal", "bri", "sto", "nek",
             "ul", "ar", "gen", "pol", "fe", "ru", "san", "thor"]
VERBS = ["said", "announced", "warned", "confirmed", "reported", "denied", "estimated"]
NOUNS = ["council", "ministry", "union", "company", "court", "hospital", "port", "school",
         "police", "agency", "bank", "airport", "museum", "farm", "bridge", "railway"]


def word(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n))


def topic(rng: random.Random) -> dict:
    """A fictional story: its names and the sentences its articles draw on."""
    place, person, org = word(rng, 3).title(), f"{word(rng).title()} {word(rng, 3).title()}", \
        f"{word(rng, 2).title()} {rng.choice(NOUNS).title()}"
    sentences = []
    for _ in range(8):
        sentences.append(
            f"The {rng.choice(NOUNS)} in {place} {rng.choice(VERBS)} that {org} would "
            f"{word(rng)} {rng.randint(2, 900)} {word(rng, 3)}s before {word(rng)} {person} "
            f"{rng.choice(VERBS)} the {word(rng, 3)} plan.")
    return {"title": f"{org} {word(rng)} in {place}", "sentences": sentences}


def article(rng: random.Random, story: dict, day: date, n: int) -> ParsedArticle:
    picked = rng.sample(story["sentences"], 5)
    text = " ".join(picked)
    outlet = f"{word(rng, 2).title()} Post"
    a = Article(id=Article.make_id(text, None, story["title"], f"{outlet}{n}"),
                source=f"synthetic#{n}", raw_id=content_id("r", text, str(n)), text=text,
                title=story["title"], outlet=outlet, published=day.isoformat(),
                published_basis="metadata", language="en")
    spans, start = [], 0
    for s in picked:
        spans.append((start, start + len(s)))
        start += len(s) + 1
    return ParsedArticle(article=a, sentences=tuple(spans))


def timeline(size: int, per_day: int, seed: int) -> list[tuple[ParsedArticle, str]]:
    """(article, story id) pairs, oldest first. The newest 1,000 come from a fixed seed so
    every store size ends with the same recent articles."""
    def block(count: int, end: date, rng: random.Random, tag: str) -> list[tuple[ParsedArticle, str]]:
        out: list[tuple[ParsedArticle, str]] = []
        while len(out) < count:
            story, members = topic(rng), rng.randint(2, 8)
            sid = f"{tag}{len(out)}"
            for _ in range(min(members, count - len(out))):
                index = count - len(out)  # counts down to the newest
                day = end - timedelta(days=index // per_day)
                out.append((article(rng, story, day, hash((tag, len(out))) & 0xFFFFFFF), sid))
        return out

    recent = block(min(size, 1000), LAST_DAY, random.Random(seed), "r")
    older_end = LAST_DAY - timedelta(days=1000 // per_day + 1)
    older = block(size - len(recent), older_end, random.Random(seed + 1), "o") if size > 1000 else []
    return older + recent


def fill(store: Store, items: list[tuple[ParsedArticle, str]], config: Config) -> None:
    """Bulk-load the synthetic store: the rows a pipeline run would have written."""
    analysis = config.analysis
    embedder = load_embedder(analysis.embedding_model)
    now = "2026-06-30T00:00:00Z"
    stories: dict[str, list[ParsedArticle]] = {}
    for p, sid in items:
        stories.setdefault(sid, []).append(p)
    for start in range(0, len(items), 5000):
        chunk = items[start:start + 5000]
        vectors = embedder.encode([document_text(p, analysis.cluster_lead_chars) for p, _ in chunk])
        rows_raw, rows_articles, rows_parsed, rows_members = [], [], [], []
        for (p, _), vector in zip(chunk, vectors):
            a = p.article
            rows_raw.append((a.raw_id, a.source, "text", None, "[]", None, a.text.encode(), now))
            rows_articles.append((a.id, a.raw_id, a.source, a.url, a.outlet, a.title, a.published,
                                  a.published_basis, a.language, a.text, json.dumps(to_dict(a)), now))
            rows_parsed.append((a.id, "synthetic", json.dumps(to_dict(p))))
            f = features_of(p, vector, analysis)
            rows_members.append((a.id, embedder.name, a.published, vector.tobytes(),
                                 json.dumps(sorted(f.terms)), f.signature, "[]"))
        with store.transaction() as conn:
            conn.executemany("INSERT INTO raw_documents VALUES (?,?,?,?,?,?,?,?)", rows_raw)
            conn.executemany("INSERT INTO articles(id, raw_id, source, url, outlet, title,"
                             " published, published_basis, language, text, data, ingested_at)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows_articles)
            conn.executemany("INSERT INTO parsed VALUES (?,?,?)", rows_parsed)
        store.save_cluster_members(rows_members)
    store.save_stories(Story(id=Story.make_id([p.id for p in members]), title=members[0].article.title,
                             article_ids=tuple(p.id for p in members),
                             independent_sources=len(members))
                       for members in stories.values())


def new_batch(size: int, per_day: int, seed: int) -> list[ParsedArticle]:
    """Continuations of recent stories, new stories and verbatim copies, on the next day."""
    recent = timeline(1000, per_day, seed)
    rng = random.Random(seed + 7)
    day = LAST_DAY + timedelta(days=1)
    out = []
    first_of_story: dict[str, ParsedArticle] = {}
    for p, sid in recent:
        first_of_story.setdefault(sid, p)
    recent_stories = list(first_of_story.values())[-200:]
    for n in range(size):
        if n % 5 < 2:  # a continuation: same title and sentences of a recent story
            base = rng.choice(recent_stories)
            text = base.article.text
            sentences = text.split(". ")
            rng.shuffle(sentences)
            story = {"title": base.article.title, "sentences": [s.rstrip(".") + "." for s in sentences]}
            out.append(article(rng, story, day, 10_000_000 + n))
        elif n % 5 < 4:
            out.append(article(rng, topic(rng), day, 10_000_000 + n))
        else:  # another outlet republishes a recent article verbatim
            base = rng.choice(recent)[0].article
            a = Article(id=Article.make_id(base.text, None, base.title, f"Copy {n}"),
                        source=f"synthetic#copy{n}", raw_id=content_id("r", "copy", str(n)),
                        text=base.text, title=base.title, outlet=f"Copy {n}",
                        published=day.isoformat(), published_basis="metadata", language="en")
            out.append(ParsedArticle(article=a))
    return out


def store_new(store: Store, batch: list[ParsedArticle]) -> None:
    for p in batch:
        raw = RawDocument(source=p.article.source, format="text",
                          raw=f"{p.article.outlet}\n{p.article.text}".encode())
        store.add_article(raw, dataclasses.replace(p.article, raw_id=raw.id))
    store.add_parsed(batch, "synthetic")


def measure(path: Path, batch: list[ParsedArticle], config: Config, repeat: int) -> dict:
    totals, clustering = [], []
    for i in range(repeat):
        copy = path.with_name(f"{path.stem}-run{i}.db")
        shutil.copy(path, copy)
        with Store(copy) as store:
            store_new(store, batch)
            embedder = CachedEmbedder(load_embedder(config.analysis.embedding_model), store)
            vectors = embedder.encode([document_text(p, config.analysis.cluster_lead_chars)
                                       for p in batch])
            fresh = [features_of(p, v, config.analysis) for p, v in zip(batch, vectors)]
            start = time.perf_counter()
            pool = placement.members_of(placement.stored_features(
                placement.window_rows(fresh, config, embedder.name, store)))
            Clusterer(config.analysis).assign(placement.members_of((f, None) for f in fresh), pool)
            clustering.append(time.perf_counter() - start)
            start = time.perf_counter()
            stage.build_stories(batch, config, store)
            totals.append(time.perf_counter() - start)
        copy.unlink()
    return {"per_article_ms": 1000 * statistics.median(totals) / len(batch),
            "clustering_per_article_ms": 1000 * statistics.median(clustering) / len(batch),
            "runs_s": [round(t, 2) for t in totals]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    config = Config().replace("analysis", embedding_model="hashing", cluster_threshold=0.5)
    batch = new_batch(args.batch, args.per_day, args.seed)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"store-{size}.db"
            start = time.perf_counter()
            with Store(path) as store:
                fill(store, timeline(size, args.per_day, args.seed), config)
                store.query("PRAGMA wal_checkpoint(TRUNCATE)")
            built = time.perf_counter() - start
            results[size] = measure(path, batch, config, args.repeat)
            r = results[size]
            print(f"{size:>7} stored articles (built in {built:.0f} s): "
                  f"{r['per_article_ms']:.1f} ms per new article "
                  f"(clustering alone {r['clustering_per_article_ms']:.2f} ms); runs {r['runs_s']} s",
                  flush=True)
    if len(sizes) >= 2:
        small, big = results[sizes[0]], results[sizes[-1]]
        print(f"ratio {sizes[-1]}/{sizes[0]}: whole stage "
              f"{big['per_article_ms'] / small['per_article_ms']:.2f}, clustering alone "
              f"{big['clustering_per_article_ms'] / small['clustering_per_article_ms']:.2f} "
              f"(target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
