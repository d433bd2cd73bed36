"""Web security: hostile article data stays inert on every page, security headers, the write
token, upload limits and type checks, and no path traversal in any file route."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from webtools import TOKEN, Live, web_config
from crosswire.web import create_app
from fictional import ATTR, CLOSE, CSS, IMG, SCRIPT, SVG
from htmlcheck import unsafe

APP_JS = {"/static/app.js"}
PAYLOADS = (SCRIPT, SVG, IMG, CLOSE, CSS, "onmouseover=\"alert")

ARTICLE = ("Harbour pilots in the town of Vessby refused night shifts on Thursday, saying the new "
           "radar had failed twice in a week.\n\nThe port office said a technician would arrive "
           "from Orla on Friday. \"We will not guide tankers blind,\" said pilot Ada Lindqvist.\n")


def hostile_pages(client: TestClient, story_id: str) -> list[str]:
    document = client.get(f"/api/stories/{story_id}").json()
    claim = document["stories"][0]["claims"][0]["id"]
    pages = [f"/stories/{story_id}", f"/stories/{story_id}?claim={claim}", "/stories",
             "/stories?q=council", "/entities", "/api/entities"]
    pages += [f"/articles/{a['id']}?span=0-20" for a in document["articles"]]
    pages += [e["url"] for e in client.get("/api/entities").json()["entities"]]
    return pages


def test_hostile_article_data_is_inert_on_every_page(client: TestClient, web_store: tuple) -> None:
    for path in hostile_pages(client, web_store[1]["hostile"]):
        response = client.get(path)
        assert response.status_code == 200, path
        if not response.headers["content-type"].startswith("text/html"):
            continue
        html = response.text
        assert unsafe(html, allow_scripts=APP_JS) == [], path
        for payload in PAYLOADS:
            assert payload not in html, (path, payload)
    story = client.get(f"/stories/{web_store[1]['hostile']}").text
    assert "&lt;script&gt;alert(&#39;xss-script&#39;)&lt;/script&gt;" in story  # shown, as text
    # Payloads also reach the possible differences, figures by claimant and updates, as text.
    assert "<summary>1 possible difference" in story
    assert "Councillor &lt;img src=x onerror=alert(&#39;xss-img&#39;)&gt;</th>" in story
    assert '<td><span aria-hidden="true">→ </span><strong>&lt;img src=x' in story
    assert 'href="javascript' not in story.lower() and 'href="data:' not in story.lower()


def test_hostile_briefing_download_is_inert(client: TestClient, web_store: tuple) -> None:
    html = client.get(f"/stories/{web_store[1]['hostile']}/briefing.html").text
    assert unsafe(html) == []
    assert all(payload not in html for payload in PAYLOADS)


@pytest.mark.parametrize("path", ["/stories", "/api/stories", "/static/app.js", "/static/site.css",
                                  "/assets/briefing.css", "/openapi.json", "/stories/s_0000",
                                  "/api/stories/s_0000", "/ingest", "/entities"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client: TestClient, web_store: tuple) -> None:
    for path in ["/stories", f"/stories/{web_store[1]['ferry']}", "/entities", "/ingest",
                 "/entities/mira-castell", "/stories/s_0000"]:
        html = client.get(path).text
        assert unsafe(html, allow_scripts=APP_JS) == [], path
        assert "<style" not in html, path
        assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/app.js" defer>'], path


# --------------------------------------------------------------------------- writes

@pytest.fixture
def writer(writable_db: Path) -> Iterator[TestClient]:
    app = create_app(web_config(writable_db, max_upload_bytes=4000))
    with TestClient(app) as c:
        yield c


def upload(client: TestClient, name: str, data: bytes, token: str | None = None,
           bearer: str | None = None, path: str = "/api/ingest/upload"):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    form = {"token": token} if token else {}
    return client.post(path, files={"files": (name, data, "text/plain")}, data=form,
                       headers=headers, follow_redirects=False)


@pytest.mark.parametrize("token, bearer, status", [
    (None, None, 401), ("wrong", None, 401), (None, "wrong", 401), (TOKEN + "x", None, 401),
    (None, TOKEN[:-1], 401), ("", "", 401),
])
def test_writes_need_the_token(writer: TestClient, token: str | None, bearer: str | None,
                               status: int) -> None:
    response = upload(writer, "a.txt", ARTICLE.encode(), token, bearer)
    assert response.status_code == status
    assert "token" in response.json()["detail"]
    assert response.headers.get("www-authenticate") == "Bearer"
    feed = writer.post("/api/ingest/feed", data={"url": "https://feeds.example/rss",
                                                 **({"token": token} if token else {})})
    assert feed.status_code == status
    assert writer.get("/api/jobs").json()["jobs"] == []


def test_writes_are_disabled_without_a_configured_token(writable_db: Path) -> None:
    with TestClient(create_app(web_config(writable_db, token=None))) as c:
        response = upload(c, "a.txt", ARTICLE.encode(), bearer="anything")
        assert response.status_code == 403 and "disabled" in response.json()["detail"]
        assert "Ingest is disabled" in c.get("/ingest").text


def test_upload_with_token_is_analysed_in_the_background(writer: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    before = writer.get("/api/stories").json()["total"]
    response = upload(writer, "../../vessby pilots.txt", ARTICLE.encode(), bearer=TOKEN)
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["kind"] == "upload" and job["label"] == "vessby_pilots.txt"
    assert writer.app.state.jobs.wait(120)
    done = writer.get(f"/api/jobs/{job['id']}").json()
    assert done["status"] == "done", done
    assert done["articles"] == 1 and done["new_articles"] == 1 and done["story_ids"]
    assert writer.get("/api/stories").json()["total"] > before
    assert writer.get("/api/stories?q=radar").json()["total"] == 1
    # The file was kept inside the store's upload folder, under a harmless name.
    db = writer.app.state.config.db
    saved = list((db.parent / f"{db.name}.uploads").rglob("*"))
    assert [p.name for p in saved if p.is_file()] == ["vessby_pilots.txt"]
    # The same upload again is recognised: nothing new.
    again = upload(writer, "vessby pilots.txt", ARTICLE.encode(), token=TOKEN)
    writer.app.state.jobs.wait(60)
    assert writer.get(f"/api/jobs/{again.json()['id']}").json()["new_articles"] == 0
    # The token is never logged, nor echoed, nor kept in job records.
    assert TOKEN not in caplog.text
    assert TOKEN not in writer.get("/api/jobs").text and TOKEN not in writer.get("/ingest").text


def test_form_upload_redirects_to_the_job(writer: TestClient) -> None:
    response = upload(writer, "pilots.txt", ARTICLE.encode(), token=TOKEN, path="/ingest/upload")
    assert response.status_code == 303
    assert re.fullmatch(r"/ingest\?job=[0-9a-f]{12}", response.headers["location"])
    writer.app.state.jobs.wait(120)
    bad = upload(writer, "pilots.txt", ARTICLE.encode(), token="nope", path="/ingest/upload")
    assert bad.status_code == 401 and "<p class=\"error\" role=\"alert\">" in bad.text


@pytest.mark.parametrize("name, data, status", [
    ("big.txt", b"word " * 2000, 413),  # over the 4,000-byte limit
    ("tool.exe", b"MZ\x90\x00" + b"\x00" * 100, 415),
    ("notes.txt", b"\x00\x01\x02\x03binary" * 10, 415),
    ("page.pdf", b"%PDF-1.7 fake", 415),
    ("no-extension", b"plain words without a name", 415),
    ("empty.txt", b"", 415),
])
def test_uploads_are_size_limited_and_type_checked(writer: TestClient, name: str, data: bytes,
                                                   status: int) -> None:
    response = upload(writer, name, data, bearer=TOKEN)
    assert response.status_code == status, response.text
    assert writer.get("/api/jobs").json()["jobs"] == []


def test_body_limit_counts_bytes_not_the_declared_length(writer: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\n"
        for _ in range(200):
            yield b"y" * 1000  # 200 kB, never declared
    response = writer.post("/api/ingest/upload", content=chunks(),
                           headers={"Content-Type": "multipart/form-data; boundary=x",
                                    "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.example/",
                                 "not a url", "https://" + "a" * 2000])
def test_feed_urls_must_be_http(writer: TestClient, url: str) -> None:
    response = writer.post("/api/ingest/feed", data={"url": url}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422


def test_feed_fetching_keeps_the_ssrf_guard(writer: TestClient, site) -> None:  # type: ignore[no-untyped-def]
    # The server's own fetch settings apply: a private address is refused, not read.
    url = site.add("/feed.rss", "<rss><channel><title>x</title></channel></rss>",
                   content_type="application/rss+xml")
    response = writer.post("/api/ingest/feed", data={"url": url}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 202
    writer.app.state.jobs.wait(60)
    job = writer.get(f"/api/jobs/{response.json()['id']}").json()
    assert job["status"] == "done" and job["articles"] == 0
    assert job["skipped"] and "private" in job["skipped"][0]["reason"].lower()
    assert site.requests == []


# --------------------------------------------------------------------------- path traversal

def raw_get(live: Live, target: str) -> tuple[int, bytes]:
    """GET with the request target sent exactly as given (no client-side normalisation)."""
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                     .encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 400
    return status, data


@pytest.mark.parametrize("target", [
    "/static/../app.py", "/static/../../crosswire/config.py", "/static/%2e%2e/app.py",
    "/static/%2E%2E/%2E%2E/config.py", "/static/..%2fapp.py", "/static/%2e%2e%2fapp.py",
    "/static/..%5capp.py", "/static/%252e%252e/app.py", "/static/....//app.py",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/..;/app.py",
    "/static/app.js/../../app.py", "/static/%c0%ae%c0%ae/app.py", "/static/.%2e/app.py",
    "/assets/../web/app.py", "/assets/%2e%2e/web/app.py", "/stories/..%2f..%2fetc%2fpasswd",
    "/articles/..%2f..%2fetc%2fpasswd", "/stories/s_0/briefing.html/../../app.py",
    "/static/%00app.js", "/static/app.js%00.png",
])
def test_no_path_traversal(live_server: Live, target: str) -> None:
    status, body = raw_get(live_server, target)
    assert status in (400, 404, 422), (target, status)
    assert b"def create_app" not in body and b"root:" not in body and b"class Config" not in body


def test_static_files_are_served(live_server: Live) -> None:
    status, body = raw_get(live_server, "/static/app.js")
    assert status == 200 and b"setupClaims" in body
