"""The cross-source stage asks for its vectors in bulk: every document, provenance sentence
and claim it compares is encoded in one of a few large calls, and no text twice."""

from __future__ import annotations

from crosswire import api, embed, provenance
from crosswire.cluster import document_text
from crosswire.config import Config
from crosswire.store import Store

from conftest import CORPUS_INPUTS


def bulk_texts(db, config: Config) -> set[str]:
    """What the stage compares in bulk for the stored articles: document texts, provenance
    sentences and claims."""
    analysis = config.analysis
    with Store(db) as store:
        parsed = list(store.parsed_any([a.id for a in store.articles()]).values())
    return ({document_text(p, analysis.cluster_lead_chars) for p in parsed}
            | {t for p in parsed for t in provenance.unit_texts(
                provenance.make_doc(p, analysis.provenance_min_words))}
            | {c.text for p in parsed for c in p.claims})


def test_vectors_are_encoded_in_bulk_and_once(config, monkeypatch):
    config = config.replace("analysis", embedding_model="hashing").replace("engine", workers=1)
    monkeypatch.setattr(embed, "_MEMORY", {})  # nothing cached by earlier tests
    calls: list[list[str]] = []
    original = embed.HashingEmbedder.encode

    def counting(self, texts):
        calls.append(list(texts))
        return original(self, texts)

    monkeypatch.setattr(embed.HashingEmbedder, "encode", counting)
    document = api.analyze(CORPUS_INPUTS, config)
    # The stage needed vectors: stories of several articles whose claims were aligned.
    assert any(len(c["mentions"]) > 1 for s in document["stories"] for c in s["claims"])
    bulk = bulk_texts(config.db, config)
    encoded = [t for call in calls for t in call]
    assert len(encoded) == len(set(encoded))
    # Documents, the sentences of provenance pairs, the claims of the stories: three calls
    # (one run, one chunk, one group of stories), not one per pair or story.
    assert len([call for call in calls if bulk & set(call)]) <= 3
