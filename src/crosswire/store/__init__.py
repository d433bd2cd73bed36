"""SQLite article store (see db.py)."""

from .db import Store, connect

__all__ = ["Store", "connect"]
