"""Making one story: :class:`StoryJob` -> Story.

From its members and the derivation edges between them: source families (independent
sources), title, story-level entities, aligned claims with their conflicts, and the summary.
A job holds everything it needs, so any engine can make it anywhere: in this process, in a
worker process (engine/workers.py), on a Spark executor (engine/spark_stories.py).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from ..config import Config
from ..embed import CachedEmbedder, Embedder
from ..errors import CrosswireError
from ..records import Article, Derivation, ParsedArticle, Story
from . import lineage, similarity
from .alignment import align_story
from .entities import link_story
from .records import StoryJob, chronological
from .summary import summarize
from .units import units_of

log = logging.getLogger(__name__)

# Runs ``make_stories`` over jobs: in this process, in worker processes, on executors.
StoryMapper = Callable[[Sequence[StoryJob]], list[Story]]


def make_stories(jobs: Sequence[StoryJob], config: Config, model: Embedder) -> list[Story]:
    """The stories of ``jobs``, in order. Every claim vector their alignment compares is
    asked of ``model`` in one call first (the vectors stay in this call's memory, never in the
    store: there are many times more claims than articles)."""
    embedder = CachedEmbedder(model)
    embedder.encode([t for job in jobs if len(job.parsed) > 1 for t in claim_texts(job.members())])
    return [make_story(job, config, embedder) for job in jobs]


def make_story(job: StoryJob, config: Config, embedder: Embedder) -> Story:
    """One story from its job: :func:`outline`, then entities, aligned claims and the
    summary. A step that fails on the story leaves it without that step's output, with a
    warning."""
    story = outline(job)
    members = job.members()
    try:
        story = dataclasses.replace(story, entities=link_story(members))
        story = align_story(story, members, list(story.derivations), config, embedder)
        story = dataclasses.replace(story, summary=summarize(story, members, config.brief))
    except CrosswireError as exc:
        log.warning("story %s: %s", story.id, exc)
    return story


def outline(job: StoryJob) -> Story:
    """What placement and lineage alone say of a story: its articles in publication order,
    its derivations, independent sources (source families) and title."""
    order = chronological(job.article_ids, job.articles)
    edges = sorted(job.edges, key=lambda e: (e.parent, e.child))
    families = lineage.families(order, edges)
    return Story(id=job.story_id, title=title(order, job.articles, families, edges),
                 article_ids=tuple(order), independent_sources=len(set(families.values())),
                 derivations=tuple(edges), history=job.history)


def title(order: list[str], articles: Mapping[str, Article], families: dict[str, int],
          edges: Sequence[Derivation]) -> str | None:
    """The headline of an original (no parent in the story) of the biggest family, then the
    earliest."""
    children = {e.child for e in edges}
    size = Counter(families.values())
    titled = [a for a in order if a not in children and articles[a].title] or \
        [a for a in order if articles[a].title]
    titled.sort(key=lambda a: -size[families[a]])
    return articles[titled[0]].title if titled else None


def claim_texts(members: list[ParsedArticle]) -> list[str]:
    """The claims that aligning a story of these articles compares (families and entities
    change nothing of a claim's text)."""
    return similarity.claim_texts(units_of(members, dict.fromkeys((p.id for p in members), 0),
                                           {}))
