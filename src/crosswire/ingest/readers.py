"""Readers: turn one input (file, URL, feed, WARC) into RawDocument records.

Every reader is a generator of ``RawDocument | Skipped``: a bad item becomes a ``Skipped``
with a reason and the reader goes on with the next one. Containers (JSON Lines, feeds,
WARC) are streamed item by item, never loaded whole.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import feedparser
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..config import Config
from ..errors import CrosswireError, IngestError
from ..records import RawDocument, Skipped
from .detect import decode, detect_format, sniff, without_surrogates
from .fetch import Fetcher

Item = RawDocument | Skipped

# Common field names of news JSON dumps (news-please, Common Crawl news extractions, GDELT-
# style exports, newspaper3k/4k) mapped to ours; the first present wins. Documented in
# docs/formats.md.
JSON_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "maintext", "body", "content", "article", "full_text", "articleBody"),
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical_url"),
    "outlet": ("outlet", "source_domain", "source", "site_name", "publisher", "domain"),
    "published": ("published", "date_publish", "date_published", "datePublished",
                  "publish_date", "published_at", "pubDate", "date"),
    "language": ("language", "lang"),
    "author": ("author", "authors", "byline"),
    "html": ("html", "raw_html"),
}


def _skip(source: str, reason: str, stage: str = "ingest") -> Skipped:
    return Skipped(source=source, stage=stage, reason=reason)


class _CappedReader(io.RawIOBase):
    """Wraps a decompressing stream: fails once more than ``cap`` bytes come out (the
    defence against decompression bombs), and turns a truncated or corrupt compressed
    stream into a clean end of data with ``failure`` set, so everything decompressed
    before the damage is still read and the caller reports the damage afterwards."""

    def __init__(self, inner: IO[bytes], cap: int):
        self.inner, self.cap, self.count = inner, cap, 0
        self.failure: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.failure:
            return 0
        try:
            # read1: at most one underlying read, so data decompressed before a damaged
            # member is returned before the damage raises.
            reader = getattr(self.inner, "read1", self.inner.read)
            data = reader(len(buffer))
        except (EOFError, OSError, zlib.error) as exc:
            self.failure = f"truncated or corrupt compressed data ({exc})"
            return 0
        self.count += len(data)
        if self.count > self.cap:
            raise IngestError(f"decompressed data over the {self.cap}-byte cap "
                              "(possible decompression bomb)")
        buffer[: len(data)] = data
        return len(data)


# --------------------------------------------------------------------------- files


def read_paths(inputs: Iterable[str], config: Config, fetcher: Fetcher | None = None) -> Iterator[Item]:
    """Every item of every input: files, folders (recursively, sorted) and URLs."""
    for spec in inputs:
        if spec.startswith(("http://", "https://")):
            yield from read_url(spec, config, fetcher)
            continue
        path = Path(spec)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            if not files:
                yield _skip(spec, "folder holds no files")
            for file in files:
                yield from read_file(file, config, fetcher)
        elif path.exists():
            yield from read_file(path, config, fetcher)
        else:
            yield _skip(spec, "no such file or folder")


_STREAMED = frozenset({"warc", "gzip", "jsonl"})


def read_file(path: Path, config: Config, fetcher: Fetcher | None = None) -> Iterator[Item]:
    source = str(path)
    try:
        size = path.stat().st_size
        if size == 0:
            yield _skip(source, "empty file")
            return
        with path.open("rb") as fh:
            head = fh.read(4096)
        kind = detect_format(path, head)
        if kind is None:
            yield _skip(source, f"unknown format ({path.suffix or 'no extension'}): not text, "
                                "HTML, JSON, a feed or WARC")
            return
        # The cap is for what is read whole. WARC, gzip and JSON Lines are streamed record by
        # record with a cap per record (and gzip a decompressed cap): a crawl dump of any size
        # is read.
        if kind not in _STREAMED and size > config.ingest.max_bytes:
            yield _skip(source, f"file of {size} bytes is over the {config.ingest.max_bytes}-byte "
                                "cap (raise ingest.max_bytes to read it)")
            return
        if kind == "warc":
            yield from read_warc(path, config)
        elif kind == "gzip":
            yield from _read_gzip(path, config, fetcher)
        elif kind == "jsonl":
            with path.open("rb") as fh:
                yield from read_jsonl(fh, source, config)
        else:
            yield from _read_whole(source, kind, path.read_bytes(), config, fetcher)
    except CrosswireError as exc:
        yield _skip(source, str(exc))
    except OSError as exc:
        yield _skip(source, f"cannot read file: {exc.strerror or exc}")


def _read_gzip(path: Path, config: Config, fetcher: Fetcher | None) -> Iterator[Item]:
    source = str(path)
    inner_name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    with gzip.open(path, "rb") as raw:
        capped = _CappedReader(raw, config.ingest.max_decompressed_bytes)
        stream = io.BufferedReader(capped)
        head = stream.peek(4096)[:4096]
        kind = detect_format(inner_name, head)
        if kind == "jsonl":
            yield from read_jsonl(stream, source, config)
        elif kind in (None, "gzip"):
            yield _skip(source, "gzip file of an unknown format")
            return
        else:
            data = stream.read(config.ingest.max_bytes + 1)
            if len(data) > config.ingest.max_bytes:
                yield _skip(source, f"decompressed file over the {config.ingest.max_bytes}-byte cap")
                return
        if capped.failure:
            yield _skip(source, capped.failure)
            return
    if kind != "jsonl":
        yield from _read_whole(source, kind, data, config, fetcher)


def _read_whole(source: str, kind: str, data: bytes, config: Config,
                fetcher: Fetcher | None, url: str | None = None) -> Iterator[Item]:
    if kind == "text":
        decode(data, source=source)  # reject binary/undecodable input now, with its reason
        yield RawDocument(source=source, format="text", raw=data, url=url)
    elif kind == "html":
        decode(data, source=source)
        yield RawDocument(source=source, format="html", raw=data, url=url)
    elif kind == "json":
        yield from read_json(data, source, config)
    elif kind == "jsonl":
        yield from read_jsonl(io.BytesIO(data), source, config)
    elif kind == "feed":
        yield from read_feed(data, source, config, fetcher, base_url=url)
    elif kind == "warc":
        yield from read_warc(io.BytesIO(data), config, source=source)
    else:
        yield _skip(source, f"unknown format {kind}")


# --------------------------------------------------------------------------- JSON


def json_fields(obj: dict[str, object]) -> tuple[tuple[str, str], ...]:
    """Our field names and string values from one JSON article object."""
    out: list[tuple[str, str]] = []
    for ours, names in JSON_FIELDS.items():
        for name in names:
            value = obj.get(name)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value if v)
            if isinstance(value, dict):
                value = value.get("name") or value.get("url")
            if value not in (None, ""):
                out.append((ours, str(value)))
                break
    return tuple(out)


def _valid_unicode(value: object) -> object:
    """The JSON value with every lone surrogate replaced (see :func:`without_surrogates`)."""
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, list):
        return [_valid_unicode(v) for v in value]
    if isinstance(value, dict):
        return {_valid_unicode(k): _valid_unicode(v) for k, v in value.items()}
    return value


def _json_item(obj: object, source: str) -> Item:
    if not isinstance(obj, dict):
        return _skip(source, f"JSON value is a {type(obj).__name__}, not an article object")
    try:
        try:
            raw = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode("utf-8")
        except UnicodeEncodeError:
            obj = _valid_unicode(obj)
            raw = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode("utf-8")
    except RecursionError:
        return _skip(source, "JSON object nested too deeply to read")
    assert isinstance(obj, dict)
    fields = json_fields(obj)
    names = {k for k, _ in fields}
    if "text" not in names and "html" not in names:
        return _skip(source, "JSON object has no text field (expected one of: "
                             + ", ".join(JSON_FIELDS["text"]) + ")")
    url = dict(fields).get("url")
    return RawDocument(source=source, format="json", raw=raw, url=url, fields=fields)


def read_json(data: bytes, source: str, config: Config) -> Iterator[Item]:
    try:
        value = json.loads(decode(data, source=source))
    except IngestError as exc:
        yield _skip(source, str(exc))
        return
    except json.JSONDecodeError as exc:
        yield _skip(source, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
        return
    except RecursionError:
        yield _skip(source, "JSON nested too deeply to read")
        return
    if isinstance(value, list):
        for i, obj in enumerate(value, start=1):
            yield _json_item(obj, f"{source}#{i}")
    else:
        yield _json_item(value, source)


def read_jsonl(stream: IO[bytes], source: str, config: Config) -> Iterator[Item]:
    """One article per line; a malformed line is skipped and the rest goes on."""
    for lineno, line in enumerate(stream, start=1):
        item_source = f"{source}#{lineno}"
        if not line.strip():
            continue
        if len(line) > config.ingest.max_bytes:
            yield _skip(item_source, f"line over the {config.ingest.max_bytes}-byte cap")
            continue
        try:
            obj = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                obj = json.loads(decode(line, source=item_source))
            except (IngestError, json.JSONDecodeError) as exc:
                yield _skip(item_source, f"malformed JSON line: {exc}")
                continue
        except json.JSONDecodeError as exc:
            yield _skip(item_source, f"malformed JSON line: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield _skip(item_source, "JSON line nested too deeply to read")
            continue
        yield _json_item(obj, item_source)


# --------------------------------------------------------------------------- feeds


def read_url(url: str, config: Config, fetcher: Fetcher | None) -> Iterator[Item]:
    """A URL given on the command line: a feed (its items are read) or a page."""
    if fetcher is None:
        yield _skip(url, "fetching is disabled; cannot read a URL", stage="fetch")
        return
    try:
        resp = fetcher.get(url)
    except CrosswireError as exc:
        yield _skip(url, str(exc), stage="fetch")
        return
    kind = sniff(resp.body) or ("feed" if "xml" in (resp.content_type or "") else "html")
    yield from _read_whole(url, kind, resp.body, config, fetcher, url=resp.url)


def feed_entries(data: bytes, source: str) -> tuple[list[feedparser.FeedParserDict], str | None]:
    """Parse a feed; raise IngestError when the bytes are not a feed at all."""
    try:
        parsed = feedparser.parse(data)
    except Exception as exc:  # noqa: BLE001 - feedparser raises arbitrary errors on hostile
        # bytes (ValueError "embedded null character" in its charset guessing, found by fuzzing)
        raise IngestError(f"not a readable RSS/Atom feed: {type(exc).__name__}: {exc}") from exc
    if not parsed.entries and parsed.get("bozo") and not parsed.feed:
        raise IngestError(f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}")
    return list(parsed.entries), parsed.feed.get("title")


def _entry_key(entry: feedparser.FeedParserDict) -> str:
    return entry.get("id") or entry.get("link") or entry.get("title") or ""


def _entry_text(entry: feedparser.FeedParserDict) -> str:
    for content in entry.get("content") or []:
        if content.get("value"):
            return content["value"]
    return entry.get("summary") or ""


def _entry_fields(entry: feedparser.FeedParserDict, feed_title: str | None) -> tuple[tuple[str, str], ...]:
    fields = {
        "title": entry.get("title"),
        "url": entry.get("link"),
        "published": entry.get("published") or entry.get("updated"),
        "author": entry.get("author"),
        "outlet": feed_title,
        "feed_id": entry.get("id"),
    }
    return tuple((k, str(v)) for k, v in fields.items() if v)


def read_feed(data: bytes, source: str, config: Config, fetcher: Fetcher | None,
              base_url: str | None = None, seen: set[str] | None = None) -> Iterator[Item]:
    """Items of an RSS/Atom feed. Items with full text are read as they are; items with
    only a teaser are fetched from their link (when a fetcher is given)."""
    try:
        entries, feed_title = feed_entries(data, source)
    except IngestError as exc:
        yield _skip(source, str(exc))
        return
    if not entries:
        yield _skip(source, "feed has no items")
        return
    for entry in entries:
        key = _entry_key(entry)
        item_source = f"{source}#{key}"
        if seen is not None and key in seen:
            continue
        fields = _entry_fields(entry, feed_title)
        text = _entry_text(entry)
        link = entry.get("link")
        if len(_strip_tags(text)) >= config.ingest.feed_min_chars or not link:
            if not text.strip():
                yield _skip(item_source, "feed item has no text and no link")
                continue
            yield RawDocument(source=item_source, format="feed", raw=text.encode("utf-8"),
                              url=link, fields=fields)
            continue
        if fetcher is None or not config.ingest.follow_feed_links:
            yield _skip(item_source, "feed item carries only a teaser and fetching is disabled",
                        stage="fetch")
            continue
        try:
            resp = fetcher.get(link)
        except CrosswireError as exc:
            yield _skip(item_source, str(exc), stage="fetch")
            continue
        yield RawDocument(source=link, format="html", raw=resp.body, url=resp.url,
                          fields=fields, fetched_at=resp.fetched_at)


def _strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html).strip()


# --------------------------------------------------------------------------- WARC


def read_warc(path_or_stream: Path | IO[bytes], config: Config, source: str | None = None) -> Iterator[Item]:
    """HTML response records of a WARC/WARC.gz, streamed record by record."""
    source = source or str(path_or_stream)
    opened = (path_or_stream.open("rb") if isinstance(path_or_stream, Path)
              else io.BufferedReader(path_or_stream))  # type: ignore[arg-type]
    count = 0
    capped: _CappedReader | None = None
    stream: IO[bytes] = opened
    if opened.peek(2)[:2] == b"\x1f\x8b":
        # Decompress with Python's gzip (strict about truncated members, unlike warcio's
        # lenient reader) behind the decompression-bomb cap.
        capped = _CappedReader(gzip.GzipFile(fileobj=opened), config.ingest.max_decompressed_bytes)
        stream = io.BufferedReader(capped)
    try:
        for record in ArchiveIterator(stream, check_digests=False):
            if record.rec_type != "response":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"record-{count}"
            item_source = f"{source}#{uri}"
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers
                     else None) or ""
            if ctype and "html" not in ctype.lower():
                continue
            status = record.http_headers.get_statuscode() if record.http_headers else "200"
            if status and not str(status).startswith("2"):
                continue
            body = _read_capped(record.content_stream(), config.ingest.max_bytes)
            if capped is not None and capped.failure and not _complete(record, body):
                break  # this record was cut by the damage: reported below
            count += 1
            if body is None:
                yield _skip(item_source, f"record over the {config.ingest.max_bytes}-byte cap")
                continue
            try:
                decode(body, source=item_source)
            except IngestError as exc:
                yield _skip(item_source, str(exc))
                continue
            yield RawDocument(source=item_source, format="html", raw=body, url=uri,
                              fetched_at=record.rec_headers.get_header("WARC-Date"))
        if capped is not None and capped.failure:
            yield _skip(source, f"truncated or corrupt WARC after {count} records: {capped.failure}")
    except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError, IngestError) as exc:
        yield _skip(source, f"truncated or corrupt WARC after {count} records: {exc}")
    except Exception as exc:  # noqa: BLE001 - warcio raises arbitrary errors on malformed
        # records (e.g. AttributeError for a response without a target URI, found by fuzzing)
        yield _skip(source, f"malformed WARC record after {count} records: "
                            f"{type(exc).__name__}: {exc}")
    finally:
        if isinstance(path_or_stream, Path):
            opened.close()


def _complete(record: object, body: bytes | None) -> bool:
    """Whether a record read just before the stream broke holds all its declared bytes."""
    declared = record.http_headers.get_header("Content-Length") if record.http_headers else None  # type: ignore[attr-defined]
    return body is not None and declared is not None and declared.isdigit() and len(body) >= int(declared)


def _read_capped(stream: IO[bytes], cap: int) -> bytes | None:
    data = bytearray()
    while chunk := stream.read(65536):
        data += chunk
        if len(data) > cap:
            return None
    return bytes(data)
