"""The Spark engine: the same stages as the local engine, on PySpark.

    crosswire analyze --engine spark --master local[2] inputs/ --out report.json
    crosswire analyze --engine spark --master spark://host:7077 /shared/news/ ...

Inputs are paths every executor sees (a shared file system); docs/spark.md says how to run
it on a cluster and what is still done on the driver.

What runs where:
- reading: input files are distributed over the executors, each file read record by record
  by the same readers as the local engine (JSON Lines, WARC, any format);
- cleaning: pass one (main-text extraction and line rules, the costly part) on the
  executors; pass two (outlet names by domain, lines repeated across one outlet's articles)
  on the driver over every draft at once, as the local engine does per batch;
- NLP: ``mapPartitions``, the spaCy pipeline loaded once per executor process;
- cross-source: story assignment, provenance and alignment run on the driver through the
  same ``build_stories`` as the local engine, so both engines give the same stories.

Results are written as Parquet (``articles``, ``parsed``, ``stories`` with their
derivations, ``skipped``) under ``--spark-out`` and loaded into the SQLite store (``crosswire load``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clean import Cleaner
from ..config import Config
from ..ingest.readers import read_file
from ..nlp import NlpPipeline
from ..records import Article, ParsedArticle, RawDocument, Skipped, Story, from_dict, to_dict
from ..store import Store
from .local import RunResult
from .stories import build_stories

_NLP: NlpPipeline | None = None  # one pipeline per executor process


def _files(inputs: Iterable[str]) -> tuple[list[str], list[Skipped]]:
    files: list[str] = []
    missing: list[Skipped] = []
    for spec in inputs:
        path = Path(spec)
        if path.is_dir():
            files += sorted(str(p) for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.exists():
            files.append(str(path))
        else:
            missing.append(Skipped(spec, "ingest", "no such file or folder"))
    return files, missing


def session(master: str, app_name: str = "crosswire") -> Any:
    from pyspark.sql import SparkSession

    # Executors run this interpreter (the one with crosswire installed) unless told otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "8"))
    if master.startswith("local"):
        # A local run reaches nothing but loopback: bind the driver there.
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --------------------------------------------------------------------------- per-partition work
# Functions below run on executors: module-level, picklable, importing crosswire there.


def _read(path: str, config: Config) -> Iterator[RawDocument | Skipped]:
    yield from read_file(Path(path), config)


def _parse(articles: Iterable[Article], config: Config) -> Iterator[ParsedArticle | Skipped]:
    global _NLP
    if _NLP is None:
        _NLP = NlpPipeline(config.nlp)
    yield from _NLP.pipe(articles)


@dataclass(slots=True)
class SparkRun:
    articles: list[Article]
    raws: dict[str, RawDocument]
    parsed: list[ParsedArticle]
    skipped: list[Skipped]


def run_stages(spark: Any, inputs: Iterable[str], config: Config) -> SparkRun:
    """Reading, cleaning and NLP on the cluster; results collected in input order."""
    sc = spark.sparkContext
    files, skipped = _files(inputs)
    if not files:
        return SparkRun([], {}, [], skipped)
    slices = min(len(files), sc.defaultParallelism * 4)
    # (file index, item index, item): the keys restore the local engine's input order.
    items = sc.parallelize(list(enumerate(files)), numSlices=slices).flatMap(
        lambda pair: ((pair[0], i, item) for i, item in enumerate(_read(pair[1], config))))
    # Cleaning, pass one (extraction and line rules, the costly part) on the executors.
    drafted = sorted(items.mapPartitions(lambda part: _first_passes(part, config)).collect(),
                     key=lambda t: (t[0], t[1]))
    skipped += [item for _, _, item, _ in drafted if isinstance(item, Skipped)]
    docs = {raw.source: raw for _, _, raw, _ in drafted if isinstance(raw, RawDocument)}
    # Pass two needs every article of an outlet at once (lines repeated across an outlet are
    # boilerplate): the driver finishes the drafts, as the local engine does per batch.
    keyed = [(f, i, draft) for f, i, raw, draft in drafted if isinstance(raw, RawDocument)]
    finished = Cleaner(config.clean).finish_batch([d for _, _, d in keyed])
    cleaned = [(f, i, a) for (f, i, _), a in zip(keyed, finished)]
    skipped += [a for _, _, a in cleaned if isinstance(a, Skipped)]
    articles_in = [(f, i, a) for f, i, a in cleaned if isinstance(a, Article)]
    # NLP on the executors, the model loaded once per executor process.
    rows = sorted(sc.parallelize(articles_in, numSlices=max(1, min(len(articles_in), sc.defaultParallelism * 2)))
                  .mapPartitions(lambda part: _parse_keyed(part, config)).collect(),
                  key=lambda t: (t[0], t[1]))
    articles: list[Article] = []
    parsed: list[ParsedArticle] = []
    seen: set[str] = set()
    for _, _, item in rows:
        if isinstance(item, Skipped):
            skipped.append(item)
        elif item.id not in seen:
            seen.add(item.id)
            articles.append(item.article)
            parsed.append(item)
    return SparkRun(articles, {a.source: docs[a.source] for a in articles}, parsed, skipped)


def _first_passes(part: Iterable[tuple[int, int, Any]], config: Config) -> Iterator[tuple[int, int, Any, Any]]:
    cleaner = Cleaner(config.clean)
    for f, i, item in part:
        yield (f, i, item, None) if isinstance(item, Skipped) else (f, i, item, cleaner.first_pass(item))


def _parse_keyed(part: Iterable[tuple[int, int, Article]], config: Config) -> Iterator[tuple[int, int, Any]]:
    rows = list(part)
    results = _parse([a for _, _, a in rows], config)
    for (f, i, _), result in zip(rows, results):
        yield f, i, result


# --------------------------------------------------------------------------- Parquet and loading


def write_parquet(out: Path, run: SparkRun, stories: list[Story]) -> None:
    """Results as Parquet tables (one JSON column per record: the records are nested)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "articles": [{"id": a.id, "raw": run.raws[a.source].raw, "raw_meta": json.dumps(
            {"source": run.raws[a.source].source, "format": run.raws[a.source].format,
             "url": run.raws[a.source].url, "fields": run.raws[a.source].fields,
             "fetched_at": run.raws[a.source].fetched_at}), "data": json.dumps(to_dict(a))}
            for a in run.articles],
        "parsed": [{"article_id": p.id, "data": json.dumps(to_dict(p))} for p in run.parsed],
        "stories": [{"id": s.id, "data": json.dumps(to_dict(s))} for s in stories],
        "skipped": [{"source": s.source, "stage": s.stage, "reason": s.reason} for s in run.skipped],
    }
    schemas = {
        "articles": pa.schema([("id", pa.string()), ("raw", pa.binary()), ("raw_meta", pa.string()),
                               ("data", pa.string())]),
        "parsed": pa.schema([("article_id", pa.string()), ("data", pa.string())]),
        "stories": pa.schema([("id", pa.string()), ("data", pa.string())]),
        "skipped": pa.schema([("source", pa.string()), ("stage", pa.string()), ("reason", pa.string())]),
    }
    for name, rows in tables.items():
        pq.write_table(pa.Table.from_pylist(rows, schema=schemas[name]), out / f"{name}.parquet")


def load_parquet(directory: Path, store: Store, version: str) -> tuple[list[str], list[Story], list[Skipped]]:
    """Load a Spark run's Parquet output into the SQLite store (idempotent)."""
    import pyarrow.parquet as pq

    article_ids: list[str] = []
    for row in pq.read_table(directory / "articles.parquet").to_pylist():
        meta = json.loads(row["raw_meta"])
        raw = RawDocument(source=meta["source"], format=meta["format"], raw=row["raw"], url=meta["url"],
                          fields=tuple(tuple(f) for f in meta["fields"]), fetched_at=meta["fetched_at"])
        article = from_dict(Article, json.loads(row["data"]))
        store.add_article(raw, article)  # type: ignore[arg-type]
        article_ids.append(row["id"])
    store.add_parsed((from_dict(ParsedArticle, json.loads(r["data"]))  # type: ignore[misc]
                      for r in pq.read_table(directory / "parsed.parquet").to_pylist()), version)
    stories = [from_dict(Story, json.loads(r["data"]))
               for r in pq.read_table(directory / "stories.parquet").to_pylist()]
    skipped = [Skipped(**r) for r in pq.read_table(directory / "skipped.parquet").to_pylist()]
    for item in skipped:
        store.add_skipped(item)
    return article_ids, stories, skipped  # type: ignore[return-value]


def analyze(inputs: Iterable[str], config: Config, store: Store, out: Path) -> RunResult:
    """The Spark engine's main job: per-article stages on the cluster, Parquet under ``out``,
    loaded into ``store``, then the cross-source stage through the local engine's code."""
    spark = session(config.engine.spark_master)
    try:
        run = run_stages(spark, inputs, config)
    finally:
        spark.stop()
    version = NlpPipeline(config.nlp).version
    write_parquet(out, run, [])
    article_ids, _, skipped = load_parquet(out, store, version)
    result = RunResult(article_ids=article_ids, skipped=list(skipped))
    result.stories = build_stories(run.parsed, config, store)
    write_parquet(out, run, result.stories)
    return result
