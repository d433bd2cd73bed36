"""The cross-source stage on Spark: a run's ParsedArticles (an RDD) -> Stories, continuing
from the store.

The steps of the story package (``crosswire.story``), through its functions, spread as follows:

1. Features (executors, ``mapPartitions``; the embedding model loaded once per executor
   process): document vector, salient terms and MinHash of each new English article.
2. Blocking (Spark jobs): each new article's nearest articles by document vector (exact
   cosine against the run's and the window's vectors, broadcast), the articles sharing
   salient terms with it (a join on terms) and its MinHash LSH pairs (a join on band keys).
3. Story assignment (driver): the clusterer's pass in (day, id) order with its merges and
   splits is sequential by design (an article joins the stories earlier articles made); the
   driver runs it over the vectors, terms and candidate lists alone, never parsed articles.
4. Per story (executors, ``groupByKey`` on the story): provenance within the story, title,
   independent sources, entities, claim alignment, conflicts, summary; each executor process
   with its own embedder. Only stories made of this run's articles go there: a story that
   continues stored ones (stored members, stored history or stored derivation edges) is
   rebuilt on the driver from the store, as the local engine does (incremental runs).
5. The driver saves stories, derivations and clustering features in the store (its single
   writer).

The stored rows a run continues from (the window's clustered articles, stored story members)
are read once by the driver; the window's vectors go to the executors as a broadcast.
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import Config
from ..embed import CachedEmbedder, load_embedder
from ..records import Derivation, ParsedArticle, Story
from ..store import Store
from ..story import Features, StoryJob, lineage, make_stories, placement, stage
from ..story.cluster import POSTING_LIMIT, SHARED_TERMS
from ..story.features import features

log = logging.getLogger(__name__)

# Rows of the vector matrix compared at a time when finding nearest neighbours.
_BLOCK = 256


# --------------------------------------------------------------------------- on executors


def _features(part: Iterable[ParsedArticle], config: Config) -> Iterator[Features]:
    """The features of each article of the partition, on this executor's model."""
    yield from features(list(part), load_embedder(config.analysis.embedding_model),
                        config.analysis)


def _nearest(part: Iterable[Features], ids: list[str], matrix: np.ndarray, k: int) -> Iterator[tuple]:
    """(id, the ``k`` ids of ``matrix`` nearest by cosine, itself included)."""
    rows = list(part)
    for start in range(0, len(rows), _BLOCK):
        block = rows[start:start + _BLOCK]
        sims = np.stack([r.vector for r in block]) @ matrix.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < len(ids) else \
            np.tile(np.arange(len(ids)), (len(block), 1))
        for row, found in zip(block, top):
            yield row.id, [ids[j] for j in found]


def _bands(rows: Iterable[tuple[str, bytes, bool]], config: Config) -> Iterator[tuple]:
    """(id, LSH band key, new) for every band of every valid signature."""
    for article_id, blob, new in rows:
        signature = lineage.signature_from_bytes(blob, config.analysis.minhash_perm)
        if signature is not None:
            for key in lineage.lsh_bands(signature, config.analysis):
                yield article_id, key, new


def _term_pairs(posting: tuple[str, Iterable[tuple[str, bool]]]) -> Iterator[tuple]:
    """((new article, article), 1) for the pairs sharing one term, unless the term is in
    too many articles to block anything (Clusterer.candidates)."""
    ids = list(posting[1])
    if len(ids) <= POSTING_LIMIT:
        for a, new in ids:
            if new:
                for b, _ in ids:
                    yield (a, b), 1


def _rebuild(part: Iterable[tuple[str, Iterable[ParsedArticle]]], plans: dict[str, _Plan],
             config: Config) -> Iterator[tuple[str, Story, list[Derivation], list[str]]]:
    """Each story of the partition from its members: lineage over its pairs, then the
    story; with the edges and the children they replace."""
    analysis = config.analysis
    model = load_embedder(analysis.embedding_model)
    for key, members in part:
        parsed = {p.id: p for p in members}
        plan = plans[key]
        docs = {a: lineage.make_doc(p, analysis.provenance_min_words) for a, p in parsed.items()}
        involved = sorted({a for pair in plan.pairs for a in pair if a in docs})
        edges = stage.derive(docs, set(plan.pairs), CachedEmbedder(model), analysis)
        job = StoryJob(story_id=plan.story_id, article_ids=plan.article_ids,
                       articles={a: p.article for a, p in parsed.items()}, parsed=parsed,
                       edges=tuple(edges), history=plan.history)
        yield key, make_stories([job], config, model)[0], edges, involved


# --------------------------------------------------------------------------- on the driver


def candidates(spark: Any, rdd: Any, fresh: list[Features], rows: list,
               config: Config) -> dict[str, set[str]]:
    """Each new article's candidate neighbours on any day, as Clusterer.candidates finds
    them: the nearest by document vector (exact here, where the local engine's index is
    approximate) and those sharing salient terms."""
    sc = spark.sparkContext
    pool = [f for f, _ in placement.stored_features(rows)]
    everyone = pool + fresh
    ids = sc.broadcast([m.id for m in everyone])
    matrix = sc.broadcast(np.stack([m.vector for m in everyone]).astype(np.float32))
    k = min(len(everyone), config.analysis.cluster_neighbours + 1)
    near = {a: set(found) for a, found in rdd.mapPartitions(
        lambda part: _nearest(part, ids.value, matrix.value, k)).collect()}
    # Term blocking: (term, (id, new)) grouped by term; each posting short enough to block
    # with gives its (new article, other article) pairs; pairs sharing enough terms are kept.
    postings = sc.parallelize([(t, (m.id, False)) for m in pool for t in m.terms]).union(
        rdd.flatMap(lambda f: [(t, (f.id, True)) for t in f.terms])).groupByKey()
    shared = (postings.flatMap(_term_pairs).reduceByKey(operator.add)
              .filter(lambda pair: pair[1] >= SHARED_TERMS).keys().collect())
    for a, b in shared:
        near.setdefault(a, set()).add(b)
    return near


def lsh_pairs(spark: Any, signatures: Any, config: Config) -> set[tuple[str, str]]:
    """lineage.candidate_pairs as a Spark job: ``signatures`` is an RDD of (article id,
    MinHash bytes, whether the article is new); the pairs of a new article with any other
    sharing an LSH bucket, joined on the band keys."""
    from pyspark.sql.functions import col

    bands = spark.createDataFrame(signatures.mapPartitions(lambda part: _bands(part, config)),
                                  "id string, key binary, new boolean")
    left, right = bands.alias("l"), bands.alias("r")
    found = (left.join(right, (col("l.key") == col("r.key")) & (col("l.id") < col("r.id"))
                       & (col("l.new") | col("r.new")))
             .select(col("l.id").alias("a"), col("r.id").alias("b")).distinct().collect())
    return {(a, b) for a, b in found}


def build_stories(spark: Any, parsed: Any, order: list[str], config: Config,
                  store: Store) -> list[Story]:
    """Place the run's articles (``parsed``: an RDD of ParsedArticle; ``order``: their ids in
    input order) in stories, new or stored; return the stories of its English articles."""
    from pyspark import StorageLevel

    analysis = config.analysis
    sc = spark.sparkContext
    languages = dict(parsed.map(lambda p: (p.id, (p.article.source, p.article.language,
                                                  p.article.is_english))).collect())
    # Articles of inputs an earlier run read are not in ``parsed``: the store has them.
    languages |= {a.id: (a.source, a.language, a.is_english)
                  for a in store.articles([a for a in order if a not in languages])}
    english = [a for a in order if languages[a][2]]
    placement.warn_not_placed([languages[a][:2] for a in order if not languages[a][2]])
    if not english:
        return []
    model = load_embedder(analysis.embedding_model).name
    new_ids = sc.broadcast(placement.not_clustered(english, model, store))
    if new_ids.value:
        rdd = (parsed.filter(lambda p: p.id in new_ids.value)
               .mapPartitions(lambda part: _features(part, config))
               .persist(StorageLevel.MEMORY_AND_DISK))
        _place(spark, parsed, rdd, config, store, model)
    return [s for s in (store.story(sid) for sid in store.stories_of_articles(english))
            if s is not None]


@dataclass(frozen=True, slots=True)
class _Plan:
    """A story made on an executor: what its job needs besides its members' parses."""

    story_id: str
    history: tuple[str, ...]
    article_ids: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]


def _place(spark: Any, parsed: Any, rdd: Any, config: Config, store: Store, model: str) -> None:
    analysis = config.analysis
    # The driver holds the new articles' features only (a vector, terms, a MinHash each).
    fresh = sorted(rdd.collect(), key=lambda f: f.id)
    rows = placement.window_rows(fresh, config, model, store)
    near = candidates(spark, rdd, fresh, rows, config)
    placed = placement.assign(fresh, rows, config, store, near)
    stored = spark.sparkContext.parallelize([(r["article_id"], r["minhash"], False) for r in rows])
    similar = lsh_pairs(spark, stored.union(rdd.map(lambda f: (f.id, f.signature, True))), config)
    pairs = stage.lineage_pairs(placed, analysis, similar)
    model_here = load_embedder(analysis.embedding_model)
    cached = CachedEmbedder(model_here, store)
    # Pairs across two stories are judged here first: one text in both joins the stories.
    placed_in = placed.keys()
    across = {p for p in pairs if placed_in.get(p[0]) != placed_in.get(p[1])}
    across_edges: list[Derivation] = []
    if across:
        across_docs = {a: lineage.make_doc(p, analysis.provenance_min_words) for a, p in
                       store.parsed_any(sorted({a for pair in across for a in pair})).items()}
        across_edges, across_docs = stage.derive_in_store(across, across_docs, config, store,
                                                          cached)
        links = stage.joining(across_edges, across_docs, placed, analysis)
        placed = placement.join(placed, links, store)
    ids = placement.story_ids(placed, store)
    keys = placed.touched()

    # Stories continuing stored ones, or joined by lineage, are rebuilt from the store, on
    # the driver.
    fresh_ids = {f.id for f in fresh}
    touched = {a for e in store.derivations_touching(sorted(fresh_ids)) for a in (e.parent, e.child)}
    on_driver = {k for k in keys if not k.startswith("new:")
                 or any(a not in fresh_ids or a in touched for a in placed.full[k])}
    key_of = placed.story_key()
    driver_new = [a for k in on_driver for a in placed.full[k] if a in fresh_ids]
    docs = {a: lineage.make_doc(p, analysis.provenance_min_words)
            for a, p in store.parsed_any(driver_new).items()}
    stage.derive_in_store({p for p in pairs - across if key_of.get(p[0]) in on_driver}, docs,
                          config, store, cached)
    rebuilt = {story.id: story for group in stage.story_jobs(sorted(on_driver), ids, placed, store)
               for story in make_stories(group, config, model_here)}
    rebuilt = {k: rebuilt[ids[k]] for k in on_driver}

    # The others on the executors, one story per group.
    pairs_of: dict[str, list[tuple[str, str]]] = {}
    for pair in sorted(pairs - across):
        if pair[0] in key_of:
            pairs_of.setdefault(key_of[pair[0]], []).append(pair)
    plans = {k: _Plan(ids[k], tuple(placed.history.get(k, ())), placed.full[k],
                      tuple(pairs_of.get(k, []))) for k in keys if k not in on_driver}
    if plans:
        shared_plans = spark.sparkContext.broadcast(plans)
        shared_keys = spark.sparkContext.broadcast({a: k for k in plans for a in plans[k].article_ids})
        parts = max(1, min(len(plans), spark.sparkContext.defaultParallelism * 2))
        out = (parsed.filter(lambda p: p.id in shared_keys.value)
               .map(lambda p: (shared_keys.value[p.id], p)).groupByKey(parts)
               .mapPartitions(lambda part: _rebuild(part, shared_plans.value, config)).collect())
        store.replace_derivations(sorted({a for *_, children in out for a in children}),
                                  [e for _, _, edges, _ in out for e in edges])
        # The edges across stories judged above stay (the executors replaced only edges
        # within their stories).
        store.replace_derivations([], across_edges)
        rebuilt |= {k: story for k, story, _, _ in out}
    log.info("%d stories rebuilt on the executors, %d continuing stored ones on the driver",
             len(plans), len(on_driver))
    placement.save(placed, [rebuilt[k] for k in keys], store, model)
