"""Spark engine parity: on the fixture corpus, the local and Spark (local[2]) engines give
the same articles, stories, derivations and conflicts; the Parquet output loads into a store.
Its pieces one by one: the Spark LSH blocking gives provenance's candidate pairs, the Spark
neighbour blocking gives the clusterer's candidates, and the Parquet tables the executors
write load back into a store as the local engine stores the same inputs."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import date

import pytest

from conftest import CORPUS, CORPUS_INPUTS
from crosswire import api
from crosswire.embed import load_embedder
from crosswire.story import lineage as pv
from crosswire.story.cluster import Clusterer
from crosswire.story.features import features as features_of
from crosswire.story.placement import members_of, stored_features
from crosswire.engine import local
from crosswire.records import to_dict
from crosswire.store import Store

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")


@pytest.fixture
def spark():
    from crosswire.engine.spark import session

    # One session for the module's tests (an engine run stops it; the next test starts one).
    return session("local[2]")


@pytest.fixture(scope="module")
def corpus_parsed(tmp_path_factory):
    """The fixture corpus's English ParsedArticles, through the local engine."""
    from crosswire.config import Config

    config = Config().replace(db=tmp_path_factory.mktemp("parsed") / "store.db", quiet=True)
    config = config.replace("engine", workers=1)
    with Store(config.db) as store:
        result = local.ingest(CORPUS_INPUTS, config, store)
        parsed = local.parse(result.article_ids, config, store)
    return [parsed[a] for a in result.article_ids if a in parsed and parsed[a].article.is_english]


def _summary(document):
    stories = sorted(
        (tuple(sorted(s["article_ids"])), s["independent_sources"],
         tuple(sorted((d["parent"], d["child"], d["kind"]) for d in s["derivations"])),
         tuple(sorted((c["status"], tuple(sorted(k["kind"] for k in c["conflicts"])),
                       tuple(sorted((m["article_id"], tuple(m["span"])) for m in c["mentions"])))
                      for c in s["claims"])))
        for s in document["stories"])
    articles = sorted((a["id"], a["text"], a["title"], a["outlet"], a["published"]) for a in document["articles"])
    # Sources only: a feed item needing a fetch is skipped by both engines, for different
    # reasons (the Spark executors do not fetch; the local run fails to resolve the host).
    skipped = sorted(s["source"] for s in document["skipped"])
    return articles, stories, skipped


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize(("threshold", "every_other"), [(0.3, False), (0.3, True), (0.1, True)])
def test_spark_lsh_pairs_are_the_local_candidate_pairs(spark, corpus_parsed, config, threshold,
                                                       every_other):
    from crosswire.engine.spark_stories import lsh_pairs

    config = config.replace("analysis", lsh_threshold=threshold)
    analysis = config.analysis
    signatures = {p.id: pv.signature(pv.make_doc(p, analysis.provenance_min_words), analysis.minhash_perm)
                  for p in corpus_parsed}
    ids = sorted(signatures)
    # Every other article stands for a stored one: only pairs with a new article count.
    new = set(ids[::2]) if every_other else set(ids)
    expected = pv.candidate_pairs(sorted(new), signatures, analysis)
    rows = spark.sparkContext.parallelize([(a, pv.signature_bytes(signatures[a]), a in new) for a in ids])
    assert lsh_pairs(spark, rows, config) == expected
    # Not vacuous: the corpus holds copies; and pairs of two stored articles are left out.
    assert expected
    if every_other:
        assert expected < pv.candidate_pairs(ids, signatures, analysis)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_spark_neighbour_blocking_gives_the_clusterers_candidates(spark, corpus_parsed, config):
    from crosswire.engine.spark_stories import _features, candidates

    # Fewer neighbours than articles, so the vector part chooses; the hashing embedder keeps
    # the test fast (any embedder will do: both sides use the same vectors).
    config = config.replace("analysis", embedding_model="hashing", cluster_neighbours=6)
    analysis = config.analysis
    features = spark.sparkContext.parallelize(corpus_parsed, 3).mapPartitions(
        lambda part: _features(part, config)).cache()
    fresh = sorted(features_of(corpus_parsed, load_embedder("hashing"), analysis),
                   key=lambda f: f.id)
    # A third of the articles stand for the stored members of the window.
    pool = fresh[::3]
    new = [f for f in fresh if f.id not in {f.id for f in pool}]
    rows = [{"article_id": f.id, "day": date.fromordinal(f.day).isoformat() if f.day else None,
             "vector": f.vector.tobytes(), "terms": json.dumps(sorted(f.terms)),
             "minhash": f.signature, "story_id": None,
             "days": json.dumps([date.fromordinal(d).isoformat() for d in sorted(f.days)])}
            for f in pool]
    new_ids = {f.id for f in new}
    found = candidates(spark, features.filter(lambda f: f.id in new_ids), new, rows, config)
    expected = Clusterer(analysis).candidates(
        members_of((f, None) for f in new), members_of([*stored_features(rows), *((f, None) for f in new)]))
    assert found == expected
    # Not vacuous: the vector part leaves articles out.
    assert all(len(v) < len(fresh) for v in expected.values())


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_parquet_written_by_the_executors_loads_into_a_store(spark, tmp_path, config):
    from crosswire.engine.spark import load_parquet, run_stages, write_run
    from crosswire.nlp import NlpPipeline

    inputs = [str(CORPUS / "jsonl"), str(CORPUS / "warc")]
    out = tmp_path / "out"
    write_run(spark, out, run_stages(spark, inputs, config))
    for table in ("articles", "parsed", "skipped"):
        # A directory of part files, one per partition an executor wrote.
        assert list((out / f"{table}.parquet").glob("part-*.parquet")), table
    assert len(list((out / "articles.parquet").glob("part-*.parquet"))) > 1

    version = NlpPipeline(config.nlp).version
    with Store(tmp_path / "local.db") as store:
        result = local.ingest(inputs, config.replace("engine", workers=1), store)
        expected = local.parse(result.article_ids, config.replace("engine", workers=1), store)
        expected_articles = {a.id: to_dict(a) for a in store.articles(result.article_ids)}
    with Store(tmp_path / "spark.db") as store:
        for _ in range(2):  # loading twice changes nothing
            article_ids, stories, _ = load_parquet(out, store, version)
            assert store.count("articles") == len(expected_articles)
        assert article_ids == [a for a in result.article_ids if a in expected]
        assert {a.id: to_dict(a) for a in store.articles(article_ids)} == expected_articles
        loaded = store.parsed(article_ids, version)
        assert {a: to_dict(p) for a, p in loaded.items()} == {a: to_dict(p) for a, p in expected.items()}
        assert stories == []


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_local_and_spark_engines_agree(tmp_path, config):
    local_doc = api.analyze(CORPUS_INPUTS, config.replace(db=tmp_path / "local.db"))
    spark_config = config.replace(db=tmp_path / "spark.db").replace(
        "engine", engine="spark", spark_master="local[2]", spark_out=tmp_path / "parquet")
    spark_doc = api.analyze(CORPUS_INPUTS, spark_config)
    assert _summary(spark_doc) == _summary(local_doc)
    assert len(local_doc["articles"]) >= 30

    loaded = api.load(tmp_path / "parquet", config.replace(db=tmp_path / "loaded.db"))
    assert _summary(loaded)[:2] == _summary(spark_doc)[:2]


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_a_later_spark_run_continues_stored_stories_as_the_local_engine_does(tmp_path, config, caplog):
    # The corpus without its crawl, then with it (as tests/test_chunks.py does locally): the
    # crawl's articles join stored stories (rebuilt on the driver) or start their own (rebuilt
    # on the executors), against the stored window's vectors, terms and MinHashes.
    first, later = CORPUS_INPUTS[:-1], CORPUS_INPUTS
    documents = {}
    for engine in ("local", "spark"):
        engine_config = config.replace(db=tmp_path / f"{engine}.db").replace(
            "engine", engine=engine, spark_master="local[2]", spark_out=tmp_path / f"{engine}-1")
        api.analyze(first, engine_config)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="crosswire.engine.spark_stories"):
            documents[engine] = api.analyze(later, engine_config.replace(
                "engine", spark_out=tmp_path / f"{engine}-2"))
    assert _summary(documents["spark"]) == _summary(documents["local"])
    counts = [tuple(int(w) for w in r.getMessage().split() if w.isdigit()) for r in caplog.records
              if "rebuilt on the executors" in r.getMessage()]
    assert counts and all(n > 0 for n in counts[0]), counts
    # The later run read only what the store did not hold: the crawl (as the local engine).
    from crosswire.engine.spark import _rows

    parsed_again = {r["article_id"] for r in _rows(tmp_path / "spark-2" / "parsed.parquet")}
    with Store(tmp_path / "spark.db") as store:
        crawl = set(store.article_ids_for_sources(
            [s for s in store.article_sources() if s.startswith(CORPUS_INPUTS[-1])]))
    assert parsed_again and parsed_again <= crawl


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_a_local_run_continues_a_store_loaded_from_spark(tmp_path, config):
    # Spark over the corpus without its crawl, loaded into a fresh store with `load`; then a
    # local run adds the crawl: the same stories as two local runs (the load brought the
    # clustering features the second run places the crawl among).
    first, later = CORPUS_INPUTS[:-1], CORPUS_INPUTS
    spark_config = config.replace(db=tmp_path / "spark.db").replace(
        "engine", engine="spark", spark_master="local[2]", spark_out=tmp_path / "parquet")
    api.analyze(first, spark_config)
    assert list((tmp_path / "parquet" / "features.parquet").glob("part-*.parquet"))
    loaded = config.replace(db=tmp_path / "loaded.db")
    api.load(tmp_path / "parquet", loaded)
    model = load_embedder(config.analysis.embedding_model).name
    with Store(tmp_path / "loaded.db") as store, Store(tmp_path / "spark.db") as made:
        assert store.count("stories") == made.count("stories") > 0
        assert len(store.cluster_members(model, "0000", "9999")) == \
            len(made.cluster_members(model, "0000", "9999")) > 0
    continued = api.analyze(later, loaded)
    local_config = config.replace(db=tmp_path / "local.db")
    api.analyze(first, local_config)
    assert _summary(continued) == _summary(api.analyze(later, local_config))
