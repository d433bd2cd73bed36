"""Bad input never crashes a batch: each bad item becomes a Skipped record with a reason,
the rest of the batch goes on, and what was stored before is untouched."""

from __future__ import annotations

import gzip
import time

import pytest

from crosswire.engine import local
from crosswire.ingest import Fetcher
from crosswire.store import Store

from samples import PARAGRAPHS, html_page, json_article, jsonl, rss_feed, text_article, warc_record


def _run(paths, config, fetcher=None):
    """Ingest a good article first, then the batch with the bad item and another good one."""
    good_dir = config.db.parent / "good"
    good_dir.mkdir(exist_ok=True)
    (good_dir / "before.txt").write_text(text_article())
    (good_dir / "after.txt").write_text(text_article("Shelters open as the Sella keeps rising"))
    with Store(config.db) as store:
        before = local.ingest([str(good_dir / "before.txt")], config, store)
        stored = store.articles(before.article_ids)
        result = local.ingest([*map(str, paths), str(good_dir / "after.txt")], config, store, fetcher=fetcher)
        # The good article after the bad item was processed, the earlier one is intact.
        assert len(result.article_ids) >= 1
        assert store.articles(before.article_ids) == stored
        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
    return result.skipped


def _reason(skipped, source_part):
    """The reason of the skipped record for a source (exact match first, else a part)."""
    matches = [s for s in skipped if s.source == source_part] or [
        s for s in skipped if source_part in s.source]
    assert matches, f"no skipped record for {source_part}: {skipped}"
    return matches[0].reason


def test_empty_file(tmp_path, config):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert "empty" in _reason(_run([tmp_path / "empty.txt"], config), "empty.txt")


def test_whitespace_only_file(tmp_path, config):
    (tmp_path / "blank.txt").write_text("  \n\n \t\n")
    assert "empty" in _reason(_run([tmp_path / "blank.txt"], config), "blank.txt")


def test_binary_file(tmp_path, config):
    (tmp_path / "photo.txt").write_bytes(bytes(range(256)) * 40)
    assert "binary" in _reason(_run([tmp_path / "photo.txt"], config), "photo.txt")


def test_unknown_extension_binary(tmp_path, config):
    (tmp_path / "archive.bin").write_bytes(b"\x00\x01PK\x03\x04" * 100)
    assert "unknown format" in _reason(_run([tmp_path / "archive.bin"], config), "archive.bin")


def test_legacy_encoding_is_detected_not_skipped(tmp_path, config):
    text = ("Café owners in Lorven said the déjà-vu of another flood was hard to bear. " * 3
            + "\n\nThe ministère of works promised repairs before the winter rains.")
    (tmp_path / "latin.txt").write_bytes(("Flood returns to Lorven's cafés\n\n" + text).encode("cp1252"))
    with Store(config.db) as store:
        result = local.ingest([str(tmp_path / "latin.txt")], config, store)
        [article] = store.articles(result.article_ids)
    assert "Café owners" in article.text and "déjà-vu" in article.text


def test_invalid_utf8_bytes_in_otherwise_utf8_text(tmp_path, config):
    data = text_article().encode("utf-8").replace(b"Tuesday", b"Tues\xffday")
    (tmp_path / "broken.txt").write_bytes(data)
    with Store(config.db) as store:
        result = local.ingest([str(tmp_path / "broken.txt")], config, store)
        assert len(result.article_ids) == 1  # decoded with a detected charset, not dropped


def test_html_with_no_article(tmp_path, config):
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    reason = _reason(_run([tmp_path / "nav.html"], config), "nav.html")
    assert "no article" in reason or "nothing left" in reason


def test_file_over_size_cap(tmp_path, config):
    config = config.replace("ingest", max_bytes=10_000)
    (tmp_path / "huge.txt").write_text(text_article() * 40)
    assert "cap" in _reason(_run([tmp_path / "huge.txt"], config), "huge.txt")


def test_streamed_file_over_the_cap_is_read_line_by_line(tmp_path, config):
    # A crawl dump is larger than any one article: JSON Lines are capped per line, not per file.
    config = config.replace("ingest", max_bytes=10_000)
    lines = [json_article(title=f"Flood update number {i}", url=f"https://courier.example/v{i}",
                          maintext=PARAGRAPHS[i % 4] + f" Update {i} of the night.") for i in range(60)]
    big = json_article(title="Too long", url="https://courier.example/long", maintext="word " * 5000)
    (tmp_path / "dump.jsonl").write_text(jsonl([*lines, big]))
    assert (tmp_path / "dump.jsonl").stat().st_size > 10_000
    skipped = _run([tmp_path / "dump.jsonl"], config)
    assert [s.source.rsplit("#", 1)[-1] for s in skipped] == ["61"]  # only the line over the cap
    with Store(config.db) as store:
        assert len(store.article_ids_for_sources([f"{tmp_path / 'dump.jsonl'}#{i}"
                                                  for i in range(1, 61)])) == 60


def test_truncated_gzip(tmp_path, config):
    lines = [json_article(title=f"Flood update number {i}", url=f"https://courier.example/u{i}",
                          maintext=PARAGRAPHS[i % 4] + f" Update {i} of the night.") for i in range(200)]
    data = gzip.compress(jsonl(lines).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) * 4 // 5])
    skipped = _run([tmp_path / "cut.jsonl.gz"], config)
    # The file is reported as damaged; the lines before the cut were still read.
    assert "truncated" in _reason(skipped, f"{tmp_path / 'cut.jsonl.gz'}")
    with Store(config.db) as store:
        assert store.article_ids_for_sources([f"{tmp_path / 'cut.jsonl.gz'}#1"])


def test_truncated_warc_keeps_records_before_the_cut(tmp_path, config):
    whole = (warc_record("https://courier.example/a", html_page())
             + warc_record("https://courier.example/b", html_page(title="Second story on the flood",
                                                                  paragraphs=PARAGRAPHS[1:])))
    first_len = len(warc_record("https://courier.example/a", html_page()))
    (tmp_path / "cut.warc.gz").write_bytes(whole[: first_len + 40])
    skipped = _run([tmp_path / "cut.warc.gz"], config)
    assert "truncated or corrupt WARC" in _reason(skipped, "cut.warc.gz")
    with Store(config.db) as store:
        assert store.article_ids_for_sources([f"{tmp_path / 'cut.warc.gz'}#https://courier.example/a"])


def test_gzip_bomb_is_refused(tmp_path, config):
    config = config.replace("ingest", max_decompressed_bytes=1_000_000)
    (tmp_path / "bomb.jsonl.gz").write_bytes(gzip.compress(b"\n" * 50_000_000))
    assert "cap" in _reason(_run([tmp_path / "bomb.jsonl.gz"], config), "bomb.jsonl.gz")


def test_malformed_json_lines_skip_only_that_line(tmp_path, config):
    (tmp_path / "mixed.jsonl").write_text(
        jsonl([json_article()]) + '{"title": "broken", "text": \n' + "[1, 2]\n"
        + jsonl([{"title": "No text here"}]) + jsonl([json_article(title="Bridge reopens", url="https://courier.example/r")]))
    skipped = _run([tmp_path / "mixed.jsonl"], config)
    reasons = {s.source.rsplit("#", 1)[1]: s.reason for s in skipped if "mixed.jsonl" in s.source}
    assert "malformed JSON" in reasons["2"]
    assert "not an article object" in reasons["3"]
    assert "no text field" in reasons["4"]
    with Store(config.db) as store:
        assert len(store.article_ids_for_sources([f"{tmp_path / 'mixed.jsonl'}#1",
                                                   f"{tmp_path / 'mixed.jsonl'}#5"])) == 2


@pytest.mark.parametrize("status", [404, 500])
def test_feed_answering_http_error(site, config, status):
    site.add("/feed.rss", "oops", status=status)
    with Fetcher(config.fetch) as fetcher:
        skipped = _run([site.base + "/feed.rss"], config, fetcher)
    assert f"HTTP {status}" in _reason(skipped, "/feed.rss")


def test_feed_that_times_out(site, config):
    def slow(handler):
        time.sleep(1.5)
        return 200, {"Content-Type": "application/rss+xml"}, rss_feed([]).encode()

    site.routes["/slow.rss"] = slow
    config = config.replace("fetch", timeout_s=0.5)
    with Fetcher(config.fetch) as fetcher:
        skipped = _run([site.base + "/slow.rss"], config, fetcher)
    assert "timed out" in _reason(skipped, "/slow.rss")


def test_feed_item_link_404_skips_only_that_item(site, config):
    good = site.add("/n/ok", html_page())
    feed = site.add("/feed.rss", rss_feed([
        {"title": "Gone", "link": site.base + "/n/missing", "description": "Teaser."},
        {"title": "Here", "link": good, "description": "Teaser."}]), content_type="application/rss+xml")
    with Fetcher(config.fetch) as fetcher:
        skipped = _run([feed], config, fetcher)
    assert "HTTP 404" in _reason(skipped, "/n/missing")


def test_not_a_feed(tmp_path, config):
    (tmp_path / "bad.rss").write_text("<rss><channel><item><title>unclosed")
    reason = _reason(_run([tmp_path / "bad.rss"], config), "bad.rss")
    assert "feed" in reason


def test_missing_path(tmp_path, config):
    assert "no such file" in _reason(_run([tmp_path / "nope.txt"], config), "nope.txt")


def test_private_address_refused_by_default(site, config):
    config = config.replace("fetch", allow_private=False)
    with Fetcher(config.fetch) as fetcher:
        skipped = _run([site.base + "/feed.rss"], config, fetcher)
    assert "private, loopback" in _reason(skipped, "/feed.rss")


@pytest.mark.parametrize("escape", ["\\ud800", "\\udc00", "\\udfff\\ud800"])
def test_json_lone_surrogate_escapes_are_replaced_not_fatal(tmp_path, config, escape):
    # JSON may escape a lone surrogate, which is not text: the store and the parser cannot
    # take it. The article is kept with U+FFFD in its place, and the batch goes on through
    # the NLP stage too.
    line = jsonl([json_article(title="Levee holds")])
    words = PARAGRAPHS[0].split()[:3]
    # The escape goes into the JSON text itself, inside the article's body.
    line = line.replace(" ".join(words), " ".join(words[:2]) + f" {escape} " + words[2], 1)
    assert escape in line
    (tmp_path / "odd.jsonl").write_text(line)
    skipped = _run([tmp_path / "odd.jsonl"], config)
    assert not [s for s in skipped if "odd.jsonl" in s.source]
    with Store(config.db) as store:
        ids = store.article_ids_for_sources([f"{tmp_path / 'odd.jsonl'}#1"])
        assert len(ids) == 1
        (stored,) = store.articles(list(ids))
        assert "\ufffd" in stored.text
        parsed = local.parse(list(ids), config.replace("engine", workers=1), store)
        assert set(parsed) == set(ids)
