"""crosswire: cross-check every source of a news story.

Library API (the CLI mirrors it): :func:`analyze`, :func:`ingest`, :class:`Config`,
:class:`Store`. Stages live one per module; see the README's map.
"""

from .api import analyze, ingest
from .config import Config
from .store import Store

__all__ = ["Config", "Store", "analyze", "ingest"]
__version__ = "0.1.0"
