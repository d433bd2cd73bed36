"""Fixtures for the briefing and web tests: one fictional store per session (fictional.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fictional import build_store


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(store path, story ids by name) of the fictional store; tests must not write to it."""
    path = tmp_path_factory.mktemp("web") / "fictional.db"
    return path, build_store(path)
