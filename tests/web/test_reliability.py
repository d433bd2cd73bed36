"""Web reliability and security over the real pipeline.

- The server keeps serving while ingests write: uvicorn on 127.0.0.1 over a store, hammered
  by bench/load.py's load generator while ``analyze`` writes a batch of fictional articles
  into the same store from another thread (as ``crosswire analyze`` beside ``crosswire
  serve``), then while the server's own ingest job writes an upload. No 5xx, no "database is
  locked", and the pages show the new data afterwards.
- Hostile strings ingested through the real readers, cleaner and extractors (script tags,
  javascript: URLs, SVG onload, attribute and CSS injection, closing tags, in titles,
  outlets, URLs, bodies and quotes, in text, HTML, JSON Lines and RSS inputs) are inert on
  every page type, as are hostile upload names and feed URLs on the ingest page and hostile
  ids echoed by error pages.
- Security headers on every response, errors (a 500 too) and static files included; the
  token only from the header or the form, never from the URL, and never in any log; no
  traversal through symlinks, absolute paths or upload names; uploads capped (413, nothing
  stored) and type-checked (a binary disguised as text becomes a skipped record).

tests/web/test_security.py covers the same classes over the hand-built fictional store.
"""

from __future__ import annotations

import html as htmllib
import http.client
import io
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from fictional import build_store
from htmlcheck import unsafe
from markupsafe import escape
from webtools import TOKEN, serve, web_config

from crosswire.engine import local
from crosswire.store import Store
from crosswire.web import app as web_app
from crosswire.web import create_app
from crosswire.web.queries import entity_key
from crosswire.web.security import BRIEFING_CSP, CSP
from samples import html_page, json_article, jsonl, rss_feed
from scripts import load_script

LOAD = load_script("bench", "load")
APP_JS = {"/static/app.js"}

# Payloads, each with its own marker so a failure names the one that got through.
SCRIPT = "<script>alert('cw-1')</script>"
SVG = "<svg onload=alert('cw-2')>"
IMG = "<img src=x onerror=alert('cw-3')>"
JS_URL = "javascript:alert('cw-4')"
ATTR = "\" onmouseover=\"alert('cw-5')\" x=\""
CSS = "</style><style>body{background:url(https://evil.example/cw-6)}</style>"
CLOSE = "</textarea></title></script><script>alert('cw-7')</script>"
UPLOAD_NAME = "\"><svg onload=alert('cw-8')>.txt"
FEED_URL = "http://127.0.0.1:9/<script>alert('cw-9')</script>.rss"
PAYLOADS = (SCRIPT, SVG, IMG, ATTR, CSS, CLOSE)


# --------------------------------------------------------------------------- fictional batch
# Two fictional events told by several outlets: harbour pilots refusing night shifts in
# Vessby (every input carries payloads) and a bakery cooperative in Orla (plain).

PILOTS = [
    ("VESSBY, Kaltmark (Coastline Wire) — Harbour pilots in Vessby refused night shifts on "
     "Tuesday after the port's new radar failed twice in one week, the port office said."),
    "About 40 tankers were held at anchor outside the harbour, according to the port office.",
    ("\"{payload} We will not guide tankers blind,\" said pilot Ada Lindqvist, who chairs the "
     "Vessby Pilots Association."),
    "Harbourmaster Oskar Brandt said a radar technician would arrive from Orla on Friday.",
]


def pilots(payload: str, tanker_count: str = "About 40") -> list[str]:
    paragraphs = [p.replace("{payload}", payload) for p in PILOTS]
    paragraphs[1] = paragraphs[1].replace("About 40", tanker_count)
    return paragraphs


BAKERY = [
    ("ORLA, Kaltmark (Orla Herald) — Bakers in Orla opened the town's first cooperative "
     "bakery on Monday, pooling ovens from five family shops that had closed since winter."),
    ("The cooperative will sell bread at cost to the town's two schools, its chair Lene Marsk "
     "said."),
    "\"Nobody here should pay city prices for a loaf,\" said Marsk, a baker for thirty years.",
    "The town council lent the cooperative 12,000 crowns for new flour mills.",
]


def write_batch(folder: Path) -> list[str]:
    """The inputs of the concurrent analyze: payloads in every field each format carries."""
    folder.mkdir()
    (folder / "coastline-wire.txt").write_text(
        "\n\n".join([f"Vessby pilots refuse night shifts {SCRIPT}", *pilots(CLOSE)]) + "\n")
    page = html_page(title=htmllib.escape(f"Radar failures halt Vessby pilots {SVG}"),
                     paragraphs=[htmllib.escape(p) for p in pilots(IMG, "Some 45")]
                     + [f'Read <a href="{JS_URL}">the port statement</a> online.',
                        (f"<script>alert('cw-10')</script>{htmllib.escape(CSS)} Pilots met "
                         "again on Wednesday.")],
                     published="2026-03-03", site=htmllib.escape(f"Kaltmark Post {IMG}"))
    (folder / "kaltmark-post.html").write_text(page)
    lines = [json_article(title=f"Vessby tankers wait as pilots stay ashore {ATTR}",
                          maintext="\n\n".join(pilots(ATTR, "Nearly 50")), url=JS_URL,
                          source_domain=f"Harbour Gazette {ATTR}", date_publish="2026-03-04"),
             json_article(title="Orla bakers open a cooperative", maintext="\n\n".join(BAKERY),
                          url="https://orla-herald.example/2026/03/bakery",
                          source_domain="orla-herald.example", date_publish="2026-03-02")]
    (folder / "gazette.jsonl").write_text(jsonl(lines))
    items = [{"title": htmllib.escape(f"Vessby pilots: radar to be fixed Friday {CSS}"),
              "link": JS_URL, "guid": "urn:cw:pilots-1",
              "content": "".join(f"<p>{htmllib.escape(p)}</p>" for p in pilots(SCRIPT, "40"))},
             # The whole story: a shorter item would be a teaser to fetch (ingest.feed_min_chars).
             {"title": "Bakery cooperative opens in Orla",
              "link": "https://kaltmark-radio.example/orla-bakery", "guid": "urn:cw:bakery-1",
              "content": "".join(f"<p>{htmllib.escape(p)}</p>" for p in BAKERY)}]
    (folder / "radio.rss").write_text(rss_feed(items, title=htmllib.escape(f"Radio {SVG}")))
    return [str(p) for p in sorted(folder.iterdir())]


FOLLOW_UP = (
    "Vessby radar repaired, pilots return\n\n"
    "VESSBY, Kaltmark (Coastline Wire) — Harbour pilots in Vessby returned to night shifts on "
    "Friday after a technician from Orla repaired the port's radar, the port office said.\n\n"
    "\"The radar works and we are back,\" said pilot Ada Lindqvist.\n")


# --------------------------------------------------------------------------- the busy server

@dataclass
class Busy:
    base: str
    db: Path
    stories_before: int
    batch_story_ids: list[str]
    batch_articles: int
    upload_job: dict[str, Any]
    feed_job: dict[str, Any]
    writer_error: BaseException | None = None
    results: list[tuple[str, Any]] = field(default_factory=list)  # (phase, load.Result)


def hammer_while(base: str, busy: Callable[[], bool], phase: str, out: list[tuple[str, Any]],
                 extra: list[tuple[str, str]]) -> None:
    """Rounds of load (8 connections) until ``busy()`` is false; targets re-read each round
    so stories written meanwhile are hit too."""
    while busy():
        targets = LOAD.discover(base) + extra
        out += [(phase, r) for r in LOAD.run(base, targets, concurrency=8, max_requests=160,
                                             max_seconds=3)]


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Busy]:
    folder = tmp_path_factory.mktemp("busy")
    db = folder / "store.db"
    build_store(db)  # something to serve before the ingest
    inputs = write_batch(folder / "batch")
    config = web_config(db)
    # Searches for words only the batch has: they go from no hit to hits during the write.
    extra = [("search", "/stories?q=Vessby"), ("search", "/api/stories?q=cooperative"),
             ("ingest page", "/ingest"), ("jobs", "/api/jobs")]
    with serve(create_app(config)) as (base, _):
        before = httpx.get(base + "/api/stories", timeout=60).json()["total"]
        outcome: dict[str, Any] = {}

        def write() -> None:
            # Its own Store (its own writer connection), as a `crosswire analyze` run would.
            try:
                with Store(db) as store:
                    outcome["result"] = local.analyze(inputs, config, store)
            except Exception as exc:  # noqa: BLE001 (reported by the test, not lost in the thread)
                outcome["error"] = exc

        writer = threading.Thread(target=write, name="analyze")
        writer.start()
        results: list[tuple[str, Any]] = []
        hammer_while(base, writer.is_alive, "analyze", results, extra)
        writer.join()

        # Then the server's own ingest worker writes (an upload and a refused feed) through
        # the connection that also serves the pages.
        auth = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=base, timeout=60, headers=auth) as client:
            upload = client.post("/api/ingest/upload",
                                 files={"files": (UPLOAD_NAME, FOLLOW_UP.encode(), "text/plain")})
            feed = client.post("/api/ingest/feed", data={"url": FEED_URL})
            assert upload.status_code == 202 and feed.status_code == 202, (upload.text, feed.text)
            ids = [upload.json()["id"], feed.json()["id"]]

            def jobs_running() -> bool:
                return any(client.get(f"/api/jobs/{i}").json()["status"] in ("queued", "running")
                           for i in ids)

            hammer_while(base, jobs_running, "web ingest", results, extra)
            upload_job, feed_job = (client.get(f"/api/jobs/{i}").json() for i in ids)
        hammer_while(base, iter([True, False]).__next__, "after", results, extra)
        result = outcome.get("result")
        yield Busy(base, db, before, [s.id for s in result.stories] if result else [],
                   len(result.article_ids) if result else 0, upload_job, feed_job,
                   outcome.get("error"), results)


def unexpected(base: str, results: list[tuple[str, Any]]) -> list[str]:
    """Failures among the results: any transport error, "database is locked", any status but
    200 and 404, and a 404 for a page that exists once the writes are over (a 404 is right
    only for a story replaced between listing and fetching)."""
    bad = [f"{phase}: {r.status} {r.path} {r.error or ''}" for phase, r in results
           if r.error or r.status not in (200, 404)]
    for path in sorted({r.path for _, r in results if r.status == 404}):
        if httpx.get(base + path, timeout=60).status_code != 404:
            bad.append(f"404 for {path}, which exists")
    return bad


def test_server_keeps_serving_while_an_ingest_writes(busy: Busy) -> None:
    assert busy.writer_error is None, repr(busy.writer_error)
    phases = {phase: sum(1 for p, _ in busy.results if p == phase)
              for phase in ("analyze", "web ingest", "after")}
    # The load really overlapped the writes.
    assert phases["analyze"] >= 30 and phases["web ingest"] >= 1 and phases["after"] >= 1, phases
    assert unexpected(busy.base, busy.results) == []
    assert busy.upload_job["status"] == "done" and busy.upload_job["new_articles"] == 1, busy.upload_job
    assert busy.feed_job["status"] == "done" and busy.feed_job["articles"] == 0, busy.feed_job


def test_pages_show_the_new_data_after_the_write(busy: Busy) -> None:
    assert busy.batch_articles == 6  # a text, a page, two JSON lines, two feed items
    with httpx.Client(base_url=busy.base, timeout=60) as client:
        listing = client.get("/api/stories", params={"sort": "recent"}).json()
        listed = {s["id"] for s in listing["stories"]}
        assert listing["total"] > busy.stories_before
        new_ids = [*busy.batch_story_ids, *busy.upload_job["story_ids"]]
        assert set(new_ids) <= listed
        for word in ("Vessby", "cooperative", "repaired"):
            hits = client.get("/api/stories", params={"q": word}).json()["stories"]
            assert {s["id"] for s in hits} & set(new_ids), word
        entity_keys = {e["key"] for e in client.get("/api/entities", params={"kind": "all"}).json()["entities"]}
        for sid in set(new_ids):
            document = client.get(f"/api/stories/{sid}").json()
            page = client.get(f"/stories/{sid}").text
            for article in document["articles"]:
                if article["title"]:
                    assert str(escape(article["title"])) in page, (sid, article["title"])
            # The entity index (cached per store state) knows the new stories' names.
            for entity in document["stories"][0]["entities"]:
                key = entity_key(entity["name"])
                if key:
                    assert key in entity_keys, entity["name"]
                    assert client.get(f"/entities/{key}").status_code == 200, key


def hostile_paths(client: httpx.Client, story_ids: list[str]) -> list[str]:
    """Every page type over the ingested hostile data, plus reflected input."""
    paths = ["/stories", "/stories?sort=recent", "/stories?q=Vessby", f"/stories?q={ATTR}",
             f"/stories?q={SCRIPT}&outlet={IMG}", "/entities", f"/entities?q={SVG}", "/ingest",
             f"/stories/{SCRIPT}", f"/entities/{SVG}", f"/articles/{IMG}", f"/nowhere{CSS}",
             f"/stories?date_from={SCRIPT}"]
    outlets = client.get("/api/stories", params={"q": "Vessby"}).json()["stories"]
    paths += [f"/stories?outlet={o}" for s in outlets for o in s["outlets"]]
    for sid in story_ids:
        document = client.get(f"/api/stories/{sid}").json()
        story = document["stories"][0]
        paths += [f"/stories/{sid}", f"/stories/{sid}/briefing.html", f"/stories/{sid}/briefing.md"]
        paths += [f"/stories/{sid}?claim={c['id']}" for c in story["claims"][:5]]
        paths += [f"/articles/{a['id']}?span=0-40" for a in document["articles"]]
        paths += [f"/entities/{e['name']}" for e in story["entities"]]
        paths += [f"/entities/{entity_key(e['name'])}" for e in story["entities"]
                  if entity_key(e["name"])]
    return list(dict.fromkeys(paths))


def test_ingested_hostile_strings_are_inert_on_every_page(busy: Busy) -> None:
    ids = [*busy.batch_story_ids, *busy.upload_job["story_ids"]]
    shown: set[str] = set()
    with httpx.Client(base_url=busy.base, timeout=60) as client:
        for path in hostile_paths(client, ids):
            response = client.get(path)
            assert response.status_code < 500, path
            body = response.text
            kind = response.headers["content-type"]
            if kind.startswith("text/markdown"):
                # Markdown renderers pass raw HTML through: every bracket must be escaped,
                # but for autolinks to http(s) URLs (no quote, bracket or space inside).
                body = re.sub(r"<https?://[^\s\"'<>\\]+>", "", body)
                assert re.findall(r"(?<!\\)<[A-Za-z/!?]", body) == [], path
                continue
            if not kind.startswith("text/html"):
                continue
            own_policy = path.endswith("briefing.html")
            assert unsafe(body, allow_scripts=set() if own_policy else APP_JS) == [], path
            for payload in (*PAYLOADS, UPLOAD_NAME, FEED_URL):
                assert payload not in body, (path, payload)
            shown |= {p for p in (*PAYLOADS, FEED_URL) if str(escape(p)) in body}
    # The payloads did reach the pages (as text), so the checks above were not vacuous.
    assert shown == {*PAYLOADS, FEED_URL}, set(PAYLOADS) - shown


def test_javascript_urls_from_ingested_articles_are_never_links(busy: Busy) -> None:
    with httpx.Client(base_url=busy.base, timeout=60) as client:
        for sid in busy.batch_story_ids:
            for article in client.get(f"/api/stories/{sid}").json()["articles"]:
                page = client.get(f"/articles/{article['id']}").text
                assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", page, re.IGNORECASE)


# --------------------------------------------------------------------------- headers

def boom() -> None:
    raise RuntimeError("a bug in a route")


HEADER_CASES = [
    ("GET", "/stories", {}, 200),
    ("GET", "/api/stories", {}, 200),
    ("GET", "/static/app.js", {}, 200),
    ("GET", "/static/favicon.svg", {}, 200),
    ("GET", "/static/nothing.css", {}, 404),
    ("GET", "/", {}, 307),
    ("GET", "/no/such/page", {}, 404),
    ("GET", "/api/stories/s_0000", {}, 404),
    ("GET", "/stories?date_from=yesterday", {}, 422),
    ("GET", "/articles/a_00?span=x", {}, 422),
    ("PUT", "/stories", {}, 405),
    ("POST", "/api/ingest/upload", {"files": {"files": ("a.txt", b"Words.", "text/plain")}}, 401),
    ("POST", "/api/ingest/upload", {"files": {"files": ("a.exe", b"MZ\x90\x00", "text/plain")},
                                    "headers": {"Authorization": f"Bearer {TOKEN}"}}, 415),
    ("POST", "/api/ingest/upload", {"content": b"x" * 200_000,
                                    "headers": {"Content-Type": "multipart/form-data; boundary=b",
                                                "Authorization": f"Bearer {TOKEN}"}}, 413),
    ("GET", "/boom", {}, 500),
]


@pytest.mark.parametrize("method, path, kwargs, status", HEADER_CASES,
                         ids=[f"{c[3]}-{c[1]}" for c in HEADER_CASES])
def test_security_headers_on_every_response_including_errors(
        writable_db: Path, method: str, path: str, kwargs: dict[str, Any], status: int) -> None:
    app = create_app(web_config(writable_db, max_upload_bytes=4000))
    app.add_api_route("/boom", boom)  # an unhandled exception: the 500 must carry them too
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.request(method, path, follow_redirects=False, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "traceback" not in response.text.lower() and "a bug in a route" not in response.text


def test_static_revalidation_and_briefing_download_keep_their_headers(
        writable_db: Path, web_store: tuple[Path, dict[str, str]]) -> None:
    with TestClient(create_app(web_config(writable_db))) as client:
        first = client.get("/static/site.css")
        again = client.get("/static/site.css", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.headers["content-security-policy"] == CSP
        download = client.get(f"/stories/{web_store[1]['hostile']}/briefing.html")
        assert download.headers["content-security-policy"] == BRIEFING_CSP  # no script at all
        assert download.headers["x-content-type-options"] == "nosniff"
        assert download.headers["content-disposition"].startswith("attachment")


# --------------------------------------------------------------------------- tokens

ARTICLE = "\n\n".join(FOLLOW_UP.split("\n\n")[:3]) + "\n"


@pytest.mark.parametrize("path", ["/api/ingest/upload", "/ingest/upload"])
@pytest.mark.parametrize("how", ["query", "basic", "cookie"])
def test_token_only_from_the_header_or_the_form(writable_db: Path, path: str, how: str) -> None:
    """Never from the URL (access logs keep URLs), nor another auth scheme, nor a cookie."""
    with TestClient(create_app(web_config(writable_db))) as client:
        kwargs: dict[str, Any] = {"files": {"files": ("a.txt", ARTICLE.encode(), "text/plain")}}
        if how == "query":
            path += f"?token={TOKEN}"
        elif how == "basic":
            kwargs["headers"] = {"Authorization": f"Basic {TOKEN}"}
        else:
            client.cookies.set("token", TOKEN)
        response = client.post(path, follow_redirects=False, **kwargs)
        assert response.status_code == 401, response.text
        feed = client.post("/api/ingest/feed" + (f"?token={TOKEN}" if how == "query" else ""),
                           data={"url": "https://feeds.example/rss"},
                           headers=kwargs.get("headers"))
        assert feed.status_code == 401
        assert client.get("/api/jobs").json()["jobs"] == []


def test_token_never_appears_in_logs(writable_db: Path, capfd: pytest.CaptureFixture[str]) -> None:
    app = create_app(web_config(writable_db))
    records = io.StringIO()
    handler = logging.StreamHandler(records)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.access", "uvicorn.error",
                                              "crosswire")]
    with serve(app, log_level="debug") as (base, _):  # uvicorn configures its loggers here
        levels = [lg.level for lg in loggers]
        for lg in loggers:
            lg.addHandler(handler)
            lg.setLevel(logging.DEBUG)
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                responses = [
                    client.post("/api/ingest/upload", headers={"Authorization": f"Bearer {TOKEN}"},
                                files={"files": ("a.txt", ARTICLE.encode(), "text/plain")}),
                    client.post("/ingest/upload", data={"token": TOKEN},
                                files={"files": ("b.txt", BAKERY[0].encode(), "text/plain")}),
                    client.post("/api/ingest/feed", data={"url": FEED_URL, "token": TOKEN}),
                    client.post("/api/ingest/upload", headers={"Authorization": f"Bearer {TOKEN}"},
                                files={"files": ("c.exe", b"MZ\x90\x00", "text/plain")}),
                ]
                assert [r.status_code for r in responses] == [202, 303, 202, 415]
                assert app.state.jobs.wait(120)
                pages = client.get("/ingest").text + client.get("/api/jobs").text
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.removeHandler(handler)
                lg.setLevel(level)
    logged = records.getvalue()
    assert "POST /api/ingest/upload" in logged  # the access log was captured
    out, err = capfd.readouterr()
    for text in (logged, out, err, pages):
        assert TOKEN not in text


# --------------------------------------------------------------------------- traversal

def raw_status(port: int, target: str) -> tuple[int, bytes]:
    """GET with the request target exactly as given (http.client does not normalise it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_no_traversal_through_symlinks_absolute_paths_or_ids(
        tmp_path: Path, writable_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A static folder holding symlinks that point out of it (a file and a folder).
    secret_dir = tmp_path / "outside"
    secret_dir.mkdir()
    (secret_dir / "secret.txt").write_text("cw-secret-contents")
    static = tmp_path / "static"
    static.mkdir()
    for item in web_app.STATIC.iterdir():
        (static / item.name).write_bytes(item.read_bytes())
    (static / "leak.css").symlink_to(secret_dir / "secret.txt")
    (static / "dir").symlink_to(secret_dir, target_is_directory=True)
    monkeypatch.setattr(web_app, "STATIC", static)
    targets = ["/static/leak.css", "/static/dir/secret.txt", "/static/dir/../leak.css",
               f"/static/{secret_dir}/secret.txt", f"/static/{secret_dir.as_posix().replace('/', '%2F')}%2Fsecret.txt",
               "/static/%2Fetc%2Fpasswd", "/static/%5Cetc%5Cpasswd", "/static/C:%5CWindows%5Cwin.ini",
               "/static/file:///etc/passwd", "http://127.0.0.1/static/../../../../etc/passwd",
               "/static/%2e%2e%5c%2e%2e%5csecurity.py", "/entities/..%2F..%2Fetc%2Fpasswd",
               "/entities/%2Fetc%2Fpasswd", "/api/articles/%2Fetc%2Fpasswd",
               f"/articles/a_0?span=0-1&path={secret_dir}/secret.txt", "/assets/briefing.css/..%2F..%2Fapp.py"]
    with serve(create_app(web_config(writable_db))) as (_, port):
        assert raw_status(port, "/static/site.css")[0] == 200
        for target in targets:
            status, body = raw_status(port, target)
            assert status in (400, 404, 422), (target, status)
            assert b"cw-secret-contents" not in body and b"root:" not in body
            assert b"def create_app" not in body


@pytest.mark.parametrize("name", ["../../escape.txt", "/etc/cw-passwd.txt", "..\\..\\win.txt",
                                  "C:\\Windows\\System32\\drivers.txt", "%2e%2e%2fenc.txt",
                                  "....//....//dots.txt", ".hidden.txt", "sub/../../up.txt"])
def test_upload_names_stay_inside_the_upload_folder(writable_db: Path, name: str) -> None:
    with TestClient(create_app(web_config(writable_db))) as client:
        response = client.post("/api/ingest/upload", headers={"Authorization": f"Bearer {TOKEN}"},
                               files={"files": (name, ARTICLE.encode(), "text/plain")})
        assert response.status_code == 202, response.text
        assert client.app.state.jobs.wait(120)  # type: ignore[attr-defined]
    uploads = writable_db.parent / f"{writable_db.name}.uploads"
    files = [p for p in writable_db.parent.rglob("*") if p.is_file()]
    stored = [p for p in files if uploads in p.parents]
    assert len(stored) == 1 and stored[0].parent.parent == uploads
    assert not stored[0].name.startswith(".") and re.fullmatch(r"[A-Za-z0-9._-]+", stored[0].name)
    assert all(p == stored[0] or p.name.startswith(writable_db.name) for p in files)


# --------------------------------------------------------------------------- uploads

def stored_files(db: Path) -> list[Path]:
    folder = db.parent / f"{db.name}.uploads"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize("files", [
    [("big.txt", b"word " * 1000)],  # over the cap alone
    [("one.txt", b"first words " * 300), ("two.txt", b"second words " * 300)],  # together
], ids=["one file", "two files together"])
def test_oversized_upload_is_refused_and_nothing_stored(writable_db: Path, files: list[tuple[str, bytes]]) -> None:
    with TestClient(create_app(web_config(writable_db, max_upload_bytes=4000))) as client:
        before = client.get("/api/stories").json()["total"]
        for path in ("/api/ingest/upload", "/ingest/upload"):
            response = client.post(path, headers={"Authorization": f"Bearer {TOKEN}"},
                                   files=[("files", (n, d, "text/plain")) for n, d in files])
            assert response.status_code == 413, response.text
            assert "size limit" in response.text and "4000" in response.text
        assert client.get("/api/jobs").json()["jobs"] == []
        assert client.get("/api/stories").json()["total"] == before
    assert stored_files(writable_db) == []


def test_a_refused_file_refuses_the_whole_upload(writable_db: Path) -> None:
    with TestClient(create_app(web_config(writable_db))) as client:
        response = client.post("/api/ingest/upload", headers={"Authorization": f"Bearer {TOKEN}"},
                               files=[("files", ("good.txt", ARTICLE.encode(), "text/plain")),
                                      ("files", ("tool.txt", b"\x7fELF\x02\x01" + bytes(300), "text/plain"))])
        assert response.status_code == 415 and "tool.txt" in response.json()["detail"]
        assert client.get("/api/jobs").json()["jobs"] == []
    assert stored_files(writable_db) == []


def test_binary_disguised_as_text_becomes_a_skipped_record(writable_db: Path) -> None:
    # Text for the first 4 kB (what the upload check reads), then binary: the reader, which
    # looks further, refuses it; the batch goes on.
    disguised = (b"Harbour notes, nothing to see.\n" * 140)[:4096] + bytes(range(256)) * 8
    with TestClient(create_app(web_config(writable_db))) as client:
        response = client.post("/api/ingest/upload", headers={"Authorization": f"Bearer {TOKEN}"},
                               files=[("files", ("notes.txt", disguised, "text/plain")),
                                      ("files", ("pilots.txt", ARTICLE.encode(), "text/plain"))])
        assert response.status_code == 202, response.text
        assert client.app.state.jobs.wait(120)  # type: ignore[attr-defined]
        job = client.get(f"/api/jobs/{response.json()['id']}").json()
    assert job["status"] == "done", job
    assert job["articles"] == 1 and job["new_articles"] == 1
    assert [(s["source"].rsplit("/", 1)[-1], s["stage"]) for s in job["skipped"]] == [("notes.txt", "ingest")]
    assert "binary" in job["skipped"][0]["reason"]
    assert str(writable_db.parent) not in json.dumps(job)  # server paths stay hidden
