"""Shared fixtures: a config on a temporary store, a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crosswire.config import Config

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
# The corpus's article inputs (the folder also holds its README, scripts and ground truth).
CORPUS_INPUTS = [str(CORPUS / part) for part in ("txt", "html", "jsonl", "feeds", "warc")]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    # Tests fetch only from their own server on 127.0.0.1, with no politeness delay.
    return Config().replace(db=tmp_path / "store.db", quiet=True).replace(
        "fetch", allow_private=True, per_host_interval_s=0.0, timeout_s=3.0, retries=0)


class Site:
    """Routes served by the local test server: path -> (status, headers, body) or a callable."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes] | Callable] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.base = ""

    def add(self, path: str, body: bytes | str, status: int = 200,
            content_type: str = "text/html; charset=utf-8", **headers: str) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, data)
        return self.base + path


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            state.requests.append((self.path, dict(self.headers)))
            route = state.routes.get(self.path)
            if callable(route):
                route = route(self)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            status, headers, body = route
            etag = headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
