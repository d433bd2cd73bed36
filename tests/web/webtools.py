"""Shared bits of the web tests: the write token, the config over a test store, the live
server handle."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
