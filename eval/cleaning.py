"""Score cleaning and metadata on the project's fixture corpus against its ground truth.

Ingests the corpus inputs (``tests/fixtures/corpus/{txt,html,jsonl,feeds,warc}``) with
``crosswire.engine.local.ingest`` into a temporary store, offline (feed items that only link
to a page are skipped; their pages are in ``html/`` and read from there), and compares every
article with ``ground_truth.json``:

* body lines lost: ground-truth body paragraphs missing from the article text (target 0);
* boilerplate removed: ground-truth boilerplate lines absent from the article text and not
  taken for its title (target 100%), and among them those recorded in ``Article.removed``
  with the ground truth's ``kind`` as reason ("right kind");
* metadata: title, outlet (compared without a leading "The" and case), published date,
  its basis, and language.

With ``--basil`` it also measures body loss on real news: the 300 BASIL articles of
``../shared/data/basil`` (read at run time, never copied), each given to the cleaner as plain
text (title, blank line, one paragraph per line); every paragraph the cleaner removes is a
body line lost (BASIL's paragraphs are article text), and the title must be the first line.

Usage::

    .venv/bin/python eval/cleaning.py            # summary table
    .venv/bin/python eval/cleaning.py --details  # plus every miss
    .venv/bin/python eval/cleaning.py --basil    # plus body loss on BASIL
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
BASIL = ROOT.parent / "shared" / "data" / "basil" / "articles"
INPUT_DIRS = ("txt", "html", "jsonl", "feeds", "warc")
META_FIELDS = ("title", "outlet", "published", "published_basis", "language")


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _outlet(name: str | None) -> str:
    return re.sub(r"^the\s+", "", norm(name).lower())


@dataclass(slots=True)
class Report:
    articles: int = 0
    found: int = 0
    body_lines: int = 0
    body_lost: list[tuple[str, str]] = field(default_factory=list)
    boilerplate: int = 0
    boilerplate_kept: list[tuple[str, str, str]] = field(default_factory=list)
    wrong_kind: list[tuple[str, str, str, str]] = field(default_factory=list)
    meta_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(META_FIELDS, 0))
    meta_wrong: list[tuple[str, str, object, object]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def removed_share(self) -> float:
        return 1 - len(self.boilerplate_kept) / self.boilerplate if self.boilerplate else 1.0

    @property
    def right_kind_share(self) -> float:
        removed = self.boilerplate - len(self.boilerplate_kept)
        return 1 - len(self.wrong_kind) / removed if removed else 1.0


def ingest_corpus(config) -> dict[str, object]:
    """Articles of the corpus by ground-truth ref (path relative to the corpus + fragment)."""
    from crosswire.engine.local import ingest
    from crosswire.store import Store

    with Store(config.db) as store:
        result = ingest([str(CORPUS / d) for d in INPUT_DIRS], config, store)
        articles = store.articles(result.article_ids)
    prefix = f"{CORPUS}/"
    return {a.source.removeprefix(prefix): a for a in articles}


def _meta_value(article, name: str) -> object:
    return getattr(article, name)


def score(truth: dict, articles: dict[str, object]) -> Report:
    report = Report()
    for gt in truth["articles"]:
        ref = gt["ref"]
        report.articles += 1
        article = articles.get(ref)
        if article is None:
            report.missing.append(ref)
            continue
        report.found += 1
        text = norm(article.text)
        for para in gt["body"]:
            report.body_lines += 1
            if norm(para) not in text:
                report.body_lost.append((ref, para))
        for item in gt["boilerplate"]:
            report.boilerplate += 1
            line = norm(item["text"])
            if line in text or line == norm(article.title):
                report.boilerplate_kept.append((ref, item["kind"], line))
                continue
            # A removed line matches when it holds the ground-truth line or is a part of it
            # (the page may split "By X · role · date" differently); tiny parts ("OK") don't.
            reasons = {r.reason for r in article.removed
                       if line in norm(r.text) or (len(norm(r.text)) >= 8 and norm(r.text) in line)}
            if item["kind"] not in reasons:
                report.wrong_kind.append((ref, item["kind"], line, ",".join(sorted(reasons)) or "-"))
        for name in META_FIELDS:
            want, got = gt.get(name), _meta_value(article, name)
            same = _outlet(want) == _outlet(got) if name == "outlet" else \
                norm(want) == norm(got) if name == "title" else want == got
            if same:
                report.meta_right[name] += 1
            else:
                report.meta_wrong.append((ref, name, want, got))
    return report


def run(config=None) -> Report:
    from crosswire.config import Config

    truth = json.loads((CORPUS / "ground_truth.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        if config is None:
            config = Config().replace(db=Path(tmp) / "store.db", quiet=True)
        return score(truth, ingest_corpus(config))


@dataclass(slots=True)
class BasilReport:
    articles: int = 0
    paragraphs: int = 0
    lost: list[tuple[str, str, str]] = field(default_factory=list)  # (file, reason, paragraph)
    titles_right: int = 0


def basil_body_loss(root: Path = BASIL) -> BasilReport:
    """Paragraphs of real articles that the cleaner removes from their plain text."""
    from crosswire.clean import Cleaner
    from crosswire.records import RawDocument

    cleaner, report = Cleaner(), BasilReport()
    for path in sorted(root.glob("*/*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        # Paragraphs are strings or lists of sentence strings.
        paragraphs = [norm(p if isinstance(p, str) else " ".join(p)) for p in item.get("body-paragraphs", [])]
        paragraphs = [p for p in paragraphs if p]
        title = norm(item.get("title"))
        if not paragraphs or not title:
            continue
        text = "\n\n".join([title, *paragraphs])
        article = cleaner(RawDocument(source=path.name, format="text", raw=text.encode("utf-8")))
        report.articles += 1
        report.titles_right += article.title == title
        reasons = {r.text: r.reason for r in article.removed}
        for para in paragraphs:
            report.paragraphs += 1
            if para not in article.text:
                report.lost.append((path.name, reasons.get(para, "?"), para))
    return report


def print_report(report: Report, details: bool) -> None:
    if details:
        for ref in report.missing:
            print(f"MISSING    {ref}")
        for ref, para in report.body_lost:
            print(f"BODY LOST  {ref}: {para[:100]!r}")
        for ref, kind, line in report.boilerplate_kept:
            print(f"KEPT       {ref} [{kind}]: {line[:100]!r}")
        for ref, kind, line, got in report.wrong_kind:
            print(f"KIND       {ref} [{kind} != {got}]: {line[:80]!r}")
        for ref, name, want, got in report.meta_wrong:
            print(f"META       {ref} {name}: want {want!r}, got {got!r}")
    n = report.found
    print(f"articles found            {report.found}/{report.articles}")
    print(f"body lines lost           {len(report.body_lost)} of {report.body_lines}")
    print(f"boilerplate removed       {report.boilerplate - len(report.boilerplate_kept)} of "
          f"{report.boilerplate} ({report.removed_share:.1%})")
    print(f"  with the right reason   {report.right_kind_share:.1%} of those removed")
    for name in META_FIELDS:
        print(f"{name:<25} {report.meta_right[name]} of {n}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--details", action="store_true", help="print every miss")
    ap.add_argument("--basil", action="store_true", help="also measure body loss on BASIL")
    args = ap.parse_args(argv)
    print_report(run(), args.details)
    if args.basil:
        basil = basil_body_loss()
        if args.details:
            for name, reason, para in basil.lost:
                print(f"BASIL LOST {name} [{reason}]: {para[:100]!r}")
        print(f"BASIL paragraphs removed  {len(basil.lost)} of {basil.paragraphs} "
              f"({basil.articles} articles)")
        print(f"BASIL titles              {basil.titles_right} of {basil.articles}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
