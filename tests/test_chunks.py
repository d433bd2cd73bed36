"""Running the pipeline in small chunks gives the same stories as one chunk: the
cross-source stage continues from the store."""

from __future__ import annotations

from crosswire import api

from conftest import CORPUS_INPUTS


def _partition(document):
    return sorted(tuple(sorted(s["article_ids"])) for s in document["stories"])


def test_chunked_run_gives_the_same_stories(tmp_path, config):
    whole = api.analyze(CORPUS_INPUTS, config.replace(db=tmp_path / "whole.db"))
    chunked = api.analyze(CORPUS_INPUTS, config.replace(db=tmp_path / "chunks.db").replace("engine", chunk_size=7))
    assert _partition(chunked) == _partition(whole)
    assert sorted(a["id"] for a in chunked["articles"]) == sorted(a["id"] for a in whole["articles"])


def test_new_articles_do_not_recompute_old_ones(tmp_path, config, monkeypatch):
    # Analysing the corpus, then the corpus plus one more folder: only the new articles are
    # parsed, and stories no new article joined are not rebuilt. A third identical run parses
    # nothing and rebuilds nothing.
    from crosswire.nlp.pipeline import NlpPipeline
    from crosswire.store import Store

    config = config.replace("engine", workers=1)
    first, later = CORPUS_INPUTS[:-1], CORPUS_INPUTS
    api.analyze(first, config)
    with Store(config.db) as store:
        before = {r["id"]: r["updated_at"] for r in store.query("SELECT id, updated_at FROM stories")}
        known = {r["id"] for r in store.query("SELECT id FROM articles")}

    seen: list[str] = []
    original = NlpPipeline.pipe

    def counting(self, articles):
        articles = list(articles)
        seen.extend(a.id for a in articles)
        return original(self, articles)

    monkeypatch.setattr(NlpPipeline, "pipe", counting)
    document = api.analyze(later, config)
    new = {a["id"] for a in document["articles"]} - known
    assert new and set(seen) == new
    with Store(config.db) as store:
        after = {r["id"]: r["updated_at"] for r in store.query("SELECT id, updated_at FROM stories")}
        touched = {r["story_id"] for r in store.query(
            f"SELECT story_id FROM story_articles WHERE article_id IN ({','.join('?' * len(new))})",
            tuple(new))}
    untouched = set(before) - touched
    assert untouched and all(after.get(s) == before[s] for s in untouched if s in after)

    seen.clear()
    api.analyze(later, config)
    with Store(config.db) as store:
        again = {r["id"]: r["updated_at"] for r in store.query("SELECT id, updated_at FROM stories")}
    assert seen == [] and again == after
