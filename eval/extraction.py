"""Score HTML main-text extraction on the article extraction benchmark.

Data: ``../shared/data/article-extraction-benchmark`` (181 gzipped news pages and
``ground-truth.json`` ``{id: {articleBody, url}}``), read at run time, never copied.

Metrics, computed for each system in one run:

* The benchmark's published metric: for each page, the multisets of token 4-gram shingles
  (tokens are ``\\w+`` runs) of the predicted and the gold body give tp/fp/fn, normalised by
  their sum so long pages weigh no more than short ones; precision and recall are averaged
  over pages and F1 is the harmonic mean of the two averages.
* Boilerplate leak: a page leaks when its output keeps a *leaked line*, an output paragraph
  that (a) has no token 4-gram in common with the gold body and is not a substring of it
  (after whitespace normalisation; this covers lines under four tokens), and (b) matches one
  of the fixed ``LEAK_PATTERNS`` below, a list of boilerplate shapes common to news sites
  (share/follow/subscribe prompts, newsletter plugs, copyright and photo credits, related-
  story teasers, comment prompts, cookie notices, ads). The list is defined here,
  independently of crosswire's own line rules, so the cleaner cannot score itself.

Systems: ``trafilatura`` is the baseline exactly as the benchmark runs it
(``trafilatura.extract(html, include_comments=False)``); ``crosswire`` is the full cleaner,
``Cleaner()(RawDocument(format="html", url=...)).text``.

Usage::

    .venv/bin/python eval/extraction.py                # full run, summary table
    .venv/bin/python eval/extraction.py --failures     # plus per-page failures
    .venv/bin/python eval/extraction.py --slice 20     # the CI slice (every 9th page)
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "article-extraction-benchmark"

_TOKEN = re.compile(r"\w+")

# Boilerplate shapes that news pages print around an article. A line must also share no
# 4-gram with the gold body to count, so a body sentence that mentions a subscription is
# never a leak.
LEAK_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"^\W*(?:share|tweet|email|print|pin|whatsapp|facebook|twitter|linkedin|reddit|copy link)"
    r"(?:\W+(?:this|on|via|article|story|page|facebook|twitter|email|whatsapp|linkedin|x))*\W*$",
    r"\b(?:subscribe|subscription|subscribers?|sign up|sign in|log in|register)\b",
    r"\bnewsletters?\b",
    r"\b(?:follow (?:us|me|him|her|them)|like us on)\b",
    r"(?:©|\(c\)|\bcopyright\b|all rights reserved)",
    r"^\W*(?:photo|image|picture|video|graphic|illustration)s?(?: credit)?\s*[:/]",
    r"\b(?:getty images|shutterstock|associated press photo|ap photo|afp photo|reuters/)",
    r"^\W*(?:read more|read also|also read|related|recommended|more from|see also|"
    r"most (?:read|popular|viewed)|trending|you may also like|you might also like|watch)\b",
    r"\b(?:comments?|join the (?:conversation|discussion))\b.{0,40}$",
    r"\bcookies?\b",
    r"^\W*(?:advertisement|sponsored|ad|skip (?:to )?(?:main )?content|back to top)\W*$",
    r"\b(?:click here|tap here|download (?:our|the) app)\b",
)]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    # A text shorter than n tokens is one (short) shingle, as in the benchmark's scorer.
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def match(gold: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingle multisets, normalised to sum to 1."""
    g, p = shingles(gold), shingles(pred)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def summarise(scores: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean(_precision(*s) for s in scores if s[0] + s[1] > 0)
    recall = statistics.mean(_recall(*s) for s in scores if s[0] + s[2] > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def leaked_lines(gold: str, pred: str) -> list[str]:
    """Output lines that are not gold body text and have a boilerplate shape."""
    gold_shingles = set(shingles(gold))
    gold_flat = _norm(gold).lower()
    out = []
    for line in (_norm(x) for x in (pred or "").split("\n")):
        if not line or not tokens(line):
            continue
        if set(shingles(line)) & gold_shingles or line.lower() in gold_flat:
            continue
        if any(p.search(line) for p in LEAK_PATTERNS):
            out.append(line)
    return out


@dataclass(slots=True)
class Page:
    id: str
    url: str
    html: str
    gold: str


@dataclass(slots=True)
class Result:
    name: str
    scores: list[tuple[float, float, float]] = field(default_factory=list)
    leaks: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0  # extraction time over all pages (scoring excluded)

    def summary(self) -> dict[str, float]:
        return {**summarise(self.scores), "leaking_pages": float(len(self.leaks)),
                "pages": float(len(self.scores)),
                "ms_per_page": 1000 * self.seconds / max(1, len(self.scores))}


def load_pages(data: Path = DATA, slice_every: int | None = None) -> list[Page]:
    """The benchmark pages in id order; ``slice_every=k`` keeps every k-th page."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    if slice_every:
        ids = ids[::slice_every]
    pages = []
    for page_id in ids:
        with gzip.open(data / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            pages.append(Page(page_id, truth[page_id]["url"], f.read(), truth[page_id]["articleBody"]))
    return pages


def trafilatura_system() -> Callable[[Page], str]:
    import trafilatura

    return lambda page: trafilatura.extract(page.html, include_comments=False) or ""


def crosswire_system() -> Callable[[Page], str]:
    from crosswire.clean import Cleaner
    from crosswire.errors import CrosswireError
    from crosswire.records import RawDocument

    cleaner = Cleaner()

    def run(page: Page) -> str:
        doc = RawDocument(source=f"{page.id}.html", format="html", raw=page.html.encode("utf-8"),
                          url=page.url)
        try:
            return cleaner(doc).text
        except CrosswireError:
            return ""  # a page with no article scores as an empty prediction
    return run


SYSTEMS: dict[str, Callable[[], Callable[[Page], str]]] = {
    "trafilatura": trafilatura_system, "crosswire": crosswire_system}


def evaluate(pages: Iterable[Page], names: Iterable[str]) -> dict[str, tuple[Result, dict[str, str]]]:
    """Each system's Result and its outputs by page id."""
    out = {}
    pages = list(pages)
    for name in names:
        system = SYSTEMS[name]()
        result, outputs = Result(name), {}
        system(pages[0])  # warm-up: model and library loading is not per-page work
        for page in pages:
            start = time.perf_counter()
            pred = system(page)
            result.seconds += time.perf_counter() - start
            outputs[page.id] = pred
            result.scores.append(match(page.gold, pred))
            leaks = leaked_lines(page.gold, pred)
            if leaks:
                result.leaks[page.id] = leaks
        out[name] = (result, outputs)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--slice", type=int, default=None, metavar="N",
                    help="score only about N pages (every k-th page in id order)")
    ap.add_argument("--systems", default="trafilatura,crosswire")
    ap.add_argument("--failures", action="store_true",
                    help="print pages with F1 < --below and every leaked line")
    ap.add_argument("--below", type=float, default=0.9)
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"benchmark data not found at {args.data}", file=sys.stderr)
        return 2
    every = None
    if args.slice:
        total = len(json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8")))
        every = max(1, total // args.slice)
    pages = load_pages(args.data, every)
    results = evaluate(pages, args.systems.split(","))
    if args.failures:
        for name, (result, outputs) in results.items():
            print(f"## {name}")
            for page, score in zip(pages, result.scores):
                p, r = _precision(*score), _recall(*score)
                f1 = 2 * p * r / (p + r) if p + r else 0.0
                if f1 < args.below:
                    print(f"{page.id[:12]} F1={f1:.3f} P={p:.3f} R={r:.3f} {page.url}")
            for page_id, lines in result.leaks.items():
                for line in lines:
                    print(f"{page_id[:12]} LEAK {line[:120]!r}")
    print(f"{'system':<12} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>6} {'leaking':>7} "
          f"{'ms/page':>7}")
    for name, (result, _) in results.items():
        s = result.summary()
        print(f"{name:<12} {int(s['pages']):>5} {s['precision']:>9.3f} {s['recall']:>7.3f} "
              f"{s['f1']:>6.3f} {int(s['leaking_pages']):>7} {s['ms_per_page']:>7.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
