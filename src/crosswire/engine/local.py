"""The local engine: the whole pipeline, built in one place, on one machine.

    inputs --ingest--> RawDocument --clean--> Article --nlp--> ParsedArticle --story--> Story

Every stage's output is written to the store as soon as it exists, so an interrupted run
resumes where it stopped and a re-run on the same input does no work: inputs already read
are recognised by their source and content hash, parses by article id and extractor version.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..clean import Cleaner
from ..config import Config
from ..ingest import Fetcher, read_paths
from ..nlp import NlpPipeline
from ..progress import SILENT, Reporter
from ..records import ParsedArticle, RawDocument, Skipped, Story
from ..embed import Embedder, load_embedder
from ..store import Store
from ..story import StoryJob, make_stories, place_articles
from .workers import WorkerEmbedder, Workers

# Fewer new articles than this are parsed in-process (a worker start-up costs a model load).
PARALLEL_MIN = 200


@dataclass(slots=True)
class RunResult:
    """What one run touched: the articles of its inputs (new or already stored)."""

    article_ids: list[str] = field(default_factory=list)
    new_articles: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> wall seconds

    def add_article(self, article_id: str) -> None:
        if article_id not in self.article_ids:
            self.article_ids.append(article_id)


def ingest(inputs: Iterable[str], config: Config, store: Store, reporter: Reporter = SILENT,
           fetcher: Fetcher | None = None, result: RunResult | None = None) -> RunResult:
    """Read, clean and store every input. Returns the run's article ids and skipped items."""
    return ingest_items(read_paths(inputs, config, fetcher), config, store, reporter, result)


def ingest_items(items: Iterable[RawDocument | Skipped], config: Config, store: Store,
                 reporter: Reporter = SILENT, result: RunResult | None = None) -> RunResult:
    """Clean and store items already read (by a reader or a feed watcher)."""
    result = result or RunResult()
    cleaner = Cleaner(config.clean)
    task = reporter.stage("Reading and cleaning", None)
    batch: list[RawDocument] = []

    def flush() -> None:
        for doc, item in zip(batch, cleaner.clean_batch(batch)):
            if isinstance(item, Skipped):
                store.add_raw(doc)  # keep the raw input even when it has no article
                _skip(store, result, item)
            else:
                if store.add_article(doc, item):
                    result.new_articles += 1
                store.clear_skipped(doc.source)
                result.add_article(item.id)
            reporter.advance(task)
        batch.clear()

    for item in items:
        if isinstance(item, Skipped):
            _skip(store, result, item)
            reporter.advance(task)
            continue
        if store.has_source(item.source):
            known = store.article_ids_for_sources([item.source])
            if known:  # read before: nothing to do, but it belongs to this run's report
                for article_id in known:
                    result.add_article(article_id)
                reporter.advance(task)
                continue
        batch.append(item)
        if len(batch) >= 64:
            flush()
    if batch:
        flush()
    reporter.done(task)
    return result


def _skip(store: Store, result: RunResult, item: Skipped) -> None:
    store.add_skipped(item)
    result.skipped.append(item)


def parse(article_ids: list[str], config: Config, store: Store, reporter: Reporter = SILENT,
          result: RunResult | None = None, task: int | None = None,
          workers: Workers | None = None) -> dict[str, ParsedArticle]:
    """ParsedArticles for the ids, parsing only those without a current stored parse.
    Progress goes to ``task`` when given (a run in chunks keeps one bar). Parsing is spread
    over ``workers`` when given (a run keeps them for its later stages), else over workers
    of this call's own when ``engine.workers`` allows."""
    nlp = NlpPipeline(config.nlp)
    parsed = store.parsed(article_ids, nlp.version)
    todo = [a for a in store.articles([i for i in article_ids if i not in parsed])]
    if task is None:
        task = reporter.stage("Understanding articles", len(todo))
    else:
        reporter.advance(task, len(article_ids) - len(todo))  # already parsed before
    # Starting workers costs a model load each: worth it only for a real batch of articles.
    parallel = config.engine.workers > 1 and len(todo) >= PARALLEL_MIN
    pending: list[ParsedArticle] = []
    with contextlib.ExitStack() as stack:
        if parallel and workers is None:
            workers = stack.enter_context(Workers(config, config.engine.workers))
        stream = workers.parse(todo) if parallel and workers is not None else nlp.pipe(todo)
        for item in stream:
            if isinstance(item, Skipped):
                store.add_skipped(item)
                if result is not None:
                    result.skipped.append(item)
            else:
                parsed[item.id] = item
                pending.append(item)
                if len(pending) >= 64:
                    store.add_parsed(pending, nlp.version)
                    pending = []
            reporter.advance(task)
    if pending:
        store.add_parsed(pending, nlp.version)
    return parsed


def analyze(inputs: Iterable[str], config: Config, store: Store, reporter: Reporter = SILENT,
            fetcher: Fetcher | None = None) -> RunResult:
    """Ingest, parse and cross-check: the main job."""
    started = time.perf_counter()
    result = ingest(inputs, config, store, reporter, fetcher)
    result.timings["ingest+clean"] = time.perf_counter() - started
    # NLP and the cross-source stage go chunk by chunk, so memory stays bounded by the chunk
    # (the cross-source stage continues from the store, so chunks join earlier stories).
    result.timings["nlp"] = result.timings["cross-source"] = 0.0
    nlp_task = reporter.stage("Understanding articles", len(result.article_ids))
    task = reporter.stage("Cross-checking sources", len(result.article_ids))
    story_ids: dict[str, None] = {}  # in order of first appearance
    size = config.engine.chunk_size
    # One set of worker processes for the whole run, parsing and then encoding what the
    # cross-source stage asks for (started only when a stage has enough work for them).
    with Workers(config, config.engine.workers) as workers:
        encoder: Embedder = WorkerEmbedder(workers) if config.engine.workers > 1 \
            else load_embedder(config.analysis.embedding_model)

        def mapper(jobs: list[StoryJob]) -> list[Story]:
            # In the workers when they run anyway (they parsed this run); starting them only
            # to make a few stories costs more than making them here.
            if workers.started:
                return workers.make_stories(jobs)
            return make_stories(jobs, config, encoder)

        for start in range(0, len(result.article_ids), size):
            chunk = result.article_ids[start:start + size]
            started = time.perf_counter()
            parsed = parse(chunk, config, store, reporter, result, nlp_task, workers)
            result.timings["nlp"] += time.perf_counter() - started
            started = time.perf_counter()
            story_ids.update(dict.fromkeys(place_articles(
                [parsed[i] for i in chunk if i in parsed], config, store, encoder, mapper)))
            result.timings["cross-source"] += time.perf_counter() - started
            reporter.advance(task, len(chunk))
    # A later chunk may have grown or merged a story an earlier chunk returned.
    result.stories = [s for s in (store.story(sid) for sid in story_ids) if s is not None]
    return result
