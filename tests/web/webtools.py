"""Shared bits of the web tests: the write token, the config over a test store, a live
server on 127.0.0.1 and its handle, and what the browser tests share (screenshots, the
accessibility check, the sideways-scroll check)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from crosswire.config import Config

TOKEN = "correct-horse-battery-staple-7"


def web_config(db: Path, **web: object) -> Config:
    return Config().replace(db=db, quiet=True).replace("web", **{"token": TOKEN, **web})


@dataclass
class Live:
    """A uvicorn server of the test session on 127.0.0.1."""

    base: str
    port: int
    ids: dict[str, str]


@contextmanager
def serve(app: Any, log_level: str = "warning") -> Iterator[tuple[str, int]]:
    """uvicorn serving ``app`` in a thread on a free port of 127.0.0.1: (base URL, port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# axe-core, installed by `make install` from npm (pinned there); never fetched by a test.
AXE = Path(__file__).resolve().parents[2] / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def shot(page: Any, name: str, full: bool = False) -> None:
    """A screenshot of the page under test-artifacts/ (looked at, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def sideways(page: Any) -> int:
    """How far the page scrolls sideways (0 when it fits its window)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def axe_violations(page: Any) -> list[str]:
    """The WCAG 2.1 A/AA rules the page breaks, by axe-core (the context must bypass the
    page's CSP, which forbids the injected script): "rule (impact): first targets"."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => v.id + ' (' + v.impact + '): '"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))", WCAG)
