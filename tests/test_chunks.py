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
