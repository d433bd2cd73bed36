"""The library API; the CLI is a thin layer over these functions.

>>> from crosswire import analyze
>>> briefing = analyze(["reports/"], db="crosswire.db")   # the briefing JSON as a dict
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .config import Config
from .engine import local
from .ingest import Fetcher
from .nlp import pipeline_version
from .progress import SILENT, Reporter
from .records import Skipped
from .report import build, validate
from .store import Store


def _config(config: Config | None, db: str | Path | None) -> Config:
    config = config or Config.load()
    return config.replace(db=Path(db)) if db is not None else config


def ingest(inputs: Iterable[str], config: Config | None = None, db: str | Path | None = None,
           reporter: Reporter = SILENT) -> local.RunResult:
    """Read, clean and store inputs (files, folders, URLs)."""
    config = _config(config, db)
    with Store(config.db) as store, Fetcher(config.fetch, config.ingest.max_bytes) as fetcher:
        return local.ingest(list(inputs), config, store, reporter, fetcher)


def analyze(inputs: Iterable[str], config: Config | None = None, db: str | Path | None = None,
            reporter: Reporter = SILENT) -> dict[str, Any]:
    """The main job: ingest, understand and cross-check inputs; the briefing JSON (validated)."""
    config = _config(config, db)
    with Store(config.db) as store, Fetcher(config.fetch, config.ingest.max_bytes) as fetcher:
        if config.engine.engine == "spark":
            from .engine import spark  # imported only here: pyspark starts a JVM

            result = spark.analyze(list(inputs), config, store, config.engine.spark_out)
        else:
            result = local.analyze(list(inputs), config, store, reporter, fetcher)
        return briefing_for(store, config, result.article_ids, result.stories, result.skipped)


def load(directory: str | Path, config: Config | None = None, db: str | Path | None = None) -> dict[str, Any]:
    """Load a Spark run's Parquet results into the store; the briefing JSON of what it held."""
    from .engine import spark

    config = _config(config, db)
    with Store(config.db) as store:
        version = pipeline_version(config.nlp)
        article_ids, stories, skipped = spark.load_parquet(Path(directory), store, version)
        store.save_stories(stories, [d for s in stories for d in s.derivations])
        return briefing_for(store, config, article_ids, stories, skipped)


def briefing_for(store: Store, config: Config, article_ids: list[str], stories: list,
                 skipped: list[Skipped]) -> dict[str, Any]:
    articles = store.articles(article_ids)
    parsed = local.parse(article_ids, config, store)
    document = build(articles, parsed, stories, _unique(skipped))
    validate(document)
    return document


def _unique(skipped: list[Skipped]) -> list[Skipped]:
    seen: dict[tuple[str, str], Skipped] = {}
    for item in skipped:
        seen[(item.source, item.stage)] = item
    return list(seen.values())
