"""The Spark engine: the same stages as the local engine, on PySpark.

    crosswire analyze --engine spark --master local[2] inputs/ --out report.json
    crosswire analyze --engine spark --master spark://host:7077 /shared/news/ ...

Inputs are paths every executor sees (a shared file system); docs/spark.md says how to run
it on a cluster and what still runs on the driver.

What runs where:
- reading: input files are distributed over the executors, each file read record by record
  by the same readers as the local engine (JSON Lines, WARC, any format);
- cleaning: pass one (main-text extraction and line rules) on the executors; pass two as two
  Spark jobs: outlet names by host gathered over the run (a ``reduceByKey``), then the lines
  repeated across one outlet's articles, one outlet at a time (a ``groupByKey`` on outlet);
- NLP: ``mapPartitions``, the spaCy pipeline loaded once per executor process;
- the per-article results are written as Parquet by the executors, then loaded into the
  SQLite store by the driver (the store's single writer);
- cross-source: engine/spark_stories.py (features, blocking and per-story stages on the
  executors; the sequential story assignment on the driver).

Results are written as Parquet (``articles``, ``parsed``, ``stories`` with their
derivations, ``skipped``: one directory of part files each) under ``--spark-out`` and can be
loaded into any SQLite store (``crosswire load``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clean import Cleaner, domain_names, name_domains, outlet_key
from ..config import Config
from ..embed import load_embedder
from ..ingest.readers import input_files, read_file
from ..nlp import NlpPipeline, pipeline_version
from ..records import Article, ParsedArticle, RawDocument, Skipped, Story, from_dict, to_dict
from ..store import Store
from .local import RunResult

_NLP: NlpPipeline | None = None  # one pipeline per executor process

# Where a skip happened, so the skipped table lists them in the local engine's order.
_READ, _FINISH, _PARSE = 1, 2, 3


def _files(inputs: Iterable[str], config: Config) -> tuple[list[str], list[Skipped]]:
    files: list[str] = []
    missing: list[Skipped] = []
    for spec in inputs:
        for entry in input_files(spec, config):
            if isinstance(entry, Skipped):
                missing.append(entry)
            else:
                files.append(str(entry))
    return files, missing


def session(master: str, app_name: str = "crosswire") -> Any:
    from pyspark.sql import SparkSession

    # Executors run this interpreter (the one with crosswire installed) unless told otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "8")
               # A Python worker holding the spaCy and embedding models is past the default
               # 512m before it aggregates anything, and would then spill every group by.
               .config("spark.python.worker.memory", "2g"))
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


def _first_passes(part: Iterable[tuple[int, int, Any]], config: Config) -> Iterator[tuple[int, int, Any, Any]]:
    cleaner = Cleaner(config.clean)
    for f, i, item in part:
        yield (f, i, item, None) if isinstance(item, Skipped) else (f, i, item, cleaner.first_pass(item))


def _host_names(row: tuple[int, int, Any, Any]) -> list[tuple[str, tuple[tuple[int, int], str]]]:
    """(host, ((file, item), outlet name)) for a draft naming its host's outlet."""
    f, i, _, draft = row
    return [(host, ((f, i), name)) for host, name in domain_names([draft]).items()]


def _outlet_group(row: tuple[int, int, Any, Any], names: dict[str, str]) -> tuple[str, tuple]:
    f, i, raw, draft = row
    name_domains([draft], names)
    # A draft of no outlet has no repeated lines to share: it is finished on its own.
    return outlet_key(draft) or f"\x00{f}:{i}", (f, i, raw, draft)


def _finish_groups(part: Iterable[tuple[str, Iterable[tuple]]], config: Config,
                   names: dict[str, str]) -> Iterator[tuple[int, int, RawDocument, Any]]:
    cleaner = Cleaner(config.clean)
    for _, rows in part:
        # In input order, as the local engine meets them (repeated lines are counted per
        # version group, the first group matching wins).
        ordered = sorted(rows, key=lambda r: (r[0], r[1]))
        finished = cleaner.finish_batch([d for *_, d in ordered], names)
        for (f, i, raw, _), item in zip(ordered, finished):
            yield f, i, raw, item


def _parse_keyed(part: Iterable[tuple[int, int, RawDocument, Article]],
                 config: Config) -> Iterator[tuple[int, int, RawDocument, Any]]:
    rows = list(part)
    results = _parse([a for *_, a in rows], config)
    for (f, i, raw, _), result in zip(rows, results):
        yield f, i, raw, result


def _first(a: tuple, b: tuple) -> tuple:
    return a if (a[0], a[1]) <= (b[0], b[1]) else b


@dataclass(slots=True)
class SparkRun:
    """A run's per-article results on the cluster: ``parsed`` holds (file index, item
    index, RawDocument, ParsedArticle) rows, persisted for the cross-source stage; ``known``
    the (file index, item index, source) of inputs the store already holds, which are not
    read again (as the local engine does)."""

    parsed: Any  # RDD
    skipped: Any  # RDD of (step, file index, item index, Skipped)
    known: Any = None  # RDD of (file index, item index, source)


def run_stages(spark: Any, inputs: Iterable[str], config: Config,
               stored: frozenset[str] = frozenset()) -> SparkRun:
    """Reading, cleaning and NLP on the executors; nothing is collected to the driver but
    the outlet names by host. Items whose source is in ``stored`` (the store's sources) go
    to ``known`` instead of being cleaned and parsed again."""
    from pyspark import StorageLevel

    sc = spark.sparkContext
    files, missing = _files(inputs, config)
    missing_rdd = sc.parallelize([(_READ, -1, n, s) for n, s in enumerate(missing)], 1)
    if not files:
        return SparkRun(sc.emptyRDD(), missing_rdd, sc.emptyRDD())
    slices = min(len(files), sc.defaultParallelism * 4)
    shared_stored = sc.broadcast(stored)
    # (file index, item index, item): the keys restore the local engine's input order.
    read = sc.parallelize(list(enumerate(files)), numSlices=slices).flatMap(
        lambda pair: ((pair[0], i, item) for i, item in enumerate(_read(pair[1], config)))
    ).persist(StorageLevel.MEMORY_AND_DISK)

    def seen(row: tuple) -> bool:
        return isinstance(row[2], RawDocument) and row[2].source in shared_stored.value

    known = read.filter(seen).map(lambda r: (r[0], r[1], r[2].source))
    items = read.filter(lambda r: not seen(r))
    # Cleaning, pass one (extraction and line rules, the costly part).
    drafted = items.mapPartitions(lambda part: _first_passes(part, config)).persist(
        StorageLevel.MEMORY_AND_DISK)
    read_skips = drafted.filter(lambda r: isinstance(r[2], Skipped)).map(
        lambda r: (_READ, r[0], r[1], r[2]))
    first_skips = drafted.filter(lambda r: isinstance(r[3], Skipped)).map(
        lambda r: (_READ, r[0], r[1], r[3]))
    drafts = drafted.filter(lambda r: isinstance(r[2], RawDocument) and not isinstance(r[3], Skipped))
    # Pass two. Outlet names by host, the first in input order: one small map for the run.
    names = dict(drafts.flatMap(_host_names).reduceByKey(min).mapValues(lambda v: v[1]).collect())
    shared_names = sc.broadcast(names)
    parts = sc.defaultParallelism * 2
    finished = (drafts.map(lambda r: _outlet_group(r, shared_names.value)).groupByKey(parts)
                .mapPartitions(lambda part: _finish_groups(part, config, shared_names.value))
                .persist(StorageLevel.MEMORY_AND_DISK))
    finish_skips = finished.filter(lambda r: isinstance(r[3], Skipped)).map(
        lambda r: (_FINISH, r[0], r[1], r[3]))
    # One article per id (two files holding one article), the first in input order; then
    # NLP, the model loaded once per executor process.
    articles = (finished.filter(lambda r: isinstance(r[3], Article)).keyBy(lambda r: r[3].id)
                .reduceByKey(_first, parts).values())
    parsed_all = articles.mapPartitions(lambda part: _parse_keyed(part, config)).persist(
        StorageLevel.MEMORY_AND_DISK)
    parse_skips = parsed_all.filter(lambda r: isinstance(r[3], Skipped)).map(
        lambda r: (_PARSE, r[0], r[1], r[3]))
    parsed = parsed_all.filter(lambda r: isinstance(r[3], ParsedArticle))
    skipped = sc.union([missing_rdd, read_skips, first_skips, finish_skips, parse_skips])
    return SparkRun(parsed, skipped, known)


# --------------------------------------------------------------------------- Parquet and loading

_SCHEMAS = {
    "articles": "file int, item int, id string, raw binary, raw_meta string, data string",
    "parsed": "article_id string, data string",
    "stories": "id string, data string",
    "skipped": "step int, file int, item int, source string, stage string, reason string",
    # What story clustering continues from: a store loading the run (``crosswire load``)
    # places later articles among these as the store the run was made in does.
    "features": "article_id string, model string, day string, vector binary, terms string,"
                " minhash binary, days string",
}


def _article_row(row: tuple[int, int, RawDocument, ParsedArticle]) -> tuple:
    f, i, raw, parsed = row
    meta = {"source": raw.source, "format": raw.format, "url": raw.url, "fields": raw.fields,
            "fetched_at": raw.fetched_at}
    return f, i, parsed.id, raw.raw, json.dumps(meta), json.dumps(to_dict(parsed.article))


def write_table(spark: Any, out: Path, name: str, rows: Any) -> None:
    """One Parquet table (a directory of part files) from an RDD or a list of rows; with
    an RDD, every executor writes its own partitions."""
    spark.createDataFrame(rows, _SCHEMAS[name]).write.mode("overwrite").parquet(
        str(out / f"{name}.parquet"))


def write_run(spark: Any, out: Path, run: SparkRun) -> None:
    """The per-article tables, written by the executors."""
    write_table(spark, out, "articles", run.parsed.map(_article_row))
    write_table(spark, out, "parsed", run.parsed.map(
        lambda r: (r[3].id, json.dumps(to_dict(r[3])))))
    write_table(spark, out, "skipped", run.skipped.map(
        lambda r: (r[0], r[1], r[2], r[3].source, r[3].stage, r[3].reason)))


def _rows(path: Path, columns: list[str] | None = None) -> Iterator[dict]:
    """The rows of a Parquet table (one file or a directory of part files), a batch at a
    time: loading a large run never holds the whole table."""
    import pyarrow.dataset as ds

    for batch in ds.dataset(path, format="parquet").to_batches(columns=columns):
        yield from batch.to_pylist()


def load_parquet(directory: Path, store: Store, version: str,
                 known: Iterable[tuple[int, int, str]] = ()) -> tuple[list[str], list[Story], list[Skipped]]:
    """Load a Spark run's Parquet output into the SQLite store (idempotent). ``known``: the
    (file index, item index, article id) of the run's inputs the store already held, placed
    in the returned ids where the input order puts them."""
    order: list[tuple[int, int, str]] = list(known)
    for row in _rows(directory / "articles.parquet"):
        meta = json.loads(row["raw_meta"])
        raw = RawDocument(source=meta["source"], format=meta["format"], raw=row["raw"], url=meta["url"],
                          fields=tuple(tuple(f) for f in meta["fields"]), fetched_at=meta["fetched_at"])
        article = from_dict(Article, json.loads(row["data"]))
        store.add_article(raw, article)  # type: ignore[arg-type]
        order.append((row["file"], row["item"], row["id"]))
    pending: list[ParsedArticle] = []
    for row in _rows(directory / "parsed.parquet"):
        pending.append(from_dict(ParsedArticle, json.loads(row["data"])))  # type: ignore[arg-type]
        if len(pending) >= 500:
            store.add_parsed(pending, version)
            pending = []
    store.add_parsed(pending, version)
    stories_path = directory / "stories.parquet"
    stories = [from_dict(Story, json.loads(r["data"])) for r in _rows(stories_path)] \
        if stories_path.exists() else []
    features_path = directory / "features.parquet"
    if features_path.exists():
        store.save_cluster_members(
            (r["article_id"], r["model"], r["day"], r["vector"], r["terms"], r["minhash"],
             r["days"]) for r in _rows(features_path))
    skips = sorted(_rows(directory / "skipped.parquet"), key=lambda r: (r["step"], r["file"], r["item"]))
    skipped = [Skipped(r["source"], r["stage"], r["reason"]) for r in skips]
    for item in skipped:
        store.add_skipped(item)
    return list(dict.fromkeys(a for _, _, a in sorted(order))), stories, skipped  # type: ignore[return-value]


def analyze(inputs: Iterable[str], config: Config, store: Store, out: Path) -> RunResult:
    """The Spark engine's main job: per-article stages on the executors, written as Parquet
    under ``out`` and loaded into ``store``; then the cross-source stage (spark_stories.py),
    whose stories are saved in ``store`` and written beside them."""
    from .spark_stories import build_stories

    spark = session(config.engine.spark_master)
    try:
        run = run_stages(spark, inputs, config, frozenset(store.article_sources()))
        write_run(spark, out, run)
        # Inputs read by an earlier run: their stored articles belong to this run's report.
        known = [(f, i, a) for f, i, source in sorted(run.known.collect())
                 for a in store.article_ids_for_sources([source])]
        article_ids, _, skipped = load_parquet(out, store, pipeline_version(config.nlp),
                                               known)
        result = RunResult(article_ids=article_ids, skipped=list(skipped))
        result.stories = build_stories(spark, run.parsed.map(lambda r: r[3]), article_ids, config,
                                       store)
        write_table(spark, out, "stories", [(s.id, json.dumps(to_dict(s))) for s in result.stories])
        model = load_embedder(config.analysis.embedding_model).name
        write_table(spark, out, "features", [
            (r["article_id"], model, r["day"], bytes(r["vector"]), r["terms"],
             bytes(r["minhash"] or b""), r["days"])
            for r in store.cluster_members(model, article_ids=article_ids)])
    finally:
        spark.stop()
    return result
