"""Watching feeds: poll RSS/Atom URLs on an interval and yield the items not seen before.

Conditional GET (ETag / Last-Modified, remembered in the store) means an unchanged feed
costs one 304; items already stored (by their source key) are not fetched again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from ..config import Config
from ..errors import CrosswireError
from ..records import RawDocument, Skipped
from ..store import Store
from .fetch import Fetcher
from .readers import feed_entries, read_feed


def poll_once(feed_url: str, config: Config, store: Store, fetcher: Fetcher) -> Iterator[RawDocument | Skipped]:
    """New items of one feed since the last poll."""
    state = store.feed_state(feed_url)
    try:
        resp = fetcher.get(feed_url, etag=state["etag"] if state else None,
                           last_modified=state["last_modified"] if state else None)
    except CrosswireError as exc:
        yield Skipped(feed_url, "fetch", str(exc))
        return
    if resp.not_modified:
        store.save_feed_state(feed_url, resp.etag or (state["etag"] if state else None),
                              resp.last_modified or (state["last_modified"] if state else None))
        return
    try:
        entries, _ = feed_entries(resp.body, feed_url)
    except CrosswireError as exc:
        yield Skipped(feed_url, "ingest", str(exc))
        return
    seen = {key for entry in entries
            if (key := entry.get("id") or entry.get("link") or entry.get("title") or "")
            and (store.has_source(f"{feed_url}#{key}") or store.has_source(entry.get("link") or ""))}
    yield from read_feed(resp.body, feed_url, config, fetcher, base_url=resp.url, seen=seen)
    store.save_feed_state(feed_url, resp.etag, resp.last_modified)


def watch(feed_urls: list[str], config: Config, store: Store, fetcher: Fetcher,
          handle: Callable[[list[RawDocument | Skipped]], None], interval_s: float = 300.0,
          rounds: int | None = None, sleep: Callable[[float], None] = time.sleep) -> int:
    """Poll every feed each ``interval_s`` seconds; pass each round's new items to
    ``handle``. Stops after ``rounds`` rounds (None: forever). Returns the items handled."""
    handled = 0
    done = 0
    while rounds is None or done < rounds:
        items: list[RawDocument | Skipped] = []
        for url in feed_urls:
            items.extend(poll_once(url, config, store, fetcher))
        if items:
            handle(items)
            handled += len(items)
        done += 1
        if rounds is None or done < rounds:
            sleep(interval_s)
    return handled
