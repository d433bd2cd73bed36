"""The local engine: the whole pipeline, built in one place, on one machine.

    inputs --ingest--> RawDocument --clean--> Article --nlp--> ParsedArticle --story--> Story

Every stage's output is written to the store as soon as it exists, so an interrupted run
resumes where it stopped and a re-run on the same input does no work: inputs already read
are recognised by their source and content hash, parses by article id and extractor version.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..clean import Cleaner
from ..config import Config
from ..ingest import Fetcher, read_paths
from ..nlp import NlpPipeline, pipeline_version
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
    writer = _Writer(config, store, reporter, result or RunResult())
    # Before a large input is read, what the batch holds is stored: reading it may be slow,
    # or end the process, and must not hold good articles back (issue 19).
    writer.write(read_paths(inputs, config, fetcher, checkpoint=writer.flush))
    return writer.result


def ingest_items(items: Iterable[RawDocument | Skipped], config: Config, store: Store,
                 reporter: Reporter = SILENT, result: RunResult | None = None) -> RunResult:
    """Clean and store items already read (by a reader or a feed watcher)."""
    writer = _Writer(config, store, reporter, result or RunResult())
    writer.write(items)
    return writer.result


# Items cleaned together; also the evidence for lines repeated across an outlet's articles.
BATCH_SIZE = 64

# What one item can raise while it is stored: its own data (a name SQLite cannot encode, a
# value too big), never the store itself, whose errors end the run (exit code 3).
_ITEM_ERRORS = (UnicodeError, ValueError, OverflowError, sqlite3.DataError, sqlite3.InterfaceError)


class _Writer:
    """Cleans items in batches and stores each article with its raw input, or the reason it
    was skipped; one item that cannot be stored becomes a Skipped, the batch goes on."""

    def __init__(self, config: Config, store: Store, reporter: Reporter, result: RunResult):
        self.store, self.reporter, self.result = store, reporter, result
        self.cleaner = Cleaner(config.clean)
        self.batch: list[RawDocument] = []
        self.task = reporter.stage("Reading and cleaning", None)

    def write(self, items: Iterable[RawDocument | Skipped]) -> None:
        for item in items:
            if isinstance(item, Skipped):
                self.skip(item)
            elif not self.known(item):
                self.batch.append(item)
                if len(self.batch) >= BATCH_SIZE:
                    self.flush()
        self.flush()
        self.reporter.done(self.task)

    def known(self, doc: RawDocument) -> bool:
        """Whether the input was read before (nothing to do, but it is part of this run)."""
        if not self.store.has_source(doc.source):
            return False
        known = self.store.article_ids_for_sources([doc.source])
        for article_id in known:
            self.result.add_article(article_id)
        if known:
            self.reporter.advance(self.task)
        return bool(known)

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        for doc, item in zip(batch, self.cleaner.clean_batch(batch)):
            try:
                if isinstance(item, Skipped):
                    self.store.add_raw(doc)  # keep the raw input even when it has no article
                    self.skip(item)
                else:
                    if self.store.add_article(doc, item):
                        self.result.new_articles += 1
                    self.store.clear_skipped(doc.source)
                    self.result.add_article(item.id)
                    self.reporter.advance(self.task)
            except _ITEM_ERRORS as exc:
                self.skip(Skipped(doc.source, "store", f"cannot store: {type(exc).__name__}: {exc}"))

    def skip(self, item: Skipped) -> None:
        self.store.add_skipped(item)
        self.result.skipped.append(item)
        self.reporter.advance(self.task)


def parse(article_ids: list[str], config: Config, store: Store, reporter: Reporter = SILENT,
          result: RunResult | None = None, task: int | None = None,
          workers: Workers | None = None) -> dict[str, ParsedArticle]:
    """ParsedArticles for the ids, parsing only those without a current stored parse.
    Progress goes to ``task`` when given (a run in chunks keeps one bar). Parsing is spread
    over ``workers`` when given (a run keeps them for its later stages), else over workers
    of this call's own when ``engine.workers`` allows."""
    # The version only: the models load where the parsing happens (here, or in each worker).
    version = pipeline_version(config.nlp)
    parsed = store.parsed(article_ids, version)
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
        stream = workers.parse(todo) if parallel and workers is not None \
            else NlpPipeline(config.nlp).pipe(todo) if todo else iter(())
        for item in stream:
            if isinstance(item, Skipped):
                store.add_skipped(item)
                if result is not None:
                    result.skipped.append(item)
            else:
                parsed[item.id] = item
                pending.append(item)
                if len(pending) >= 64:
                    store.add_parsed(pending, version)
                    pending = []
            reporter.advance(task)
    if pending:
        store.add_parsed(pending, version)
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
