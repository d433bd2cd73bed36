"""How much news text could skip the attribution tagger: none of its words is a cue word of
PolNeAR train and it holds no quotation mark.

Cue words: the lower-cased words of train's gold cue spans (``../shared/data/polnear/train``,
read at run time), kept when at least ``--min-cues`` cues use the word and at least
``--min-share`` of its occurrences in train's texts lie in a cue (so "to", "of", "has", parts
of many cues, drop out). Reports the share of train's cues the list covers (a cue is covered
when one of its words is listed) and the share of the corpus's wordpieces in tagger windows,
paragraphs and sentences that hold neither a listed word nor a quotation mark.

    PYTHONPATH=src .venv/bin/python eval/cue_coverage.py bench/corpus/news-1000.jsonl --limit 300
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from polnear import _QUOTE_MARKS, _WORD, documents  # noqa: E402

from crosswire.nlp.pipeline import parseable  # noqa: E402
from crosswire.nlp.tagger import load_tokenizer, windows  # noqa: E402

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="JSON Lines with a 'text' field per line")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--min-cues", type=int, default=2)
    parser.add_argument("--min-share", type=float, nargs="+", default=[0.02, 0.05, 0.1, 0.2])
    args = parser.parse_args()

    in_cues: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    cues: list[set[str]] = []
    for doc in documents("train"):
        seen.update(m.group().lower() for m in _WORD.finditer(doc.text))
        for gold in doc.gold:
            words = {m.group().lower() for a, b in gold.cue
                     for m in _WORD.finditer(doc.text, a, b)}
            cues.append(words)
            in_cues.update(words)
    texts = []
    with args.corpus.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                texts.append(parseable(json.loads(line)["text"]))
            if len(texts) >= args.limit:
                break
    tokenizer = load_tokenizer()
    max_tokens = json.loads(Path(__file__).resolve().parents[1].joinpath(
        "src/crosswire/data/attribution_tagger.json").read_text("utf-8"))["max_tokens"]

    def pieces(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    def empty(text: str, listed: set[str]) -> bool:
        return not _QUOTE_MARKS.search(text) and not any(
            m.group().lower() in listed for m in _WORD.finditer(text))

    for share in args.min_share:
        listed = {w for w, n in in_cues.items()
                  if n >= args.min_cues and n / max(n, seen[w]) >= share}

        covered = sum(bool(words & listed) for words in cues) / len(cues)
        total = skip_window = skip_paragraph = skip_sentence = 0
        for text in texts:
            encoding = tokenizer.encode(text, add_special_tokens=False)
            offsets = encoding.offsets
            total += len(offsets)
            for a, b in windows(text, offsets, max_tokens - 2):
                if empty(text[offsets[a][0]:offsets[b - 1][1]], listed):
                    skip_window += b - a
            skip_paragraph += sum(pieces(p) for p in text.split("\n") if empty(p, listed))
            skip_sentence += sum(pieces(s) for s in _SENTENCE.split(text) if empty(s, listed))
        print(f"share >= {share}: {len(listed)} words cover {100 * covered:.1f}% of train's "
              f"cues; wordpieces with no cue word or quotation mark: by window "
              f"{100 * skip_window / total:.1f}%, paragraph {100 * skip_paragraph / total:.1f}%,"
              f" sentence {100 * skip_sentence / total:.1f}%")


if __name__ == "__main__":
    main()
