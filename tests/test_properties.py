"""Hypothesis properties over every parser: any bytes or any string gives a result or a
Skipped record, never an exception out of the batch."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswire.clean import Cleaner
from crosswire.config import Config
from crosswire.errors import IngestError
from crosswire.ingest.detect import decode
from crosswire.ingest.readers import read_feed, read_file, read_json, read_jsonl, read_warc
from crosswire.records import Article, RawDocument, Skipped

CONFIG = Config()
CLEANER = Cleaner(CONFIG.clean)
PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])

# Bytes that look a little like our formats, so the parsers get past their first checks.
PREFIXES = [b"", b"<html><body><p>", b"<?xml version='1.0'?><rss><channel><item>", b"WARC/1.0\r\n",
            b'{"text": "', b"\x1f\x8b\x08\x00", b"<feed xmlns='http://www.w3.org/2005/Atom'>"]
noisy_bytes = st.builds(lambda p, b: p + b, st.sampled_from(PREFIXES), st.binary(max_size=3000))


def _ok(items):
    for item in items:
        assert isinstance(item, (RawDocument, Skipped))


@PROFILE
@given(data=noisy_bytes)
def test_decode_never_raises_anything_else(data):
    try:
        assert isinstance(decode(data), str)
    except IngestError:
        pass


@PROFILE
@given(data=noisy_bytes, suffix=st.sampled_from([".txt", ".html", ".json", ".jsonl", ".rss", ".warc.gz", ".gz", ".bin", ""]))
def test_read_file_any_bytes(tmp_path, data, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    _ok(read_file(path, CONFIG))


@PROFILE
@given(data=noisy_bytes)
def test_container_readers_any_bytes(data):
    _ok(read_json(data, "x.json", CONFIG))
    _ok(read_jsonl(io.BytesIO(data), "x.jsonl", CONFIG))
    _ok(read_feed(data, "x.rss", CONFIG, None))
    _ok(read_warc(io.BytesIO(data), CONFIG, source="x.warc"))


html_fragments = st.lists(st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<script>alert(1)</script>", "<h1>", "</h1>", "\n\n", "“", "\"",
    "Read more: ", "Subscribe now", "By Ana Ruiz, The Post", "Published in The Post, 3 March 2025",
    "<br>", "&amp;", "&#0;", "\x00", "ü", "The minister said the port would reopen on Monday. ",
]) | st.text(max_size=40), max_size=60).map("".join)


@PROFILE
@given(text=html_fragments, fmt=st.sampled_from(["text", "html", "feed"]))
def test_cleaner_any_string(text, fmt):
    doc = RawDocument(source="p", format=fmt, raw=text.encode("utf-8", "surrogatepass"))
    [item] = CLEANER.clean_batch([doc])
    assert isinstance(item, (Article, Skipped))
    if isinstance(item, Article):
        assert item.text.strip()
        for removed in item.removed:
            assert removed.reason


@PROFILE
@given(obj=st.dictionaries(st.sampled_from(["text", "title", "url", "published", "outlet", "html", "x"]),
                           st.one_of(st.text(max_size=200), st.integers(), st.none(),
                                     st.lists(st.text(max_size=10), max_size=3)), max_size=6))
def test_json_objects_any_shape(obj):
    import json

    items = list(read_json(json.dumps(obj).encode(), "o.json", CONFIG))
    _ok(items)
    docs = [i for i in items if isinstance(i, RawDocument)]
    for item in CLEANER.clean_batch(docs):
        assert isinstance(item, (Article, Skipped))
