"""Worker processes: parallel parsing gives exactly what in-process parsing gives, in the same
order; encoding in the workers gives the vectors of encoding here, in the caller's order; and
a run with workers encodes the cross-source stage's bulk of vectors in them, with the
stories of a run without."""

from __future__ import annotations

import dataclasses

import numpy as np

from crosswire import api, embed
from crosswire.config import Config
from crosswire.engine import local
from crosswire.engine.workers import WorkerEmbedder, Workers
from crosswire.nlp import NlpPipeline
from crosswire.records import Article, RawDocument

from conftest import CORPUS_INPUTS
from test_embed import bulk_texts


def _articles(n: int) -> list[Article]:
    out = []
    for i in range(n):
        text = (f"Officials in Harth said on Monday that {i + 3} ferries were cancelled. "
                f"\"We expect delays until Thursday,\" said port manager Ola Brenn.")
        out.append(Article(id=Article.make_id(text, None, None, None), source=f"{i}.txt",
                           raw_id=f"r_{i}", text=text, language="en"))
    out.append(Article(id="a_de", source="de.txt", raw_id="r_de", text="Der Hafen ist zu.", language="de"))
    return out


def test_parallel_equals_sequential():
    articles = _articles(12)
    sequential = list(NlpPipeline(Config().nlp).pipe(articles))
    with Workers(Config(), 2) as workers:
        parallel = list(workers.parse(articles, batch_size=3))
    assert parallel == sequential


def test_encoding_in_the_workers_equals_encoding_here():
    # Uneven lengths, repeats and an empty text, enough for several shares: the shares are
    # cut by length and their vectors put back in the caller's order.
    texts = [" ".join(f"ferry{j}" for j in range(i % 23)) for i in range(150)] + ["x", "x"]
    config = Config().replace("analysis", embedding_model="hashing")
    with Workers(config, 2) as workers:
        vectors = WorkerEmbedder(workers).encode(texts)  # too few to start them ...
        assert not workers.started
        parallel = workers.encode(texts)  # ... unless asked directly
    here = embed.HashingEmbedder().encode(texts)
    assert np.array_equal(vectors, here) and np.array_equal(parallel, here)


def test_a_run_with_workers_encodes_the_cross_source_vectors_in_them(tmp_path, config,
                                                                     monkeypatch):
    # The vectors the cross-source stage compares in bulk (documents, provenance sentences,
    # claims) are encoded in the worker processes: this process, which counts what it
    # encodes, encodes none of them. The stories are those of a run without workers.
    config = config.replace("analysis", embedding_model="hashing")
    monkeypatch.setattr(local, "PARALLEL_MIN", 0)  # the small corpus is parsed in workers
    encoded: list[str] = []
    original = embed.HashingEmbedder.encode

    def counting(self, texts):
        encoded.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(embed.HashingEmbedder, "encode", counting)
    db = tmp_path / "parallel.db"
    parallel = api.analyze(CORPUS_INPUTS, config.replace(db=db).replace("engine", workers=2))
    bulk = bulk_texts(db, config)
    assert not bulk & set(encoded)

    here = api.analyze(CORPUS_INPUTS, config.replace(db=tmp_path / "here.db")
                       .replace("engine", workers=1))
    assert bulk & set(encoded)  # the same stage in this process
    assert _stories(parallel) == _stories(here)


def _stories(document: dict) -> list:
    return sorted(({k: v for k, v in s.items() if k not in ("updated_at", "created_at")}
                   for s in document["stories"]), key=lambda s: s["id"])


def test_the_parent_knows_the_parse_version_without_loading_the_models(tmp_path, monkeypatch):
    from crosswire.nlp import pipeline_version
    from crosswire.store import Store

    config = Config().replace(db=tmp_path / "s.db", quiet=True)
    assert pipeline_version(config.nlp) == NlpPipeline(config.nlp).version
    articles = []
    with Store(config.db) as store:
        for a in _articles(3):
            raw = RawDocument(source=a.source, format="text", raw=a.text.encode())
            articles.append(dataclasses.replace(a, raw_id=raw.id))
            store.add_article(raw, articles[-1])
        local.parse([a.id for a in articles], config, store)

        # Everything parsed already: asking again loads no model (spaCy and the tagger are
        # hundreds of MB a process; the parent of parsing workers needs neither).
        def refuse(*_: object, **__: object) -> None:
            raise AssertionError("the models were loaded to read stored parses")

        monkeypatch.setattr(local, "NlpPipeline", refuse)
        again = local.parse([a.id for a in articles], config, store)
    assert set(again) == {a.id for a in articles}
