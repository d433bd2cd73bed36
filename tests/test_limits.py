"""Pathological inputs are handled without blow-up: a 5 MB single-paragraph article and
deeply nested HTML give an article (or a Skipped record), never a crash or a hang."""

from __future__ import annotations

import pytest

from crosswire.clean import Cleaner
from crosswire.engine import local
from crosswire.records import Article, RawDocument, Skipped
from crosswire.store import Store

SENTENCE = "The harbour board said on Monday that about 40 ships were waiting offshore. "


@pytest.mark.timeout(300)
def test_five_megabyte_single_paragraph(tmp_path, config):
    text = "Harbour backlog grows\n\n" + SENTENCE * (5_000_000 // len(SENTENCE))
    path = tmp_path / "huge.txt"
    path.write_text(text)
    with Store(config.db) as store:
        result = local.ingest([str(path)], config, store)
        [article] = store.articles(result.article_ids)
        assert len(article.text) > 4_900_000
        parsed = local.parse(result.article_ids, config.replace("nlp", max_article_chars=20_000), store)
    warnings = parsed[article.id].warnings
    assert any("only the first 20000" in w for w in warnings)
    assert all(end <= 20_000 for _, end in parsed[article.id].sentences)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_html(depth):
    html = ("<html><body>" + "<div>" * depth + "<p>" + SENTENCE * 5 + "</p>" + "</div>" * depth
            + "</body></html>")
    [item] = Cleaner().clean_batch([RawDocument(source="nested.html", format="html", raw=html.encode())])
    assert isinstance(item, (Article, Skipped))
    if isinstance(item, Skipped):
        assert item.reason
