"""The cross-source stage over a store: a run's ParsedArticles -> Stories, continuing from
the stories earlier runs stored.

1. features (features.py): document vector, salient terms and MinHash of each new English
   article;
2. placement (placement.py): each new article joins a story of the stored time window or
   starts one; merges and splits go to the stories' history;
3. lineage (lineage.py): within every touched story, candidate pairs (shingle LSH, and each
   new article with its story's most similar members) judged sentence by sentence into
   derivation edges (copies, trims, rewrites, partial reuse, wire siblings); stored;
4. stories (build.py): one :class:`StoryJob` per touched story, made into a Story (families,
   title, entities, aligned claims and conflicts, summary) by the job mapper; saved.

The engines supply the collaborators: the ``embedder`` (the configured model, or one that
spreads large calls over worker processes) and the ``mapper`` that makes stories from jobs (in
this process, in worker processes); the Spark engine (engine/spark_stories.py) runs the same
steps with Spark jobs. Each step asks for every vector it will compare in one call before it
starts (documents, lineage sentences, claims), so a large call can be spread out.

Non-English articles are stored and parsed upstream; they get no story (the embeddings are
English-only), with a warning. A re-run on stored articles changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..config import AnalysisConfig, Config
from ..embed import CachedEmbedder, Embedder, load_embedder
from ..records import Derivation, ParsedArticle, Story
from ..store import Store
from . import lineage, placement
from .build import StoryMapper, make_stories
from .features import features
from .records import Placement, StoryJob, chronological

# Touched stories are made in groups of about this many articles: one call encodes a group's
# claims (enough to keep every worker process busy) and only one group's parses are held at
# a time.
_GROUP_ARTICLES = 500


def build_stories(parsed: list[ParsedArticle], config: Config, store: Store,
                  embedder: Embedder | None = None, mapper: StoryMapper | None = None) -> list[Story]:
    """Place the run's articles in stories (new or stored) and remake every touched story;
    return the stories of the run's English articles."""
    return [s for s in (store.story(sid) for sid in place_articles(parsed, config, store,
                                                                   embedder, mapper))
            if s is not None]


def place_articles(parsed: list[ParsedArticle], config: Config, store: Store,
                   embedder: Embedder | None = None, mapper: StoryMapper | None = None) -> list[str]:
    """:func:`build_stories`, returning the story ids only (a run in chunks loads each
    story once, after its last chunk). ``embedder``: the configured model
    (``analysis.embedding_model``) or one running it elsewhere; ``mapper``: makes stories
    from jobs (default: in this process)."""
    english = [p for p in parsed if p.article.is_english]
    placement.warn_not_placed([(p.article.source, p.article.language) for p in parsed
                               if not p.article.is_english])
    if not english:
        return []
    model = embedder or load_embedder(config.analysis.embedding_model)
    cached = CachedEmbedder(model, store)
    new_ids = placement.not_clustered([p.id for p in english], cached.name, store)
    new = sorted((p for p in english if p.id in new_ids), key=lambda p: p.id)
    if new:
        place(new, config, store, cached,
              mapper or (lambda jobs: make_stories(jobs, config, model)))
    return store.stories_of_articles([p.id for p in english])


def place(new: list[ParsedArticle], config: Config, store: Store, embedder: CachedEmbedder,
          mapper: StoryMapper) -> None:
    """Steps 1-4 for the run's new articles."""
    analysis = config.analysis
    docs = {p.id: lineage.make_doc(p, analysis.provenance_min_words) for p in new}
    fresh = features(new, embedder, analysis, docs)
    rows = placement.window_rows(fresh, config, embedder.name, store)
    placed = placement.assign(fresh, rows, config, store)
    edges, docs = derive_in_store(lineage_pairs(placed, analysis), docs, config, store, embedder)
    placed = placement.join(placed, joining(edges, docs, placed, analysis), store)
    ids = placement.story_ids(placed, store)
    at_hand = {p.id: p for p in new}
    stories = [story for group in story_jobs(placed.touched(), ids, placed, store, at_hand)
               for story in mapper(group)]
    placement.save(placed, stories, store, embedder.name)


def lineage_pairs(placed: Placement, analysis: AnalysisConfig,
                  lsh: set[tuple[str, str]] | None = None) -> set[tuple[str, str]]:
    """The pairs lineage judges: each new article with every article of the window sharing
    enough shingles (MinHash LSH; ``lsh``: found elsewhere, by the Spark engine's join), in
    its story or not, and with its story's most similar members (rewrites share facts but
    few shingles). Looking for rewrites beyond the story by document vectors found none more
    on crossnews/dev and cost 14% of the stage on the benchmark corpus."""
    story_key = placed.story_key()
    if lsh is None:
        signatures = {a: s for a, f in placed.members.items()
                      if (s := lineage.signature_from_bytes(f.signature, analysis.minhash_perm))}
        lsh = lineage.candidate_pairs([f.id for f in placed.fresh], signatures, analysis)
    pairs = set(lsh)
    for f in placed.fresh:
        same = [placed.members[a] for a in placed.full[story_key[f.id]]
                if a != f.id and a in placed.members]
        same.sort(key=lambda o: (-float(o.vector @ f.vector), o.id))
        pairs |= {tuple(sorted((f.id, o.id))) for o in same[:analysis.provenance_neighbours]}  # type: ignore[misc]
    return pairs


def joining(edges: list[Derivation], docs: dict[str, lineage.Doc], placed: Placement,
            analysis: AnalysisConfig) -> list[tuple[str, str, str]]:
    """The edges that join two stories placement kept apart: one text in both (see
    ``lineage.one_story``), as (parent, child, why) links. An article linked so to two or
    more other stories is a roundup of several stories and joins none of them."""
    key_of = placed.keys()
    links = [e for e in edges if key_of.get(e.parent) != key_of.get(e.child)
             and lineage.one_story(e, docs, analysis.join_share)]
    foreign: dict[str, set[str | None]] = {}
    for e in links:
        foreign.setdefault(e.parent, set()).add(key_of.get(e.child))
        foreign.setdefault(e.child, set()).add(key_of.get(e.parent))
    return [(e.parent, e.child, f"article {e.child} is a {e.kind} of article {e.parent}")
            for e in links if len(foreign[e.parent]) == 1 and len(foreign[e.child]) == 1]


def derive_in_store(pairs: set[tuple[str, str]], docs: dict[str, lineage.Doc], config: Config,
                    store: Store, embedder: Embedder
                    ) -> tuple[list[Derivation], dict[str, lineage.Doc]]:
    """Lineage over ``pairs`` (``docs``: this run's articles; stored ones are read), judged
    against the stored edges, which the result replaces; the edges and every article's
    doc."""
    analysis = config.analysis
    involved = sorted({a for pair in pairs for a in pair})
    old = store.parsed_any([a for a in involved if a not in docs])
    docs = docs | {a: lineage.make_doc(p, analysis.provenance_min_words) for a, p in old.items()}
    known = [e for e in store.derivations_touching(involved) if e.child in docs]
    edges = derive(docs, pairs, embedder, analysis, known)
    store.replace_derivations([a for a in involved if a in docs], edges)
    return edges, docs


def derive(docs: dict[str, lineage.Doc], pairs: set[tuple[str, str]], embedder: Embedder,
           analysis: AnalysisConfig, known: list[Derivation] | None = None) -> list[Derivation]:
    """lineage.derive, every sentence vector judging the pairs may compare asked for first,
    in one call."""
    involved = sorted({a for pair in pairs for a in pair})
    embedder.encode([t for a in involved if a in docs for t in lineage.unit_texts(docs[a])])
    return lineage.derive(docs, pairs, embedder, analysis, known or [])


def story_jobs(keys: list[str], ids: dict[str, str], placed: Placement, store: Store,
               at_hand: dict[str, ParsedArticle] | None = None) -> Iterator[list[StoryJob]]:
    """The jobs of the touched stories ``keys`` (saved under ``ids``), a group of stories at
    a time. ``at_hand``: parsed articles already in memory (this run's), not read back."""
    at_hand = at_hand or {}
    for group in _groups(keys, placed):
        wanted = sorted({a for k in group for a in placed.full[k]})
        parsed = {a: at_hand[a] for a in wanted if a in at_hand}
        parsed |= store.parsed_any([a for a in wanted if a not in at_hand])
        yield [story_job(key, ids[key], placed, store, parsed) for key in group]


def story_job(key: str, story_id: str, placed: Placement, store: Store,
              parsed: dict[str, ParsedArticle]) -> StoryJob:
    """What making a touched story needs, read from the store (its articles, stored history
    and edges)."""
    article_ids = placed.full[key]
    stored = None if key.startswith("new:") else store.story(key)
    articles = {a.id: a for a in store.articles(article_ids)}
    edges = tuple(e for e in store.derivations_touching(chronological(article_ids, articles))
                  if e.parent in articles and e.child in articles)
    history = (stored.history if stored else ()) + tuple(placed.history.get(key, ()))
    return StoryJob(story_id=story_id, article_ids=tuple(article_ids), articles=articles,
                    parsed={a: parsed[a] for a in article_ids if a in parsed}, edges=edges,
                    history=history)


def _groups(keys: list[str], placed: Placement) -> Iterator[list[str]]:
    """The story keys in order, in groups of about ``_GROUP_ARTICLES`` articles."""
    group: list[str] = []
    size = 0
    for key in keys:
        group.append(key)
        size += len(placed.full[key])
        if size >= _GROUP_ARTICLES:
            yield group
            group, size = [], 0
    if group:
        yield group
