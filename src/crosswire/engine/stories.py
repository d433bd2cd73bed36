"""Cross-source stage: ParsedArticles -> Stories (provenance, clustering, alignment).

Until clustering lands (issue 4), every run is one story holding all of its English
articles; the briefing JSON is complete in shape and its story fields are empty lists.
"""

from __future__ import annotations

from ..config import Config
from ..records import ParsedArticle, Story
from ..store import Store


def build_stories(parsed: list[ParsedArticle], config: Config, store: Store) -> list[Story]:
    members = [p for p in parsed if p.article.is_english] or parsed
    if not members:
        return []
    ids = tuple(p.id for p in members)
    titles = [p.article.title for p in members if p.article.title]
    story = Story(id=Story.make_id(ids), title=titles[0] if titles else None, article_ids=ids,
                  independent_sources=len({p.article.outlet or p.id for p in members}))
    store.save_stories([story])
    return [story]
