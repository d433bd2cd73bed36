"""Ingestion: every input format an analyst has, as RawDocument records.

``read_paths`` takes files, folders and URLs; ``watch`` polls feeds. Formats: plain text,
HTML, JSON / JSON Lines, RSS/Atom (files and URLs, following item links), WARC / WARC.gz.
"""

from .fetch import Fetcher, Response
from .readers import JSON_FIELDS, read_feed, read_file, read_paths

__all__ = ["Fetcher", "Response", "JSON_FIELDS", "read_feed", "read_file", "read_paths"]
