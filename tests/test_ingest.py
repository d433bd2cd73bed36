"""Every input format ingests into stored, cleaned articles."""

from __future__ import annotations

import gzip
from pathlib import Path

from crosswire.engine import local
from crosswire.ingest import Fetcher, read_paths
from crosswire.records import RawDocument, Skipped
from crosswire.store import Store

from samples import PARAGRAPHS, TITLE, html_page, json_article, jsonl, rss_feed, text_article, warc_record


def _ingest(paths, config, fetcher=None):
    with Store(config.db) as store:
        result = local.ingest([str(p) for p in paths], config, store, fetcher=fetcher)
        return result, store.articles(result.article_ids)


def test_text_file_title_and_body(tmp_path, config):
    path = tmp_path / "flood.txt"
    path.write_text(text_article())
    result, [article] = _ingest([path], config)
    assert article.title == TITLE
    assert article.text.split("\n\n") == PARAGRAPHS
    assert article.outlet == "Eastline Wire" and article.outlet_basis == "dateline"
    assert article.language == "en"


def test_text_without_headline_keeps_first_paragraph(tmp_path, config):
    path = tmp_path / "nohead.txt"
    path.write_text("\n\n".join(PARAGRAPHS))
    _, [article] = _ingest([path], config)
    assert article.title is None
    assert article.text.startswith(PARAGRAPHS[0])


def test_html_page_main_text_and_metadata(tmp_path, config):
    path = tmp_path / "flood.html"
    path.write_text(html_page())
    _, [article] = _ingest([path], config)
    assert article.title == TITLE
    assert article.published == "2025-11-04" and article.published_basis == "metadata"
    assert article.outlet == "Talmark Courier"
    assert article.author == "Lise Amundar"
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    assert "Most read" not in article.text and "All rights reserved" not in article.text


def test_json_and_jsonl_common_field_names(tmp_path, config):
    single = tmp_path / "one.json"
    single.write_text(jsonl([json_article()]).strip())
    lines = tmp_path / "many.jsonl"
    lines.write_text(jsonl([
        json_article(title="Bridge closed after flood", url="https://courier.example/b"),
        {"headline": "Shelters open", "body": PARAGRAPHS[1], "link": "https://x.example/s",
         "outlet": "Sella Post", "published": "2025-11-05"},
        {"title": "Text field", "text": PARAGRAPHS[2], "source": "Lorven Radio"},
    ]))
    result, articles = _ingest([single, lines], config)
    assert len(articles) == 4
    by_title = {a.title: a for a in articles}
    assert by_title["Shelters open"].outlet == "Sella Post"
    assert by_title["Shelters open"].published == "2025-11-05"
    assert by_title[TITLE].published == "2025-11-04" and by_title[TITLE].outlet == "courier.example"
    assert by_title["Text field"].outlet == "Lorven Radio"
    assert {a.source for a in articles} >= {f"{lines}#1", f"{lines}#2", f"{lines}#3"}


def test_feed_file_with_full_content(tmp_path, config):
    content = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    feed = tmp_path / "courier.rss"
    feed.write_text(rss_feed([{"title": TITLE, "link": "https://courier.example/f", "content": content}]))
    _, [article] = _ingest([feed], config)
    assert article.title == TITLE and article.outlet == "Talmark Courier"
    assert article.published == "2025-11-04"
    assert PARAGRAPHS[2] in article.text


def test_feed_url_follows_item_links(site, config):
    page = site.add("/news/flood", html_page())
    feed = site.add("/feed.rss", rss_feed([{"title": TITLE, "link": page, "description": "Teaser."}]),
                    content_type="application/rss+xml")
    with Fetcher(config.fetch) as fetcher:
        result, [article] = _ingest([feed], config, fetcher)
    assert article.url == page
    assert PARAGRAPHS[0] in article.text
    assert any(path == "/robots.txt" for path, _ in site.requests)
    assert all("crosswire" in headers.get("User-Agent", "") for _, headers in site.requests)


def test_warc_streams_html_responses_only(tmp_path, config):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc_record("https://courier.example/info", "", record_type="warcinfo")
                     + warc_record("https://courier.example/a", html_page())
                     + warc_record("https://courier.example/b", html_page(title="Second flood story",
                                                                             paragraphs=PARAGRAPHS[1:])))
    result, articles = _ingest([path], config)
    assert [a.url for a in articles] == ["https://courier.example/a", "https://courier.example/b"]
    assert articles[0].source == f"{path}#https://courier.example/a"


def test_gzipped_jsonl(tmp_path, config):
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl([json_article()]).encode()))
    _, [article] = _ingest([path], config)
    assert article.title == TITLE


def test_folder_is_read_recursively_in_order(tmp_path, config):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text(text_article("Second headline about the flood"))
    (tmp_path / "a.txt").write_text(text_article())
    items = list(read_paths([str(tmp_path)], config))
    assert [Path(i.source).name for i in items if isinstance(i, RawDocument)] == ["a.txt", "two.txt"]


def test_reingest_adds_nothing(tmp_path, config):
    path = tmp_path / "flood.txt"
    path.write_text(text_article())
    first, _ = _ingest([path], config)
    second, _ = _ingest([path], config)
    assert first.new_articles == 1 and second.new_articles == 0
    assert first.article_ids == second.article_ids
    with Store(config.db) as store:
        assert store.count("articles") == 1 and store.count("raw_documents") == 1


def test_raw_input_kept_beside_clean_text(tmp_path, config):
    path = tmp_path / "flood.html"
    path.write_text(html_page())
    _, [article] = _ingest([path], config)
    with Store(config.db) as store:
        raw = store.raw(article.raw_id)
    assert raw is not None and raw.raw == path.read_bytes()


def test_watch_polls_with_conditional_get(site, config):
    from crosswire.ingest.watch import watch

    page = site.add("/n/1", html_page())
    site.add("/feed.rss", rss_feed([{"title": TITLE, "link": page, "description": "Teaser."}]),
             content_type="application/rss+xml", ETag='"v1"')
    batches = []
    with Store(config.db) as store, Fetcher(config.fetch) as fetcher:
        def handle(items):
            batches.append(items)
            local.ingest_items(items, config, store)

        watch([site.base + "/feed.rss"], config, store, fetcher, handle, interval_s=0, rounds=1)
        # A new item appears; the feed's ETag changes.
        page2 = site.add("/n/2", html_page(title="Shelters fill as river rises", paragraphs=PARAGRAPHS[1:]))
        site.add("/feed.rss", rss_feed([{"title": TITLE, "link": page, "description": "Teaser."},
                                        {"title": "Shelters fill", "link": page2, "description": "T."}]),
                 content_type="application/rss+xml", ETag='"v2"')
        watch([site.base + "/feed.rss"], config, store, fetcher, handle, interval_s=0, rounds=2)
        assert store.count("articles") == 2
    fetched_pages = [p for p, _ in site.requests if p.startswith("/n/")]
    assert fetched_pages == ["/n/1", "/n/2"]  # each page fetched once
    conditional = [h for p, h in site.requests if p == "/feed.rss" and "If-None-Match" in h]
    assert conditional, "later polls must send If-None-Match"
    assert [len(b) for b in batches] == [1, 1]  # the unchanged third poll hands over nothing


def test_robots_txt_is_honoured(site, config):
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    page = site.add("/private/story", html_page())
    with Fetcher(config.fetch) as fetcher:
        items = list(read_paths([page], config, fetcher))
    assert isinstance(items[0], Skipped) and "robots.txt" in items[0].reason
