"""Build the scale benchmark corpus from the public news text in ../shared/data.

    .venv/bin/python bench/build_corpus.py --size 10000 --out bench/corpus/news-10k.jsonl

Base articles (about 1,300): PolNeAR train texts (840, with publisher and date from its
metadata), the extraction benchmark's HTML pages (181, kept as HTML so cleaning is
exercised) and TimeBank/AQUAINT documents (256, with their creation date). The base set is
expanded to ``--size`` with generated derivatives of the kinds crosswire looks for: verbatim
copies under another outlet, trimmed copies, and perturbed rewrites (sentences dropped or
reordered, numbers changed). Deterministic for a given size and seed. The output is written
under bench/corpus/ (gitignored): the shared data's text is never committed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
OUTLETS = [f"Syndicate {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]


def polnear() -> Iterator[dict]:
    meta = {}
    with (DATA / "polnear" / "metadata.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            meta[row["filename"]] = row
    for path in sorted((DATA / "polnear" / "train" / "text").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        row = meta.get(path.stem, {})
        yield {"id": f"polnear/{path.stem}", "title": title.strip(), "text": body.strip(),
               "outlet": row.get("publisher"), "published": row.get("publication_date"),
               "url": f"https://{row.get('publisher', 'news')}.example/{path.stem}"}


def extraction_pages() -> Iterator[dict]:
    truth = json.loads((DATA / "article-extraction-benchmark" / "ground-truth.json").read_text())
    for key in sorted(truth):
        html = gzip.decompress((DATA / "article-extraction-benchmark" / "html" / f"{key}.html.gz")
                               .read_bytes()).decode("utf-8", "replace")
        yield {"id": f"aeb/{key}", "html": html, "url": truth[key]["url"]}


def timebank() -> Iterator[dict]:
    for corpus in ("TimeBank", "AQUAINT"):
        for path in sorted((DATA / "timebank" / corpus).glob("*.tml")):
            xml = path.read_text(encoding="utf-8")
            date = re.search(r'<DCT><TIMEX3[^>]*value="([^"]+)"', xml)
            body = re.search(r"<TEXT>(.*)</TEXT>", xml, re.S)
            text = re.sub(r"<[^>]+>", "", body.group(1) if body else "").strip()
            text = re.sub(r"\n\s*\n+", "\n\n", text)
            yield {"id": f"{corpus}/{path.stem}", "title": None, "text": text, "outlet": corpus,
                   "published": date.group(1)[:10] if date else None, "url": None}


def base_articles() -> list[dict]:
    return [*polnear(), *extraction_pages(), *timebank()]


def _paragraphs(item: dict) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", item.get("text") or "") if p.strip()]


def derive(base: dict, n: int, rng: random.Random) -> dict:
    """A derivative of a base article: copy, trimmed copy or perturbed rewrite."""
    item = dict(base)
    item["id"] = f"{base['id']}#v{n}"
    item["outlet"] = rng.choice(OUTLETS)
    item["url"] = f"https://{item['outlet'].lower().replace(' ', '-')}.example/{n}"
    if "html" in base:  # pages stay pages: a re-hosted copy
        return item
    paragraphs = _paragraphs(base)
    kind = rng.random()
    if kind < 0.3 or len(paragraphs) < 3:
        pass  # verbatim copy
    elif kind < 0.6:
        paragraphs = paragraphs[: max(2, int(len(paragraphs) * rng.uniform(0.5, 0.9)))]
    else:
        paragraphs = [p for p in paragraphs if rng.random() > 0.15] or paragraphs[:1]
        if len(paragraphs) > 3:
            i = rng.randrange(1, len(paragraphs) - 1)
            paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
        paragraphs = [re.sub(r"\b(\d{2,})\b", lambda m: str(int(m.group(1)) + rng.randint(1, 9)), p)
                      for p in paragraphs]
    item["text"] = "\n\n".join(paragraphs)
    return item


def build(size: int, seed: int = 7) -> Iterator[dict]:
    rng = random.Random(seed)
    base = base_articles()
    for i in range(size):
        yield base[i] if i < len(base) else derive(base[i % len(base)], i, rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or Path(__file__).parent / "corpus" / f"news-{args.size}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for item in build(args.size, args.seed):
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"wrote {args.size} articles to {out}")


if __name__ == "__main__":
    main()
