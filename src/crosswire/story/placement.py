"""Placement: a run's new :class:`Features` + the stored time window -> :class:`Placement`.

The clusterer (cluster.py) places each new article in a story of the articles stored around
its day, or starts one; merges and splits go to the stories' history. Placement then works
out every touched story's full membership (stored members outside the window included), the
id each touched story is saved under, and, after the stories are made, saves them with the
new articles' features so the next run continues from them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np

from ..config import Config
from ..records import Story, content_id
from ..store import Store
from .cluster import Clusterer, Member
from .features import day_of
from .records import Features, Placement

log = logging.getLogger(__name__)


def warn_not_placed(others: list[tuple[str, str | None]]) -> None:
    """Say which articles (source, language) get no story: they are not in English."""
    if others:
        # One line for the lot: a crawl holds thousands (each article stays marked in the store).
        languages = Counter(language or "unknown" for _, language in others)
        log.warning("%s: not placed in a story: %s and story clustering uses English-only "
                    "embeddings", others[0][0] if len(others) == 1 else f"{len(others)} articles",
                    ", ".join(f"{n} in {lang}" for lang, n in languages.most_common()))


def not_clustered(article_ids: list[str], model: str, store: Store) -> set[str]:
    """The articles no earlier run placed (with this embedding model)."""
    clustered = {row["article_id"] for row in store.cluster_members(model, article_ids=article_ids)}
    return {a for a in article_ids if a not in clustered}


def window_rows(fresh: list[Features], config: Config, model: str, store: Store) -> list:
    """Stored ``cluster_members`` rows within ``cluster_horizon_days`` of the run's days (not
    this run's articles)."""
    ids = {f.id for f in fresh}
    return [r for r in _window_rows(fresh, config.analysis.cluster_horizon_days, model, store)
            if r["article_id"] not in ids]


def stored_features(rows: Iterable) -> list[tuple[Features, str | None]]:
    """Features of stored ``cluster_members`` rows, each with its story id (or None)."""
    return [(Features(id=r["article_id"], day=day_of(r["day"]),
                      vector=np.frombuffer(r["vector"], dtype=np.float32),
                      terms=frozenset(json.loads(r["terms"])), signature=bytes(r["minhash"] or b""),
                      days=frozenset(d for d in map(day_of, json.loads(r["days"]))
                                     if d is not None)),
             r["story_id"]) for r in rows]


def members_of(features: Iterable[tuple[Features, str | None]]) -> list[Member]:
    """Clustering members (mutable: the clusterer moves them between stories)."""
    return [Member(f.id, f.day, f.vector, f.terms, story, f.days) for f, story in features]


def assign(fresh: list[Features], rows: list, config: Config, store: Store,
           near: dict[str, set[str]] | None = None) -> Placement:
    """Cluster the run's new articles among the window's stored ``rows`` and work out the
    full membership of every touched story. ``near``: each new article's candidate neighbours
    when they were found elsewhere (the Spark engine's blocking); else the clusterer finds
    them."""
    stored = stored_features(rows)
    pool = members_of(stored)
    stored_story = {f.id: story for f, story in stored if story}
    assignment = Clusterer(config.analysis).assign(members_of((f, None) for f in fresh), pool, near)

    # Full membership of every touched story: stored members (also those outside the time
    # window) plus this run's placements and merges.
    stored_keys = {k for k in [*assignment.story_of.values(),
                               *(x for pair in assignment.merges for x in pair)]
                   if not k.startswith("new:")}
    # A stored article that moved leaves its old story, which must be rebuilt (or deleted).
    stored_keys |= {stored_story[a] for a in assignment.story_of if a in stored_story}
    full: dict[str, list[str]] = {k: list(v) for k, v in store.story_members(sorted(stored_keys)).items()}
    for drop, keep in assignment.merges:
        full.setdefault(keep, []).extend(full.pop(drop, []))
    for article_id, key in assignment.story_of.items():
        for ids in full.values():
            if article_id in ids:
                ids.remove(article_id)
        full.setdefault(key, []).append(article_id)
    gone = frozenset(k for k in stored_keys if not full.get(k))
    return Placement(fresh=tuple(fresh), assignment=assignment,
                     full={k: tuple(v) for k, v in full.items()}, gone=gone,
                     members={f.id: f for f in [*(f for f, _ in stored), *fresh]},
                     stored_story=stored_story,
                     history={k: tuple(v) for k, v in assignment.history.items()})


def join(placed: Placement, links: list[tuple[str, str, str]], store: Store) -> Placement:
    """Placement with the stories of linked articles joined: ``links`` are (article, article,
    why) pairs lineage found to be one text (a copy, a rewrite, one wire story), which makes
    them one story whatever their vectors said. A stored story is kept over a new one, the
    larger over the smaller; the join is recorded in the kept story's history."""
    full = {k: list(v) for k, v in placed.full.items()}
    gone = set(placed.gone)
    history = {k: list(v) for k, v in placed.history.items()}

    def key_of(article_id: str) -> str | None:
        return next((k for k, ids in full.items() if article_id in ids),
                    placed.stored_story.get(article_id))

    for a, b, why in links:
        ka, kb = key_of(a), key_of(b)
        if ka is None or kb is None or ka == kb:
            continue
        for key in (ka, kb):
            if key not in full:  # a stored story this run had not touched
                full[key] = store.story_members([key])[key]
        rank = {k: (k.startswith("new:"), -len(full[k]), k) for k in (ka, kb)}
        keep, drop = (ka, kb) if rank[ka] <= rank[kb] else (kb, ka)
        full[keep] += full.pop(drop)
        joined = "joined by lineage" if drop.startswith("new:") else \
            f"joined with story {drop} by lineage"
        history.setdefault(keep, []).append(f"{joined}: {why}")
        history.setdefault(keep, []).extend(history.pop(drop, []))
        if not drop.startswith("new:"):
            gone.add(drop)
    return dataclasses.replace(placed, full={k: tuple(v) for k, v in full.items()},
                               gone=frozenset(gone),
                               history={k: tuple(v) for k, v in history.items()})


def story_ids(placement: Placement, store: Store) -> dict[str, str]:
    """The id each touched story is saved under, by story key (a new story takes the id of
    its earliest member unless a stored story or an earlier one of this run holds it)."""
    full = placement.full
    ids_in_use = {k for k in full if not k.startswith("new:")}
    out: dict[str, str] = {}
    for key in placement.touched():
        if not key.startswith("new:") and store.story(key) is not None:
            story_id = key
        else:
            story_id = Story.make_id(list(full[key]))
            # Taken by a story of this run (a split-off article gave its old story its id) or
            # by any stored story: saving would overwrite that story and lose its other members.
            if story_id in ids_in_use or store.story(story_id) is not None:
                story_id = content_id("s", *sorted(full[key]))
        ids_in_use.add(story_id)
        out[key] = story_id
    return out


def save(placement: Placement, stories: list[Story], store: Store, model: str) -> None:
    """Save the made stories and the new articles' features; drop emptied stories, each
    redirected to the saved story that holds most of its former members."""
    saved_in = {a: s.id for s in stories for a in s.article_ids}
    into = {}
    for gone, former in store.story_members(sorted(placement.gone)).items():
        went = Counter(saved_in[a] for a in former if a in saved_in)
        if went:
            into[gone] = min(went, key=lambda sid: (-went[sid], sid))
    store.delete_stories(sorted(placement.gone), into)
    store.save_stories(stories)
    store.save_cluster_members(_member_rows(placement, model))


def _window_rows(fresh: list[Features], window: int, model: str, store: Store) -> list:
    days = [f.day for f in fresh if f.day is not None]
    if not days:
        # An undated run is compared with the most recent stored days.
        last = day_of(store.last_cluster_day(model))
        if last is None:
            return store.cluster_members(model, "", "")
        days = [last]
    first = date.fromordinal(min(days)) - timedelta(days=window)
    last_day = date.fromordinal(max(days)) + timedelta(days=window)
    return store.cluster_members(model, first.isoformat(), last_day.isoformat())


def _member_rows(placement: Placement, model: str) -> list[tuple]:
    members, key_of = placement.members, placement.story_key()
    rows = []
    for f in placement.fresh:
        day = f.day
        if day is None:
            # Undated: placed at its story's latest dated day, so later windows find it.
            days = [members[a].day for a in placement.full[key_of[f.id]]
                    if a in members and members[a].day is not None]
            day = max(days) if days else None  # type: ignore[type-var]
        rows.append((f.id, model, date.fromordinal(day).isoformat() if day else None,
                     np.asarray(f.vector, dtype=np.float32).tobytes(), json.dumps(sorted(f.terms)),
                     f.signature,
                     json.dumps([date.fromordinal(d).isoformat() for d in sorted(f.days)])))
    return rows
