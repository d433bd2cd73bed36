"""Fixtures for the briefing and web tests: one fictional store per session (fictional.py),
a TestClient over it and a live uvicorn server on 127.0.0.1 for the browser tests."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from crosswire.web import create_app
from fictional import build_store
from webtools import Live, web_config


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(store path, story ids by name) of the fictional store; tests must not write to it."""
    path = tmp_path_factory.mktemp("web") / "fictional.db"
    return path, build_store(path)


@pytest.fixture(scope="session")
def client(web_store: tuple[Path, dict[str, str]]) -> Iterator[TestClient]:
    """Read-only client over the shared fictional store."""
    with TestClient(create_app(web_config(web_store[0]))) as c:
        yield c


@pytest.fixture
def writable_db(web_store: tuple[Path, dict[str, str]], tmp_path: Path) -> Path:
    """A private copy of the fictional store, for tests that ingest."""
    target = tmp_path / "copy.db"
    # The SQLite backup API, not a file copy: the source may hold pages in its WAL.
    with sqlite3.connect(web_store[0]) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.fixture(scope="session")
def live_server(web_store: tuple[Path, dict[str, str]]) -> Iterator[Live]:
    """uvicorn in a thread on a free port of 127.0.0.1, over the fictional store."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(web_config(web_store[0]))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test web server did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", port, web_store[1])
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
