"""The cross-source stage on Spark: a run's ParsedArticles (an RDD) -> Stories, continuing
from the store.

The steps of engine/stories.py, through its functions, spread as follows:

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
from typing import Any

import numpy as np

from .. import provenance
from ..cluster import (
    POSTING_LIMIT,
    SHARED_TERMS,
    Member,
    day_of,
    document_text,
    members_from_rows,
    terms,
)
from ..config import Config
from ..embed import get_embedder
from ..records import Derivation, ParsedArticle, Story
from ..store import Store
from . import stories

log = logging.getLogger(__name__)

# Rows of the vector matrix compared at a time when finding nearest neighbours.
_BLOCK = 256


# --------------------------------------------------------------------------- on executors


def _features(part: Iterable[ParsedArticle], config: Config) -> Iterator[tuple]:
    """(id, day, document vector, salient terms, MinHash bytes) of each article."""
    analysis = config.analysis
    lead = analysis.cluster_lead_chars
    rows = list(part)
    vectors = get_embedder(analysis.embedding_model).encode([document_text(p, lead) for p in rows])
    for p, vector in zip(rows, vectors):
        doc = provenance.make_doc(p, analysis.provenance_min_words)
        yield (p.id, day_of(p.article.published), np.asarray(vector, dtype=np.float32),
               sorted(terms(p, lead)),
               provenance.signature_bytes(provenance.signature(doc, analysis.minhash_perm)))


def _nearest(part: Iterable[tuple], ids: list[str], matrix: np.ndarray, k: int) -> Iterator[tuple]:
    """(id, the ``k`` ids of ``matrix`` nearest by cosine, itself included)."""
    rows = list(part)
    for start in range(0, len(rows), _BLOCK):
        block = rows[start:start + _BLOCK]
        sims = np.stack([r[2] for r in block]) @ matrix.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < len(ids) else \
            np.tile(np.arange(len(ids)), (len(block), 1))
        for row, found in zip(block, top):
            yield row[0], [ids[j] for j in found]


def _bands(rows: Iterable[tuple[str, bytes, bool]], config: Config) -> Iterator[tuple]:
    """(id, LSH band key, new) for every band of every valid signature."""
    for article_id, blob, new in rows:
        signature = provenance.signature_from_bytes(blob, config.analysis.minhash_perm)
        if signature is not None:
            for key in provenance.lsh_bands(signature, config.analysis):
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


def _rebuild(part: Iterable[tuple[str, Iterable[ParsedArticle]]], plans: dict[str, tuple],
             config: Config) -> Iterator[tuple[str, Story, list[Derivation], list[str]]]:
    """Each story of the partition from its members: provenance over its pairs, then the
    story record; with the edges and the children they replace."""
    analysis = config.analysis
    embedder = get_embedder(analysis.embedding_model)
    for key, members in part:
        parsed = {p.id: p for p in members}
        story_id, history, article_ids, pairs = plans[key]
        docs = {a: provenance.make_doc(p, analysis.provenance_min_words) for a, p in parsed.items()}
        involved = sorted({a for pair in pairs for a in pair if a in docs})
        edges = stories.derive(docs, pairs, embedder, analysis)
        stories.encode_claims(embedder, [[parsed[a] for a in article_ids if a in parsed]])
        articles = {a: p.article for a, p in parsed.items()}
        story = stories.make_story(story_id, article_ids, articles, parsed, edges, history, config)
        yield key, story, edges, involved


# --------------------------------------------------------------------------- on the driver


def candidates(spark: Any, features: Any, fresh: list[Member], rows: list,
                config: Config) -> dict[str, set[str]]:
    """Each new article's candidate neighbours on any day, as Clusterer.candidates finds
    them: the nearest by document vector (exact here, where the local engine's index is
    approximate) and those sharing salient terms."""
    sc = spark.sparkContext
    pool = members_from_rows(rows)
    everyone = pool + fresh
    ids = sc.broadcast([m.id for m in everyone])
    matrix = sc.broadcast(np.stack([m.vector for m in everyone]).astype(np.float32))
    k = min(len(everyone), config.analysis.cluster_neighbours + 1)
    near = {a: set(found) for a, found in features.mapPartitions(
        lambda part: _nearest(part, ids.value, matrix.value, k)).collect()}
    # Term blocking: (term, (id, new)) grouped by term; each posting short enough to block
    # with gives its (new article, other article) pairs; pairs sharing enough terms are kept.
    postings = sc.parallelize([(t, (m.id, False)) for m in pool for t in m.terms]).union(
        features.flatMap(lambda r: [(t, (r[0], True)) for t in r[3]])).groupByKey()
    shared = (postings.flatMap(_term_pairs).reduceByKey(operator.add)
              .filter(lambda pair: pair[1] >= SHARED_TERMS).keys().collect())
    for a, b in shared:
        near.setdefault(a, set()).add(b)
    return near


def lsh_pairs(spark: Any, signatures: Any, config: Config) -> set[tuple[str, str]]:
    """provenance.candidate_pairs as a Spark job: ``signatures`` is an RDD of (article id,
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
    english = [a for a in order if languages[a][2]]
    stories.warn_not_placed([languages[a][:2] for a in order if not languages[a][2]])
    if not english:
        return []
    model = get_embedder(analysis.embedding_model).name
    new_ids = sc.broadcast(stories.not_clustered(english, model, store))
    if new_ids.value:
        features = (parsed.filter(lambda p: p.id in new_ids.value)
                    .mapPartitions(lambda part: _features(part, config))
                    .persist(StorageLevel.MEMORY_AND_DISK))
        _place(spark, parsed, features, config, store, model)
    return [s for s in (store.story(sid) for sid in store.stories_of_articles(english))
            if s is not None]


def _place(spark: Any, parsed: Any, features: Any, config: Config, store: Store,
           model: str) -> None:
    analysis = config.analysis
    # The driver holds the new articles' features only (a vector, terms, a MinHash each).
    collected = features.collect()
    fresh = sorted((Member(a, day, vector, frozenset(t)) for a, day, vector, t, _ in collected),
                   key=lambda m: m.id)
    signatures = {a: provenance.signature_from_bytes(blob, analysis.minhash_perm)
                  for a, *_, blob in collected}
    rows = stories.window_rows(fresh, config, model, store)
    near = candidates(spark, features, fresh, rows, config)
    placement = stories.assign(fresh, rows, signatures, config, store, near)
    stored = spark.sparkContext.parallelize([(r["article_id"], r["minhash"], False) for r in rows])
    similar = lsh_pairs(spark, stored.union(features.map(lambda r: (r[0], r[4], True))), config)
    pairs = stories.provenance_pairs(placement, similar, analysis)
    ids = stories.story_ids(placement.full, store)
    keys = [k for k in sorted(placement.full) if placement.full[k]]

    # Stories continuing stored ones are rebuilt from the store, on the driver.
    fresh_ids = {m.id for m in fresh}
    touched = {a for e in store.derivations_touching(sorted(fresh_ids)) for a in (e.parent, e.child)}
    on_driver = {k for k in keys if not k.startswith("new:")
                 or any(a not in fresh_ids or a in touched for a in placement.full[k])}
    key_of = placement.story_key()
    embedder = get_embedder(analysis.embedding_model, store)
    driver_new = [a for k in on_driver for a in placement.full[k] if a in fresh_ids]
    docs = {a: provenance.make_doc(p, analysis.provenance_min_words)
            for a, p in store.parsed_any(driver_new).items()}
    stories.derive_in_store({p for p in pairs if key_of[p[0]] in on_driver}, docs, config,
                            store, embedder)
    rebuilt = dict(zip(sorted(on_driver), stories.rebuild_from_store(
        sorted(on_driver), ids, placement, config, store, embedder)))

    # The others on the executors, one story per group.
    pairs_of: dict[str, list[tuple[str, str]]] = {}
    for pair in sorted(pairs):
        pairs_of.setdefault(key_of[pair[0]], []).append(pair)
    plans = {k: (ids[k], tuple(placement.assignment.history.get(k, [])), placement.full[k],
                 pairs_of.get(k, [])) for k in keys if k not in on_driver}
    if plans:
        shared_plans = spark.sparkContext.broadcast(plans)
        shared_keys = spark.sparkContext.broadcast({a: k for k in plans for a in plans[k][2]})
        parts = max(1, min(len(plans), spark.sparkContext.defaultParallelism * 2))
        out = (parsed.filter(lambda p: p.id in shared_keys.value)
               .map(lambda p: (shared_keys.value[p.id], p)).groupByKey(parts)
               .mapPartitions(lambda part: _rebuild(part, shared_plans.value, config)).collect())
        store.replace_derivations(sorted({a for *_, children in out for a in children}),
                                  [e for _, _, edges, _ in out for e in edges])
        rebuilt |= {k: story for k, story, _, _ in out}
    log.info("%d stories rebuilt on the executors, %d continuing stored ones on the driver",
             len(plans), len(on_driver))
    stories.save_placement(placement, [rebuilt[k] for k in keys], store, model)
