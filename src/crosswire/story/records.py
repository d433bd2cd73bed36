"""The records that pass between the cross-source steps (frozen, typed, never tuples).

- :class:`Features`: what placement and lineage know of one article without its parse
  (document vector, salient terms, MinHash), computed once and stored with the article's
  place so later runs compare without recomputing;
- :class:`Placement`: where a run's new articles went, and every touched story's members;
- :class:`StoryJob`: everything needed to make one story, so any engine can make it anywhere
  (in this process, in a worker process, on a Spark executor).

The records of the pipeline's public output (Story, Derivation, AlignedClaim, ...) are in
``crosswire.records``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..records import Article, Derivation, ParsedArticle
from .cluster import Assignment


@dataclass(frozen=True, slots=True)
class Features:
    """One article as placement and lineage blocking see it."""

    id: str
    day: int | None  # proleptic ordinal of its publication day, None when undated
    vector: np.ndarray = field(compare=False)  # document vector (title and lead), unit length
    terms: frozenset[str] = frozenset()  # salient names
    signature: bytes = b""  # MinHash values (uint64) of its unquoted shingles
    days: frozenset[int] = frozenset()  # earlier days its title and lead report on


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a run's new articles went, as story keys (a stored story id, or
    ``new:<article id>`` for a story the run started)."""

    fresh: tuple[Features, ...]  # this run's new articles
    assignment: Assignment
    full: Mapping[str, tuple[str, ...]]  # every touched story's members: stored and new
    gone: frozenset[str]  # stored stories left without members
    members: Mapping[str, Features]  # the window's stored members and this run's, by id
    stored_story: Mapping[str, str] = field(default_factory=dict)  # window member -> story
    history: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # key -> events

    def keys(self) -> dict[str, str]:
        """Article id -> the story key it is in after placement, for every article of the
        window and of this run."""
        return {**self.stored_story, **self.story_key()}

    def story_key(self) -> dict[str, str]:
        """Article id -> the key of the touched story it is in."""
        return {a: k for k, ids in self.full.items() for a in ids}

    def touched(self) -> list[str]:
        """The keys of the touched stories that still have members, in order."""
        return [k for k in sorted(self.full) if self.full[k]]


@dataclass(frozen=True, slots=True)
class StoryJob:
    """What making one story needs: its members (articles, and the parses at hand), the
    derivation edges between them and its stored history."""

    story_id: str
    article_ids: tuple[str, ...]
    articles: Mapping[str, Article]
    parsed: Mapping[str, ParsedArticle]
    edges: tuple[Derivation, ...] = ()
    history: tuple[str, ...] = ()

    def members(self) -> list[ParsedArticle]:
        """The parsed members in publication order (undated last)."""
        return [self.parsed[a] for a in chronological(self.article_ids, self.articles)
                if a in self.parsed]


def chronological(article_ids: tuple[str, ...] | list[str],
                  articles: Mapping[str, Article]) -> list[str]:
    """A story's articles in publication order (undated last)."""
    return sorted(article_ids, key=lambda a: (articles[a].published is None,
                                              articles[a].published or "", a))
