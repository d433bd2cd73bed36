"""The attribution tagger: the shipped weights load (checksum verified) and tag an invented
sentence; broken weights give a clear error; the session runs without the fusions it leaves
out; windows are tagged independently; the pairing step links spans to cues.

Every sentence is invented for these tests.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from crosswire.config import NlpConfig
from crosswire.errors import ConfigError, NlpError
from crosswire.nlp.pipeline import NlpPipeline
from crosswire.nlp.tagger import (CARD_RESOURCE, MODEL_RESOURCE, UNFUSED, TaggedAttribution,
                                  TaggedSpan, load_tagger, pair, session_options, windows)

SHIPPED = resources.files("crosswire")


def _text(text: str, span) -> str | None:
    return text[span[0]:span[1]] if span else None


def test_shipped_tagger_tags_a_quote_with_cue_and_source():
    tagger = load_tagger()
    text = ("\u201cThe ferry to Vellin will sail again on Monday,\u201d harbour master Edda "
            "Lind told reporters.")
    [found] = tagger(text)
    assert _text(text, found.cue) == "told"
    assert "Edda Lind" in _text(text, found.source)
    assert "The ferry to Vellin will sail again on Monday" in " ".join(
        _text(text, part) for part in found.content)


def test_shipped_tagger_tags_reported_speech():
    text = "Mayor Ana Ferreira said the bridge would reopen once the repairs were finished."
    [found] = load_tagger()(text)
    assert _text(text, found.cue) == "said"
    assert _text(text, found.source) == "Mayor Ana Ferreira"
    assert "the bridge would reopen" in _text(text, found.content[0])


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    weights, card = tmp_path / "tagger.onnx", tmp_path / "tagger.json"
    with resources.as_file(SHIPPED.joinpath(MODEL_RESOURCE)) as path:
        shutil.copy(path, weights)
    with resources.as_file(SHIPPED.joinpath(CARD_RESOURCE)) as path:
        shutil.copy(path, card)
    return weights, card


def test_corrupt_weights_fail_the_checksum_with_a_clear_error(tmp_path):
    weights, card = _copy(tmp_path)
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])  # a truncated download or checkout
    with pytest.raises(NlpError, match="sha256.*nlp.attribution = \"rules\""):
        load_tagger(weights, card)


def test_missing_weights_give_a_clear_error(tmp_path):
    _, card = _copy(tmp_path)
    with pytest.raises(NlpError, match="could not be read.*rules"):
        load_tagger(tmp_path / "absent.onnx", card)


def test_session_runs_without_the_fusions_it_leaves_out(tmp_path):
    # onnxruntime ignores an optimizer name it does not know: the profile of a run shows
    # which kernels really ran.
    import onnxruntime as ort

    assert UNFUSED == ("SkipLayerNormFusion",)
    options = session_options()
    options.enable_profiling = True
    options.profile_file_prefix = str(tmp_path / "run")
    session = ort.InferenceSession(SHIPPED.joinpath(MODEL_RESOURCE).read_bytes(), options,
                                   providers=["CPUExecutionProvider"])
    tagger = load_tagger()
    text = "Harbour master Edda Lind said the ferry to Vellin would sail again on Monday."
    ids = tagger.tokenizer.encode(text).ids  # with [CLS] and [SEP], as a window is run
    feed = {"input_ids": np.array([ids], dtype=np.int64)}
    ours = session.run(None, feed)[0]
    kernels = {event["args"]["op_name"] for event in
               json.loads(Path(session.end_profiling()).read_text("utf-8"))
               if event.get("cat") == "Node"}
    assert "LayerNormalization" in kernels
    assert "SkipLayerNormalization" not in kernels
    # the loaded tagger's session is built with these options
    assert np.array_equal(tagger.session.run(None, feed)[0], ours)


def test_windows_are_tagged_independently():
    # A window's tags come from its own run: the second paragraph tags the same whether it
    # follows the first (as its own window) or stands alone.
    tagger = load_tagger()
    first = " ".join(f"The council of Vellin met on day {n} and talked about the harbour walls."
                     for n in range(15))
    second = ("\u201cThe ferry will sail again on Monday,\u201d harbour master Edda Lind told "
              "reporters.")
    text = f"{first}\n{second}"
    encoding = tagger.tokenizer.encode(text, add_special_tokens=False)
    cuts = windows(text, encoding.offsets, tagger.max_tokens - 2)
    assert len(cuts) == 2 and encoding.offsets[cuts[1][0]][0] == len(first) + 1
    shift = len(first) + 1
    together = [(s.role, (s.span[0] - shift, s.span[1] - shift))
                for s in tagger.spans(text) if s.span[0] >= shift]
    alone = [(s.role, s.span) for s in tagger.spans(second)]
    assert together == alone and any(role == "CUE" for role, _ in alone)


def test_rules_pipeline_loads_no_tagger_and_bad_setting_is_refused():
    assert NlpPipeline(dataclasses.replace(NlpConfig(), attribution="rules")).tagger is None
    with pytest.raises(ConfigError, match="nlp.attribution"):
        NlpPipeline(dataclasses.replace(NlpConfig(), attribution="model"))


def _spans(text: str, marked: dict[str, list[str]]) -> list[TaggedSpan]:
    out = []
    for role, pieces in marked.items():
        for piece in pieces:
            start = text.index(piece)
            out.append(TaggedSpan(role, (start, start + len(piece))))
    return out


# (text, tagged spans by role, expected (cue, content parts, source) per attribution)
PAIRS = [
    # a quotation split around its cue is one content of that cue
    ('"We are ready," Lena Ost said, "and we will stay."',
     {"CUE": ["said"], "SOURCE": ["Lena Ost"], "CONTENT": ['"We are ready,"',
                                                         '"and we will stay."']},
     [("said", ['"We are ready,"', '"and we will stay."'], "Lena Ost")]),
    # two cues in a sentence: each content goes to the nearer one
    ("Jonas Brenner said the dam held, and Mira Tal added that the river fell.",
     {"CUE": ["said", "added"], "SOURCE": ["Jonas Brenner", "Mira Tal"],
      "CONTENT": ["the dam held", "that the river fell"]},
     [("said", ["the dam held"], "Jonas Brenner"),
      ("added", ["that the river fell"], "Mira Tal")]),
    # a source serves the second cue too ("said, citing")
    ("Edda Lind said the port was closed, citing the storm.",
     {"CUE": ["said", "citing"], "SOURCE": ["Edda Lind"],
      "CONTENT": ["the port was closed", "the storm"]},
     [("said", ["the port was closed"], "Edda Lind"),
      ("citing", ["the storm"], "Edda Lind")]),
    # a quotation running on into the next paragraph stays with its cue
    ('Tobias Wrenfield said: "The levee held.\n"The town is safe."',
     {"CUE": ["said:"], "SOURCE": ["Tobias Wrenfield"],
      "CONTENT": ['"The levee held.', '"The town is safe."']},
     [("said:", ['"The levee held.', '"The town is safe."'], "Tobias Wrenfield")]),
    # no cue: nothing
    ('"A quiet night," the report read.', {"CONTENT": ['"A quiet night,"']}, []),
]


@pytest.mark.parametrize(("text", "marked", "expected"), PAIRS)
def test_pair(text, marked, expected):
    got = pair(text, _spans(text, marked))
    assert [(_text(text, a.cue), [_text(text, p) for p in a.content], _text(text, a.source))
            for a in got] == expected
    assert all(isinstance(a, TaggedAttribution) for a in got)


def test_quotes_through_the_tagger_keep_exact_spans():
    from crosswire.nlp import entities, quotes
    from crosswire.nlp.context import ArticleContext
    from crosswire.nlp.model import load_model
    from crosswire.records import Article

    text = ("The storm closed the port of Vellin on Tuesday.\n\n\u201cNo ship will leave before "
            "Friday,\u201d harbour master Edda Lind told reporters.")
    article = Article(id="a_t", source="t", raw_id="r_t", text=text, language="en")
    ctx = ArticleContext(article=article, doc=load_model(tuple(NlpConfig().models))(text),
                         tagger=load_tagger())
    ctx.entities = entities.extract(ctx)
    [quote] = [q for q in quotes.extract(ctx) if q.kind == "direct"]
    assert quote.text == "No ship will leave before Friday"
    assert text[quote.span[0]:quote.span[1]] == quote.text
    assert text[quote.cue_span[0]:quote.cue_span[1]] == "told"
    assert "Edda Lind" in text[quote.speaker_span[0]:quote.speaker_span[1]]
