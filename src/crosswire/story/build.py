"""Making one story: :class:`StoryJob` -> Story.

From its members and the derivation edges between them: source families (independent
sources), title, story-level entities, aligned claims with their conflicts, and the summary.
A job holds everything it needs, so any engine can make it anywhere: in this process, in a
worker process (engine/workers.py), on a Spark executor (engine/spark_stories.py).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from ..config import Config
from ..embed import CachedEmbedder, Embedder
from ..errors import CrosswireError
from ..records import Article, Derivation, ParsedArticle, Story
from . import credits, lineage, similarity
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
        if story.title is None and story.summary:
            # No article has a headline: the sentence that best sums the story up.
            story = dataclasses.replace(story, title=story.summary[0].sentence)
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
    """A headline of one of the story's articles: of an original (no parent in the story),
    of the biggest family, then the earliest. Only what reads as a headline counts (see
    :func:`headline`); None when no article has one."""
    children = {e.child for e in edges}
    size = Counter(families.values())
    heads = {a: h for a in order if (h := headline(articles[a]))}
    titled = [a for a in order if a in heads and a not in children] or list(heads)
    titled.sort(key=lambda a: -size[families[a]])
    return heads[titled[0]] if titled else None


# " | Site name", " - Site name", " — Site": a page title's site suffix.
_SITE_SUFFIX = re.compile(r"\s+[|•·–—-]\s+([^|•·–—-]{2,60})$")
_WELCOME = re.compile(r"^\s*(?:welcome(?: back)? to|home(?:page)?\b)", re.IGNORECASE)


def headline(article: Article) -> str | None:
    """The article's title as a story headline: without a page title's site suffix, and
    None when what is left is not a headline (a site or outlet name, a welcome banner, a
    word or two)."""
    text = " ".join((article.title or "").split())
    outlet = credits.outlet_keys(article)
    if (m := _SITE_SUFFIX.search(text)) and credits.name_keys(m.group(1)) & outlet:
        text = text[:m.start()]
    if (len(text.split()) < 3 or _WELCOME.match(text) or credits.name_keys(text) & outlet
            or text.isupper() and len(text.split()) <= 5):
        return None
    return text


def claim_texts(members: list[ParsedArticle]) -> list[str]:
    """The claims that aligning a story of these articles compares (families and entities
    change nothing of a claim's text)."""
    return similarity.claim_texts(units_of(members, dict.fromkeys((p.id for p in members), 0),
                                           {}))
