"""Fixtures for the briefing and web tests: one fictional store per session (fictional.py),
a TestClient over it and a live uvicorn server on 127.0.0.1 for the browser tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crosswire.web import create_app
from fictional import build_store
from webtools import CHROMIUM, Live, serve, web_config


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
    with serve(create_app(web_config(web_store[0]))) as (base, port):
        yield Live(base, port, web_store[1])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless chromium driven by Playwright (the browser tests skip without it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        yield b
        b.close()
