"""Hostile inputs of issue 19: each one, against a store with good articles beside it, must
neither hang, crash the batch nor lose data. Big inputs are sparse files a little over the cap
they test (the caps come from Config), so no test reads more than about 64 MB or holds more
than a few MB in memory."""

from __future__ import annotations

import gzip
import io
import os
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crosswire.cli import app
from crosswire.config import Config
from crosswire.engine import local
from crosswire.errors import IngestError
from crosswire.ingest import readers
from crosswire.ingest.detect import decode
from crosswire.ingest.fetch import Fetcher
from crosswire.ingest.readers import read_warc
from crosswire.records import MAX_REASON_CHARS, RawDocument, Skipped
from crosswire.store import Store
from samples import PARAGRAPHS, html_page, json_article, jsonl, text_article

MB = 1 << 20


def _good_folder(folder: Path, n: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"good{i}.txt"
        path.write_text(text_article(f"Levee report number {i} from the Sella valley",
                                     [p + f" Update {i}." for p in PARAGRAPHS]))
        paths.append(path)
    return paths


def _sparse(path: Path, size: int, head: bytes = b"", tail: bytes = b"") -> Path:
    """A file of ``size`` bytes that takes no disk: ``head``, zero bytes, then ``tail``."""
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size - len(tail))
        fh.seek(size - len(tail))
        fh.write(tail)
    return path


def _ingest(inputs: list[Path | str], config: Config) -> local.RunResult:
    with Store(config.db) as store:
        return local.ingest([str(p) for p in inputs], config, store)


def _stored_sources(config: Config) -> set[str]:
    with Store(config.db) as store:
        return {a.source for a in store.articles()}


# --------------------------------------------------------------------------- WARC records


def _warc(uri: str, html: str | None = None, *, http_length: bool = False,
          length_error: int = 0) -> bytes:
    """One plain WARC response record (a crawler's: no HTTP Content-Length unless asked);
    ``length_error`` is added to the record's declared Content-Length."""
    payload = (html or html_page(title=f"Page {uri}")).encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    if http_length:
        http += f"Content-Length: {len(payload)}\r\n".encode()
    block = http + b"\r\n" + payload
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
            "WARC-Date: 2025-11-05T06:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(block) + length_error}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def _page(i: int) -> str:
    return html_page(title=f"Flood page {i} on the Sella levee",
                     paragraphs=[p + f" Report {i}." for p in PARAGRAPHS])


URIS = [f"https://courier.example/p{i}" for i in range(4)]


def _items(data: bytes, config: Config | None = None) -> tuple[list[str], list[Skipped]]:
    items = list(read_warc(io.BytesIO(data), config or Config(), source="x.warc"))
    docs = [i.url for i in items if isinstance(i, RawDocument)]
    return docs, [i for i in items if isinstance(i, Skipped)]  # type: ignore[misc]


# --------------------------------------------------------------------------- 1. no newlines


@pytest.mark.timeout(60)
@pytest.mark.parametrize("head", [b"", b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: "],
                         ids=["zeros", "endless-header"])
def test_warc_without_newlines_is_refused_at_once(tmp_path, config, head):
    folder = tmp_path / "in"
    good = _good_folder(folder)
    # 64 MB, the size (it took 62 s and 1.9 GB); the header cap is 64 kB.
    _sparse(folder / "z.warc", 64 * MB, head)
    started = time.perf_counter()
    result = _ingest([folder], config)
    assert time.perf_counter() - started < 10
    [skip] = [s for s in result.skipped if s.source.endswith("z.warc")]
    assert len(skip.reason) <= MAX_REASON_CHARS
    assert ("not a WARC file" in skip.reason) if not head else ("cap" in skip.reason)
    assert _stored_sources(config) == {str(p) for p in good}


def test_articles_are_stored_before_a_large_input_is_read(tmp_path, config, monkeypatch):
    folder = tmp_path / "in"
    good = _good_folder(folder)
    _sparse(folder / "z.warc", config.ingest.flush_before_bytes + 1)
    seen: list[set[str]] = []
    real = readers.read_warc

    def watching(*args, **kwargs):
        seen.append(_stored_sources(config))  # what another reader of the store sees now
        yield from real(*args, **kwargs)

    monkeypatch.setattr(readers, "read_warc", watching)
    _ingest([folder], config)
    assert seen == [{str(p) for p in good}]


# --------------------------------------------------------------------------- 2. `skipped`


def test_skipped_command_answers_fast_on_a_hostile_store(tmp_path, config):
    folder = tmp_path / "in"
    _good_folder(folder)
    _sparse(folder / "z.warc", 64 * MB)
    for i in range(300):
        (folder / f"empty{i:03}.txt").write_bytes(b"")
    _ingest([folder], config)
    with Store(config.db) as store, store.transaction() as conn:
        # A reason stored before reasons were bounded: 20 million characters.
        conn.execute("INSERT INTO skipped(source, stage, reason, at) VALUES (?,?,?,?)",
                     ("old.warc", "ingest", "x" * 20_000_000, "2025-01-01T00:00:00Z"))
    # A process of its own, as a user runs it: its imports count too.
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "crosswire.cli", "skipped", "--db", str(config.db)],
                            capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "COLUMNS": "400"})  # a table row per line
    took = time.perf_counter() - started
    assert result.returncode == 1, result.stderr[-2000:]
    assert "not a WARC file" in result.stderr and "empty299.txt" in result.stderr
    assert took < 2, f"crosswire skipped took {took:.2f} s"
    with Store(config.db) as store:
        assert all(len(s.reason) <= MAX_REASON_CHARS for s in store.skipped())


@given(reason=st.text(max_size=3000), source=st.text(max_size=50))
@settings(max_examples=200, deadline=None)
def test_every_skipped_reason_is_bounded_and_storable(reason, source):
    item = Skipped(source, "ingest", reason)
    assert len(item.reason) <= MAX_REASON_CHARS
    (item.source + item.reason).encode("utf-8")  # no lone surrogate survives
    if len(reason) <= MAX_REASON_CHARS and reason.isascii():
        assert item.reason == reason


# --------------------------------------------------------------------------- 3. file names


def test_undecodable_file_name_does_not_abort_the_batch(tmp_path, config):
    folder = tmp_path / "in"
    good = _good_folder(folder, 7)
    odd = os.fsencode(folder) + b"/caf\xe9-report.txt"
    with open(odd, "w") as fh:
        fh.write(text_article("Cafe owners count the cost of the Sella flood"))
    result = CliRunner().invoke(app, ["ingest", "--db", str(config.db), "-q", str(folder)])
    assert result.exit_code == 0, result.output
    sources = _stored_sources(config)
    assert len(sources) == 8
    assert {str(p) for p in good} < sources
    assert f"{folder}/caf\\xe9-report.txt" in sources  # the byte shown, not dropped


def test_an_exception_reading_one_input_skips_only_it(tmp_path, config, monkeypatch):
    folder = tmp_path / "in"
    good = _good_folder(folder)
    (folder / "cursed.txt").write_text(text_article())
    real = readers.detect_format

    def flaky(path, head):
        if Path(path).name == "cursed.txt":
            raise TypeError("a library's surprise")
        return real(path, head)

    monkeypatch.setattr(readers, "detect_format", flaky)
    result = _ingest([folder], config)
    [skip] = result.skipped
    assert skip.source.endswith("cursed.txt") and "TypeError" in skip.reason
    assert _stored_sources(config) == {str(p) for p in good}


def test_an_item_the_store_cannot_take_skips_only_it(tmp_path, config, monkeypatch):
    folder = tmp_path / "in"
    good = _good_folder(folder)
    real = Store.add_article

    def picky(self, doc, article):
        if doc.source.endswith("good1.txt"):
            raise UnicodeEncodeError("utf-8", "\udce9", 0, 1, "surrogates not allowed")
        return real(self, doc, article)

    monkeypatch.setattr(Store, "add_article", picky)
    result = _ingest([folder], config)
    assert [(s.source, s.stage) for s in result.skipped] == [(str(good[1]), "store")]
    assert _stored_sources(config) == {str(good[0]), str(good[2])}


# --------------------------------------------------------------------------- 4. damaged WARCs


def test_truncated_per_record_warc_gz_keeps_every_whole_record(tmp_path, config):
    members = [gzip.compress(_warc(u, _page(i))) for i, u in enumerate(URIS)]
    data = b"".join(members)
    (tmp_path / "cut.warc.gz").write_bytes(data[:len(data) - len(members[-1]) // 2])
    result = _ingest([tmp_path / "cut.warc.gz"], config)
    assert "truncated or corrupt WARC after 3 records" in result.skipped[-1].reason
    assert _stored_sources(config) == {f"{tmp_path / 'cut.warc.gz'}#{u}" for u in URIS[:3]}


def test_truncated_plain_warc_reports_the_cut_record(tmp_path, config):
    data = b"".join(_warc(u, _page(i)) for i, u in enumerate(URIS[:3]))
    (tmp_path / "cut.warc").write_bytes(data[:-500])
    result = _ingest([tmp_path / "cut.warc"], config)
    [skip] = result.skipped
    assert "truncated or corrupt WARC after 2 records" in skip.reason and URIS[2] in skip.reason
    assert _stored_sources(config) == {f"{tmp_path / 'cut.warc'}#{u}" for u in URIS[:2]}


@pytest.mark.parametrize("error", [-500, 500])
@pytest.mark.parametrize("http_length", [False, True])
def test_wrong_content_length_skips_that_record_only(tmp_path, config, error, http_length):
    records = [_warc(u, _page(i), http_length=http_length, length_error=error if i == 1 else 0)
               for i, u in enumerate(URIS[:3])]
    (tmp_path / "bad.warc").write_bytes(b"".join(records))
    result = _ingest([tmp_path / "bad.warc"], config)
    [skip] = result.skipped
    assert skip.source.endswith(URIS[1]) and "Content-Length" in skip.reason
    assert ("too long" if error > 0 else "too short") in skip.reason
    assert _stored_sources(config) == {f"{tmp_path / 'bad.warc'}#{u}" for u in (URIS[0], URIS[2])}


def test_content_length_past_the_end_is_reported(tmp_path, config):
    data = _warc(URIS[0], _page(0)) + _warc(URIS[1], _page(1), length_error=500)
    docs, skipped = _items(data)
    assert docs == [URIS[0]]
    [skip] = skipped
    assert "is cut" in skip.reason and URIS[1] in skip.reason


WHOLE = [_warc(u, _page(i)) for i, u in enumerate(URIS[:3])]
ENDS = [sum(len(r) for r in WHOLE[:i + 1]) for i in range(3)]


@given(cut=st.integers(min_value=1, max_value=ENDS[-1] - 1), gz=st.booleans())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_cut_keeps_every_record_before_it_and_reports_the_rest(cut, gz):
    if gz:  # one gzip member per record, cut at the same share of the compressed bytes
        members = [gzip.compress(r) for r in WHOLE]
        data = b"".join(members)
        share = cut / ENDS[-1]
        data = data[:max(1, int(len(data) * share))]
        whole = sum(1 for i in range(3) if sum(len(m) for m in members[:i + 1]) <= len(data))
    else:
        data = b"".join(WHOLE)[:cut]
        # A record is whole once its block is; the trailing CRLF CRLF may be cut away.
        whole = sum(1 for end in ENDS if end - 4 <= cut)
    docs, skipped = _items(data)
    # A gzip member cut in its last bytes (the checksum) may still give all of its record.
    assert docs == URIS[:whole] or (gz and docs == URIS[:whole + 1])
    if len(docs) < 3:  # never a silent loss (a cut inside "WARC/" is "not a WARC file")
        assert skipped and "WARC" in skipped[-1].reason


# --------------------------------------------------------------------------- 5. charsets

NEWS = {
    "koi8_r": "Власти города Лорвен заявили во вторник, что дамба выдержит паводок. Жители "
              "эвакуированы из трёх районов, сообщил мэр.",
    "cp1251": "Власти города Лорвен заявили во вторник, что дамба выдержит паводок.",
    "iso8859_7": "Οι αρχές της πόλης Λόρβεν δήλωσαν την Τρίτη ότι το φράγμα θα αντέξει.",
    "gb18030": "洛文市政府周二表示，堤坝将经受住洪水的考验。市长说，三个区的居民已被疏散。",
    "euc_kr": "로르벤 시 당국은 화요일 제방이 홍수를 견딜 것이라고 밝혔다. 시장은 세 개 구역의 "
              "주민들이 대피했다고 말했다.",
    "shift_jis": "ロルヴェン市当局は火曜日、堤防は洪水に耐えると述べた。",
}


@pytest.mark.parametrize("encoding", sorted(NEWS))
def test_non_latin_charsets(encoding):
    """Every prefix (at each 8th character) of a news paragraph: read right, or skipped
    with the reason; never mojibake. The sweep ingest.charset_min_evidence_bytes was set on."""
    text = (NEWS[encoding] + " ") * 4
    floor = Config().ingest.charset_min_evidence_bytes
    read = 0
    for n in range(8, len(text), 8):
        data = text[:n].encode(encoding)
        try:
            assert decode(data, min_evidence=floor) == text[:n]
            read += 1
        except IngestError as exc:
            assert "charset" in str(exc)
    assert read  # the longer prefixes are read


@pytest.mark.parametrize("encoding", ["koi8_r", "gb18030", "euc_kr"])
def test_legacy_charset_article_is_stored_right_or_skipped(tmp_path, config, encoding):
    long = (NEWS[encoding] + "\n\n") * 4
    (tmp_path / "long.txt").write_bytes(long.encode(encoding))
    (tmp_path / "short.txt").write_bytes(NEWS[encoding][:6].encode(encoding) + b"\n\nok")
    result = _ingest([tmp_path / "long.txt", tmp_path / "short.txt"], config)
    with Store(config.db) as store:
        [article] = store.articles(result.article_ids)
    assert NEWS[encoding].split()[0] in article.text
    [skip] = result.skipped
    assert skip.source.endswith("short.txt") and "charset" in skip.reason


# --------------------------------------------------------------------------- 6. JSON Lines


@pytest.mark.timeout(60)
def test_jsonl_line_over_the_cap_is_never_held_whole(tmp_path, config):
    config = config.replace("ingest", max_bytes=1 * MB)
    first = jsonl([json_article(title="Before the long line", url="https://courier.example/a")])
    last = jsonl([json_article(title="After the long line", url="https://courier.example/b",
                               maintext=PARAGRAPHS[1] + " " + PARAGRAPHS[2])])
    # One line of 64 MB: sixty-four times the cap.
    path = _sparse(tmp_path / "dump.jsonl", 64 * MB, first.encode() + b'{"text": "',
                   b'"}\n' + last.encode())
    tracemalloc.start()
    try:
        items = list(readers.read_file(path, config))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"
    assert [type(i).__name__ for i in items] == ["RawDocument", "Skipped", "RawDocument"]
    assert "line over the" in items[1].reason and items[1].source.endswith("#2")


# --------------------------------------------------------------------------- 8. files


def test_symlink_outside_the_input_folder_is_skipped(tmp_path, config):
    folder = tmp_path / "in"
    good = _good_folder(folder)
    outside = tmp_path / "private" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text(text_article("A private letter that is not news at all"))
    (folder / "link.txt").symlink_to(outside)
    (folder / "inside.txt").symlink_to(good[0])
    (folder / "linked-dir").symlink_to(outside.parent)
    result = _ingest([folder], config)
    reasons = {Path(s.source).name: s.reason for s in result.skipped}
    assert set(reasons) == {"link.txt", "linked-dir"}
    assert "outside the input folder" in reasons["link.txt"]
    assert "--follow-external-links" in reasons["link.txt"]
    assert str(outside) not in _stored_sources(config)
    assert not any("private letter" in a.text for a in Store(config.db).articles())


def test_follow_external_links_flag_reads_them(tmp_path, config):
    folder = tmp_path / "in"
    _good_folder(folder, 1)
    outside = tmp_path / "elsewhere" / "wire.txt"
    outside.parent.mkdir()
    outside.write_text(text_article("Wire report on the Sella flood defences"))
    (folder / "wire.txt").symlink_to(outside)
    result = CliRunner().invoke(app, ["ingest", "--db", str(config.db), "-q",
                                      "--follow-external-links", str(folder)])
    assert result.exit_code == 0, result.output
    assert str(folder / "wire.txt") in _stored_sources(config)


@pytest.mark.timeout(30)
def test_fifo_and_socket_are_skipped_with_a_reason(tmp_path, config):
    folder = tmp_path / "in"
    good = _good_folder(folder)
    os.mkfifo(folder / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.txt"))
    try:
        result = _ingest([folder, folder / "pipe.txt"], config)
    finally:
        sock.close()
    reasons = sorted((Path(s.source).name, s.reason) for s in result.skipped)
    assert reasons == [("pipe.txt", "not a regular file (a FIFO): not read")] * 2 + [
        ("sock.txt", "not a regular file (a socket): not read")]
    assert _stored_sources(config) == {str(p) for p in good}


@pytest.mark.parametrize("page", [
    "<html><body><nav>Home | About</nav></body></html>",
    ("<html><body><header><a href='/'>Home</a> | <a href='/about'>About</a></header>"
     "<footer>(c) 2025 The Courier</footer></body></html>"),
    "<html><body><div role='navigation'><a href='/'>Home</a></div><aside>Most read</aside></body></html>",
])
def test_navigation_only_page_is_skipped(tmp_path, config, page):
    (tmp_path / "nav.html").write_text(page)
    result = _ingest([tmp_path / "nav.html"], config)
    [skip] = result.skipped
    assert "no article text" in skip.reason and skip.stage == "clean"
    assert not result.article_ids
    with Store(config.db) as store:
        assert store.count("raw_documents") == 1  # the page is kept, for a re-run


# --------------------------------------------------------------------------- 9. DNS rebinding


def test_fetcher_connects_to_the_address_it_checked(config):
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])  # public, then rebound to loopback
    calls: list[str] = []

    def rebinding(host: str) -> list[str]:
        calls.append(host)
        return next(answers)

    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, text="<html><body><p>ok</p></body></html>")

    strict = config.replace("fetch", allow_private=False, respect_robots=False).fetch
    with Fetcher(strict, transport=httpx.MockTransport(handler), resolver=rebinding) as fetcher:
        response = fetcher.get("https://news.example/story?id=1")
    [request] = requests
    assert calls == ["news.example"]  # resolved once, for the check
    assert request.url.host == "93.184.215.14" and request.url.path == "/story"
    assert request.headers["host"] == "news.example"
    assert request.extensions["sni_hostname"] == "news.example"
    assert response.url == "https://news.example/story?id=1"


def test_a_name_resolving_to_a_private_address_is_refused(config):
    strict = config.replace("fetch", allow_private=False).fetch
    with Fetcher(strict, resolver=lambda host: ["10.0.0.7"]) as fetcher, \
            pytest.raises(IngestError, match="private, loopback or link-local"):
        fetcher.get("http://intranet.example/")


def test_pinned_connection_reaches_the_checked_server(site, config):
    # The name does not exist; the resolver (a collaborator) says 127.0.0.1, the server gets
    # the connection and the request's own Host.
    site.add("/page", html_page())
    port = site.base.rsplit(":", 1)[1]
    with Fetcher(config.fetch, resolver=lambda host: ["127.0.0.1"]) as fetcher:
        response = fetcher.get(f"http://news.invalid:{port}/page")
    assert response.status == 200 and b"Sella" in response.body
    assert site.requests[-1][1]["Host"] == f"news.invalid:{port}"
