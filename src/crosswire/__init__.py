"""crosswire: cross-check every source of a news story.

Library API (the CLI mirrors it): :func:`analyze`, :func:`ingest`, :class:`Config`,
:class:`Store`. Stages live one per module; see the README's map.
"""

from typing import Any

from .config import Config
from .store import Store

__all__ = ["Config", "Store", "analyze", "ingest"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The pipeline imports spaCy and torch (seconds); what only reads the store, such as
    # `crosswire skipped`, must not wait for them.
    if name in ("analyze", "ingest"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'crosswire' has no attribute {name!r}")
