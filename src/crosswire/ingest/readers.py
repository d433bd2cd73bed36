"""Readers: turn one input (file, URL, feed, WARC) into RawDocument records.

Every reader is a generator of ``RawDocument | Skipped``: a bad item becomes a ``Skipped``
with a reason and the reader goes on with the next one. Containers (JSON Lines, feeds,
WARC) are streamed item by item, never loaded whole.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import feedparser
from warcio.archiveiterator import ArchiveIterator

from ..config import Config
from ..errors import CrosswireError, IngestError
from ..records import RawDocument, Skipped, shown
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


class _Gunzip(io.RawIOBase):
    """Decompresses a gzip stream one member at a time (a crawl's WARC.gz holds one per
    record). Data of every member before a damaged or cut one is returned; the damage then
    reads as the end of the data with ``failure`` set, for the caller to report after what it
    read. A member giving more than ``cap`` bytes raises: the defence against decompression
    bombs."""

    def __init__(self, inner: IO[bytes], cap: int):
        self.inner, self.cap = inner, cap
        self.failure: str | None = None
        self._member: zlib._Decompress | None = None
        self._member_bytes = 0
        self._pending = b""  # compressed bytes not yet given to a decompressor

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self.failure:
            if self._member is None:
                # Some writers pad the last member with zero bytes; they start no member.
                self._pending = self._pending.lstrip(b"\x00")
                if not self._pending:
                    self._pending = self.inner.read(65536)
                    if not self._pending:
                        return 0  # the end, between two members: nothing is cut
                    continue
                self._member, self._member_bytes = zlib.decompressobj(wbits=31), 0
            if not self._pending:
                self._pending = self.inner.read(65536)
                if not self._pending:
                    self.failure = "truncated compressed data: the last gzip member is cut"
                    return 0
            try:
                # max_length: never more out at once than asked for, so a bomb costs nothing
                # before the cap below stops it.
                data = self._member.decompress(self._pending, len(buffer))
            except zlib.error as exc:
                self.failure = f"corrupt compressed data ({exc})"
                return 0
            if self._member.eof:
                self._pending, self._member = self._member.unused_data, None
            else:
                self._pending = self._member.unconsumed_tail
            if data:
                self._member_bytes += len(data)
                if self._member_bytes > self.cap:
                    raise IngestError(f"decompressed data over the {self.cap}-byte cap "
                                      "(possible decompression bomb)")
                buffer[: len(data)] = data
                return len(data)
        return 0


# --------------------------------------------------------------------------- files


def read_paths(inputs: Iterable[str], config: Config, fetcher: Fetcher | None = None,
               checkpoint: Callable[[], None] | None = None) -> Iterator[Item]:
    """Every item of every input: files, folders (recursively, sorted) and URLs.

    ``checkpoint`` is called before a file over ``ingest.flush_before_bytes`` is read, so the
    caller can store what it holds first. Whatever one input raises becomes a Skipped record
    for that input: it never ends the others."""
    for spec in inputs:
        if spec.startswith(("http://", "https://")):
            yield from _guarded(spec, read_url(spec, config, fetcher))
            continue
        for entry in input_files(spec, config):
            if isinstance(entry, Skipped):
                yield entry
            else:
                yield from _guarded(str(entry), read_file(entry, config, fetcher, checkpoint))


def _guarded(source: str, items: Iterator[Item]) -> Iterator[Item]:
    try:
        yield from items
    except Exception as exc:  # noqa: BLE001 - a library's surprise (or our bug) on one hostile
        # input must cost that input, never the batch (issue 19: one file name aborted 8 files)
        yield _skip(source, f"cannot read: {type(exc).__name__}: {exc}")


def input_files(spec: str, config: Config) -> Iterator[Path | Skipped]:
    """The files a file or folder argument stands for, sorted, or why one is not read. A file
    named on the command line is read even through a link: the user chose it. In a folder,
    links leading outside it are skipped unless ``ingest.follow_external_links`` (a link to
    /etc/passwd is not an article, issue 19); a linked folder inside it is read where it is.
    FIFOs, sockets and devices are skipped by :func:`read_file`."""
    path = Path(spec)
    if path.is_dir():
        yield from _folder_files(path, config, set())
    elif path.exists():
        yield path
    elif path.is_symlink():
        yield _skip(spec, "broken symbolic link")
    else:
        yield _skip(spec, "no such file or folder")


def _folder_files(root: Path, config: Config, seen: set[Path]) -> Iterator[Path | Skipped]:
    real_root = root.resolve()
    seen.add(real_root)
    entries, unreadable = _folder_entries(root)
    yield from unreadable
    if not entries and not unreadable:
        yield _skip(str(root), "folder holds no files")
    for entry in entries:
        if entry.is_symlink():
            try:
                target = entry.resolve(strict=True)
            except (OSError, RuntimeError) as exc:  # RuntimeError: a link loop (Python 3.11)
                yield _skip(str(entry), f"broken or looping symbolic link ({exc})")
                continue
            if not target.is_relative_to(real_root) and not config.ingest.follow_external_links:
                yield _skip(str(entry), f"symbolic link to {target}, outside the input folder "
                                        f"{root}: not read (--follow-external-links reads it)")
                continue
            if target.is_dir():
                if target not in seen and not target.is_relative_to(real_root):
                    yield from _folder_files(entry, config, seen)
                continue
        yield entry


def _folder_entries(root: Path) -> tuple[list[Path], list[Skipped]]:
    """Every non-folder entry under ``root`` (files, links, FIFOs...), sorted, hidden names
    left out, links not followed; and a Skipped for each sub-folder that cannot be listed."""
    entries: list[Path] = []
    unreadable: list[Skipped] = []

    def failed(exc: OSError) -> None:
        unreadable.append(_skip(str(exc.filename), f"cannot list folder: {exc.strerror or exc}"))

    for folder, dirs, files in os.walk(root, onerror=failed):
        here = Path(folder)
        # os.walk lists a link to a folder among the folders but does not enter it.
        entries += [here / d for d in dirs if (here / d).is_symlink() and not d.startswith(".")]
        entries += [here / f for f in files if not f.startswith(".")]
    return sorted(entries), unreadable


_STREAMED = frozenset({"warc", "gzip", "jsonl"})

_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def read_file(path: Path, config: Config, fetcher: Fetcher | None = None,
              checkpoint: Callable[[], None] | None = None) -> Iterator[Item]:
    source = shown(str(path))  # a name with undecodable bytes shows them as \xNN escapes
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # Opening a FIFO blocks until something writes to it; a device never ends.
            kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "not a file")
            yield _skip(source, f"not a regular file ({kind}): not read")
            return
        size = info.st_size
        if size == 0:
            yield _skip(source, "empty file")
            return
        with path.open("rb") as fh:
            head = fh.read(4096)
        kind = detect_format(path, head)
        if kind is None:
            yield _skip(source, f"unknown format ({shown(path.suffix) or 'no extension'}): not "
                                "text, HTML, JSON, a feed or WARC")
            return
        # The cap is for what is read whole. WARC, gzip and JSON Lines are streamed record by
        # record with a cap per record (and gzip a decompressed cap): a crawl dump of any size
        # is read.
        if kind not in _STREAMED and size > config.ingest.max_bytes:
            yield _skip(source, f"file of {size} bytes is over the {config.ingest.max_bytes}-byte "
                                "cap (raise ingest.max_bytes to read it)")
            return
        if checkpoint is not None and size > config.ingest.flush_before_bytes:
            checkpoint()
        if kind == "warc":
            yield from read_warc(path, config, source=source)
        elif kind == "gzip":
            yield from _read_gzip(path, source, config, fetcher)
        elif kind == "jsonl":
            with path.open("rb") as fh:
                yield from read_jsonl(fh, source, config)
        else:
            yield from _read_whole(source, kind, path.read_bytes(), config, fetcher)
    except CrosswireError as exc:
        yield _skip(source, str(exc))
    except OSError as exc:
        yield _skip(source, f"cannot read file: {exc.strerror or exc}")


def _read_gzip(path: Path, source: str, config: Config, fetcher: Fetcher | None) -> Iterator[Item]:
    inner_name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    with path.open("rb") as raw:
        gunzip = _Gunzip(raw, config.ingest.max_decompressed_bytes)
        stream = io.BufferedReader(gunzip)
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
        if gunzip.failure:
            yield _skip(source, gunzip.failure)
            return
    if kind != "jsonl":
        yield from _read_whole(source, kind, data, config, fetcher)


def _read_whole(source: str, kind: str, data: bytes, config: Config,
                fetcher: Fetcher | None, url: str | None = None) -> Iterator[Item]:
    # Binary, undecodable and charset-ambiguous input is rejected now, with its reason.
    evidence = config.ingest.charset_min_evidence_bytes
    if kind == "text":
        decode(data, source=source, min_evidence=evidence)
        yield RawDocument(source=source, format="text", raw=data, url=url)
    elif kind == "html":
        decode(data, source=source, min_evidence=evidence)
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
        value = json.loads(decode(data, source=source,
                                  min_evidence=config.ingest.charset_min_evidence_bytes))
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
    """One article per line; a malformed line is skipped and the rest goes on. No line is
    held longer than the cap: one over it is read through in pieces and skipped."""
    cap = config.ingest.max_bytes
    lineno = 0
    while line := stream.readline(cap + 1):
        lineno += 1
        item_source = f"{source}#{lineno}"
        if len(line) > cap:
            if not line.endswith(b"\n"):
                while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
            yield _skip(item_source, f"line over the {cap}-byte cap")
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                obj = json.loads(decode(line, source=item_source,
                                        min_evidence=config.ingest.charset_min_evidence_bytes))
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


_RECORD_END = b"\r\n\r\n"
_NEXT_RECORD = b"\r\n\r\nWARC/"


class _Lookahead:
    """A byte stream read through a buffer that can be searched and pushed back into: what
    the WARC reader needs to read a bounded line, a block of a declared length, and find the
    next record after a damaged one. ``offset`` is the stream position of the next byte."""

    CHUNK = 1 << 16

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.buf = bytearray()
        self.offset = 0

    def _fill(self) -> bool:
        chunk = self.raw.read(self.CHUNK)
        self.buf += chunk
        return bool(chunk)

    def _take(self, n: int) -> bytes:
        data = bytes(self.buf[:n])
        del self.buf[:n]
        self.offset += len(data)
        return data

    def readline(self, cap: int) -> bytes | None:
        """The next line with its newline (without one at the end of the stream); None when
        no newline comes within ``cap`` bytes, having read at most a chunk more than that."""
        searched = 0
        while (end := self.buf.find(b"\n", searched)) < 0:
            searched = len(self.buf)
            if searched > cap:
                return None
            if not self._fill():
                return self._take(len(self.buf))
        return None if end >= cap else self._take(end + 1)

    def read(self, n: int) -> bytes:
        """``n`` bytes, fewer at the end of the stream."""
        while len(self.buf) < n and self._fill():
            pass
        return self._take(n)

    def skip(self, n: int) -> int:
        """Discard ``n`` bytes without keeping them; how many there were."""
        skipped = 0
        while skipped < n and (self.buf or self._fill()):
            skipped += len(self._take(min(n - skipped, len(self.buf))))
        return skipped

    def unread(self, data: bytes) -> None:
        self.buf[:0] = data
        self.offset -= len(data)

    def skip_to(self, marker: bytes, limit: int) -> bool:
        """Discard everything before the next ``marker`` (left to read), looking at most
        ``limit`` bytes ahead; False when it does not come."""
        searched = 0
        while (at := self.buf.find(marker, searched)) < 0:
            searched = max(0, len(self.buf) - len(marker) + 1)
            if searched > limit or not self._fill():
                return False
        self._take(at)
        return True


def read_warc(path_or_stream: Path | IO[bytes], config: Config, source: str | None = None) -> Iterator[Item]:
    """HTML response records of a WARC/WARC.gz, streamed record by record.

    Records are framed here, not by warcio, which reads a header "line" of any length (a
    64 MB file with no newline took a minute, a 1 GB one never ended) and cannot tell a cut or
    mis-sized record from a whole one (issue 19). The file must start with ``WARC/``; header
    lines are capped (``ingest.max_header_bytes``); each block must end where its
    Content-Length says, else that record is skipped and reading resumes at the next record;
    a cut record ends the file with a Skipped saying after how many records. A WARC.gz is
    decompressed member by member, so every record before a damaged member is read. Each
    whole record is then parsed by warcio (HTTP headers, transfer and content encodings)."""
    source = shown(source or str(path_or_stream))
    opened = (path_or_stream.open("rb") if isinstance(path_or_stream, Path)
              else io.BufferedReader(path_or_stream))  # type: ignore[arg-type]
    try:
        gunzip = None
        if opened.peek(2)[:2] == b"\x1f\x8b":
            gunzip = _Gunzip(opened, config.ingest.max_decompressed_bytes)
        yield from _warc_items(_Lookahead(gunzip or opened), source, config, gunzip)
    except IngestError as exc:  # a decompression bomb, after the records before it
        yield _skip(source, str(exc))
    finally:
        if isinstance(path_or_stream, Path):
            opened.close()


def _warc_items(data: _Lookahead, source: str, config: Config, gunzip: _Gunzip | None) -> Iterator[Item]:
    cap, header_cap = config.ingest.max_bytes, config.ingest.max_header_bytes
    records = 0

    def damaged(what: str) -> Skipped:
        why = f"truncated or corrupt WARC after {records} records: {what}"
        return _skip(source, why + (f" ({gunzip.failure})" if gunzip and gunzip.failure else ""))

    while True:
        start = data.offset
        line = data.readline(header_cap)
        while line in (b"\r\n", b"\n"):  # blank lines between records: some writers add them
            start, line = data.offset, data.readline(header_cap)
        if line == b"":
            if gunzip and gunzip.failure:
                yield damaged("the compressed data ends early")
            return
        if line is None or not line.startswith(b"WARC/"):
            if records == 0:
                opening = bytes(data.buf[:40]) if line is None else line[:40]
                yield _skip(source, f"not a WARC file: it does not start with 'WARC/' "
                                    f"(it starts with {opening!r})")
            elif line is None:
                yield damaged(f"a header line at byte {start} is longer than the "
                              f"{header_cap}-byte cap (ingest.max_header_bytes)")
            else:
                yield damaged(f"no WARC record at byte {start}")
            return
        header = bytearray(line)
        fields: dict[bytes, bytes] = {}
        while True:
            line = data.readline(header_cap - len(header))
            if not line:
                yield damaged(f"the record at byte {start} is cut in its header" if line == b""
                              else f"the header of the record at byte {start} is over the "
                                   f"{header_cap}-byte cap (ingest.max_header_bytes)")
                return
            header += line
            if line in (b"\r\n", b"\n"):
                break
            name, colon, value = line.partition(b":")
            if colon:
                fields[name.strip().lower()] = value.strip()
        declared = fields.get(b"content-length", b"")
        if not declared.isdigit():
            yield damaged(f"the record at byte {start} has no valid Content-Length")
            return
        length = int(declared)
        uri = (fields.get(b"warc-target-uri", b"").decode("utf-8", "replace")
               or f"record-{records + 1}")
        item_source = f"{source}#{uri}"
        response = fields.get(b"warc-type") == b"response"
        if length > cap:
            if data.skip(length) < length:
                yield damaged(f"the record {uri} at byte {start} is cut")
                return
            records += 1
            if response:
                yield _skip(item_source, f"record over the {cap}-byte cap")
            data.skip(len(_RECORD_END))
            continue
        block = data.read(length)
        tail = data.read(len(_RECORD_END))
        # The record ends with CRLF CRLF (LF LF from some writers), or a part of it at the
        # end of the file.
        if len(block) == length and (_RECORD_END.startswith(tail) or tail[:2] == b"\n\n"):
            data.unread(tail[2:] if tail[:2] == b"\n\n" else b"")
            records += 1
            if response:
                yield from _warc_response(bytes(header), block, item_source, uri, config)
            continue
        # The block does not end where Content-Length says: the record is not stored (a cut
        # article, or one holding the start of the next), and reading goes on at the next
        # record, inside this block when the length ran past it, else after it.
        data.unread(tail)
        at = block.find(_NEXT_RECORD)
        if at >= 0:
            data.unread(block[at + len(_RECORD_END):])
        elif len(block) < length:
            yield damaged(f"the record {uri} at byte {start} is cut: {len(block)} of its "
                          f"{length} bytes")
            return
        records += 1
        too = "long: it runs into the next record" if at >= 0 else "short: the record goes on"
        yield _skip(item_source, f"Content-Length {length} of the record at byte {start} is too "
                                 f"{too}; the record is not read")
        if at < 0:
            if not data.skip_to(_NEXT_RECORD, cap):
                return  # the rest of the file was this record's
            data.skip(len(_RECORD_END))


def _warc_response(header: bytes, block: bytes, source: str, uri: str, config: Config) -> Iterator[Item]:
    """The HTML page of one whole response record, or why there is none."""
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(header + block + _RECORD_END),
                                           check_digests=False)))
        ctype = (record.http_headers.get_header("Content-Type") if record.http_headers
                 else None) or ""
        status = record.http_headers.get_statuscode() if record.http_headers else "200"
        body = _read_capped(record.content_stream(), config.ingest.max_bytes)
        fetched_at = record.rec_headers.get_header("WARC-Date")
    except Exception as exc:  # noqa: BLE001 - warcio raises arbitrary errors on malformed
        # records (AttributeError for a response without a target URI, found by fuzzing);
        # the record was framed here, so only it is lost
        yield _skip(source, f"malformed WARC record: {type(exc).__name__}: {exc}")
        return
    if (ctype and "html" not in ctype.lower()) or (status and not str(status).startswith("2")):
        return  # not a page: images, redirects and errors are part of any crawl
    if body is None:
        yield _skip(source, f"record over the {config.ingest.max_bytes}-byte cap")
        return
    try:
        decode(body, source=source, min_evidence=config.ingest.charset_min_evidence_bytes)
    except IngestError as exc:
        yield _skip(source, str(exc))
        return
    yield RawDocument(source=source, format="html", raw=body, url=uri, fetched_at=fetched_at)


def _read_capped(stream: IO[bytes], cap: int) -> bytes | None:
    data = bytearray()
    while chunk := stream.read(65536):
        data += chunk
        if len(data) > cap:
            return None
    return bytes(data)
