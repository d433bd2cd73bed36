"""Parallel parsing gives exactly what in-process parsing gives, in the same order."""

from __future__ import annotations

from crosswire.config import NlpConfig
from crosswire.engine.workers import parse_parallel
from crosswire.nlp import NlpPipeline
from crosswire.records import Article


def _articles(n: int) -> list[Article]:
    out = []
    for i in range(n):
        text = (f"Officials in Harth said on Monday that {i + 3} ferries were cancelled. "
                f"\"We expect delays until Thursday,\" said port manager Ola Brenn.")
        out.append(Article(id=Article.make_id(text, None, None, None), source=f"{i}.txt",
                           raw_id=f"r_{i}", text=text, language="en"))
    out.append(Article(id="a_de", source="de.txt", raw_id="r_de", text="Der Hafen ist zu.", language="de"))
    return out


def test_parallel_equals_sequential():
    articles = _articles(12)
    sequential = list(NlpPipeline(NlpConfig()).pipe(articles))
    parallel = list(parse_parallel(articles, NlpConfig(), workers=2, batch_size=3))
    assert parallel == sequential
