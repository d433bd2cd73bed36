"""Cross-source stage: a run's ParsedArticles -> Stories, continuing from the store.

1. Features of the run's new English articles: document vector (title and lead), salient
   terms, MinHash of unquoted shingles; stored so later runs compare without recomputing.
2. Clustering (cluster.py) against the stored members of stories active in the time window:
   new articles join stories or start them; merges and splits go to ``Story.history``.
3. Provenance (provenance.py) within every touched story: candidate pairs from MinHash LSH
   and from the story's most similar members, judged sentence by sentence; edges stored.
4. Per touched story: independent sources (derivation components), title, story-level
   entities, claim alignment, summary; then saved.

Sentence embeddings are most of the stage's work. Each step asks for the vectors it will
compare in one call before it starts (documents; the sentences of the articles in provenance
pairs; the claims of the stories with two articles or more), through the same functions that
give the texts when they are compared, so no text is encoded twice and a large call can be
spread over worker processes (``encoder``: the local engine's); the comparisons then find
their vectors in the cache.

Non-English articles are stored and parsed-as-skipped upstream; they get no story (the
embeddings are English-only), with a warning. A re-run on stored articles changes nothing.

Each step is a function of its own (``window_rows``, ``assign``, ``provenance_pairs``,
``derive_in_store``, ``story_ids``, ``make_story``, ``save_placement``): the Spark engine
(spark_stories.py) runs the same steps, some of them on its executors.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from datasketch import MinHash

from .. import brief, provenance
from ..align import align_story, similarity
from ..align.units import units_of
from ..cluster import Assignment, Clusterer, Member, day_of, document_text, members_from_rows, terms
from ..config import AnalysisConfig, Config
from ..embed import CachedEmbedder, Embedder, get_embedder
from ..errors import CrosswireError
from ..nlp.entities import link_story
from ..records import Article, Derivation, ParsedArticle, Story, content_id
from ..store import Store
from .workers import WorkerEmbedder, Workers

log = logging.getLogger(__name__)

# Touched stories are rebuilt in groups of about this many articles: one call encodes a
# group's claims (enough to keep every worker process busy) and only one group's parses are
# held at a time.
_REBUILD_GROUP = 500


def build_stories(parsed: list[ParsedArticle], config: Config, store: Store,
                  encoder: Embedder | None = None) -> list[Story]:
    """Place the run's articles in stories (new or stored) and rebuild every touched story;
    return the stories of the run's English articles. ``encoder`` runs the configured
    embedding model (``analysis.embedding_model``) elsewhere; by default it runs in this
    process."""
    return [s for s in (store.story(sid) for sid in place_articles(parsed, config, store, encoder))
            if s is not None]


def place_articles(parsed: list[ParsedArticle], config: Config, store: Store,
                   encoder: Embedder | None = None) -> list[str]:
    """:func:`build_stories`, returning the story ids only (a run in chunks loads each
    story once, after its last chunk)."""
    analysis = config.analysis
    english = [p for p in parsed if p.article.is_english]
    warn_not_placed([(p.article.source, p.article.language) for p in parsed
                     if not p.article.is_english])
    if not english:
        return []
    embedder = (get_embedder(analysis.embedding_model, store) if encoder is None
                else CachedEmbedder(encoder, store))
    new_ids = not_clustered([p.id for p in english], embedder.name, store)
    new = sorted((p for p in english if p.id in new_ids), key=lambda p: p.id)
    if new:
        _place(new, config, store, embedder,
               encoder.workers if isinstance(encoder, WorkerEmbedder) else None)
    return store.stories_of_articles([p.id for p in english])


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


def _place(new: list[ParsedArticle], config: Config, store: Store, embedder: CachedEmbedder,
           workers: Workers | None = None) -> None:
    analysis = config.analysis
    lead = analysis.cluster_lead_chars
    docs = {p.id: provenance.make_doc(p, analysis.provenance_min_words) for p in new}
    signatures = {p.id: provenance.signature(docs[p.id], analysis.minhash_perm) for p in new}
    vectors = embedder.encode([document_text(p, lead) for p in new])
    fresh = [Member(p.id, day_of(p.article.published), v, terms(p, lead))
             for p, v in zip(new, vectors)]
    rows = window_rows(fresh, config, embedder.name, store)
    placement = assign(fresh, rows, signatures, config, store)
    lsh_pairs = provenance.candidate_pairs([p.id for p in new], placement.signatures, analysis)
    pairs = provenance_pairs(placement, lsh_pairs, analysis)
    derive_in_store(pairs, docs, config, store, embedder)

    ids = story_ids(placement.full, store)
    stories = rebuild_from_store([k for k in sorted(placement.full) if placement.full[k]], ids,
                                 placement, config, store, embedder, {p.id: p for p in new},
                                 workers)
    save_placement(placement, stories, store, embedder.name)


@dataclass(slots=True)
class Placement:
    """Where a run's new articles went, as story keys (a stored story id, or
    ``new:<article id>``): what provenance and the story rebuild need."""

    fresh: list[Member]  # this run's new articles
    assignment: Assignment
    full: dict[str, list[str]]  # every touched story's members: stored ones and this run's
    gone: set[str]  # stored stories left without members
    members: dict[str, Member]  # the window's stored members and this run's, by id
    signatures: dict[str, MinHash]  # MinHash of this run's articles and the window's

    def story_key(self) -> dict[str, str]:
        return {a: k for k, ids in self.full.items() for a in ids}


def window_rows(fresh: list[Member], config: Config, model: str, store: Store) -> list:
    """Stored ``cluster_members`` rows of the run's time window (not this run's articles)."""
    ids = {m.id for m in fresh}
    return [r for r in _window_rows(fresh, config.analysis.cluster_window_days, model, store)
            if r["article_id"] not in ids]


def assign(fresh: list[Member], rows: list, signatures: dict[str, MinHash], config: Config,
           store: Store, near: dict[str, set[str]] | None = None) -> Placement:
    """Cluster the run's new members among the window's stored ``rows`` and work out the full
    membership of every touched story. ``near``: each new member's candidate neighbours when
    they were found elsewhere (the Spark engine's blocking); else the clusterer finds them."""
    analysis = config.analysis
    pool = members_from_rows(rows)
    # Before assigning: the clusterer updates members' stories in place as it moves them.
    stored_story = {m.id: m.story for m in pool if m.story}
    assignment = Clusterer(analysis).assign(fresh, pool, near)

    # Full membership of every touched story: stored members (also those outside the time
    # window) plus this run's placements and merges.
    stored_keys = {k for k in [*assignment.story_of.values(), *(x for pair in assignment.merges
                                                                 for x in pair)]
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
    gone = {k for k in stored_keys if not full.get(k)}
    signatures = dict(signatures)
    for row in rows:
        stored_signature = provenance.signature_from_bytes(row["minhash"], analysis.minhash_perm)
        if stored_signature is not None:
            signatures[row["article_id"]] = stored_signature
    return Placement(fresh, assignment, full, gone, {m.id: m for m in pool + fresh}, signatures)


def provenance_pairs(placement: Placement, lsh_pairs: set[tuple[str, str]],
                     analysis: AnalysisConfig) -> set[tuple[str, str]]:
    """The pairs provenance judges: MinHash LSH pairs within one story, and each new article
    with its story's most similar members (rewrites share facts but few shingles)."""
    story_key = placement.story_key()
    members_by_id, full = placement.members, placement.full
    pairs = {(a, b) for a, b in lsh_pairs if story_key.get(a) == story_key.get(b)}
    for m in placement.fresh:
        same = [members_by_id[a] for a in full[story_key[m.id]]
                if a != m.id and a in members_by_id]
        same.sort(key=lambda o: (-float(o.vector @ m.vector), o.id))
        pairs |= {tuple(sorted((m.id, o.id))) for o in same[:analysis.provenance_neighbours]}  # type: ignore[misc]
    return pairs


def derive_in_store(pairs: set[tuple[str, str]], docs: dict[str, provenance.Doc], config: Config,
                    store: Store, embedder: CachedEmbedder) -> None:
    """Provenance over ``pairs`` (``docs``: this run's articles; stored ones are read), judged
    against the stored edges, which the result replaces."""
    analysis = config.analysis
    involved = sorted({a for pair in pairs for a in pair})
    old = store.parsed_any([a for a in involved if a not in docs])
    docs = docs | {a: provenance.make_doc(p, analysis.provenance_min_words) for a, p in old.items()}
    known = [e for e in store.derivations_touching(involved) if e.child in docs]
    edges = derive(docs, pairs, embedder, analysis, known)
    store.replace_derivations([a for a in involved if a in docs], edges)


def derive(docs: dict[str, provenance.Doc], pairs: set[tuple[str, str]], embedder: Embedder,
           analysis: AnalysisConfig, known: list[Derivation] | None = None) -> list[Derivation]:
    """provenance.derive, every sentence vector judging the pairs may compare asked for
    first, in one call."""
    involved = sorted({a for pair in pairs for a in pair})
    embedder.encode([t for a in involved if a in docs for t in provenance.unit_texts(docs[a])])
    return provenance.derive(docs, pairs, embedder, analysis, known or [])


def encode_claims(embedder: CachedEmbedder, stories: list[list[ParsedArticle]]) -> None:
    """Every claim vector aligning these stories (their members) will compare, asked for in
    one call. Alignment reads them through the in-memory cache alone, as it always has: they
    stay out of the store. (The few texts the conflict checks compare, chosen pair by pair,
    are encoded when asked: asking for every candidate would encode many times more.)"""
    CachedEmbedder(embedder.inner).encode([t for members in stories if len(members) > 1
                                           for t in claim_texts(members)])


def story_ids(full: dict[str, list[str]], store: Store) -> dict[str, str]:
    """The id each touched story is saved under, in story-key order (a new story takes the id
    of its earliest member unless a stored story or an earlier one of this run holds it)."""
    ids_in_use = {k for k in full if not k.startswith("new:")}
    out: dict[str, str] = {}
    for key in sorted(k for k in full if full[k]):
        if not key.startswith("new:") and store.story(key) is not None:
            story_id = key
        else:
            story_id = Story.make_id(full[key])
            # Taken by a story of this run (a split-off article gave its old story its id) or
            # by any stored story: saving would overwrite that story and lose its other members.
            if story_id in ids_in_use or store.story(story_id) is not None:
                story_id = content_id("s", *sorted(full[key]))
        ids_in_use.add(story_id)
        out[key] = story_id
    return out


def rebuild_from_store(keys: list[str], ids: dict[str, str], placement: Placement,
                       config: Config, store: Store, embedder: CachedEmbedder,
                       at_hand: dict[str, ParsedArticle] | None = None,
                       workers: Workers | None = None) -> list[Story]:
    """Rebuild the touched stories of ``keys`` (saved under ``ids``) from the store, a group
    of stories at a time. ``at_hand``: parsed articles already in memory (this run's), not
    read back. With running ``workers`` the stories are made there, both cores at once (each
    worker encodes its stories' claims itself)."""
    full = placement.full
    at_hand = at_hand or {}
    stories: list[Story] = []
    for group in _groups(keys, full):
        wanted = sorted({a for k in group for a in full[k]})
        parsed = {a: at_hand[a] for a in wanted if a in at_hand}
        parsed |= store.parsed_any([a for a in wanted if a not in at_hand])
        jobs = [story_inputs(key, ids[key], placement, store, parsed) for key in group]
        if workers is not None and workers.started:
            stories += workers.make_stories(jobs)
        else:
            encode_claims(embedder, [[parsed[a] for a in full[k] if a in parsed] for k in group])
            stories += [make_story(*job, config) for job in jobs]
    return stories


def save_placement(placement: Placement, stories: list[Story], store: Store, model: str) -> None:
    """Save the rebuilt stories and the new members' clustering features; drop emptied ones."""
    store.delete_stories(sorted(placement.gone))
    store.save_stories(stories)
    store.save_cluster_members(_member_rows(placement.fresh, placement.signatures,
                                            placement.members, placement.full, model))


def _window_rows(fresh: list[Member], window: int, model: str, store: Store) -> list:
    days = [m.day for m in fresh if m.day is not None]
    if not days:
        # An undated run is compared with the most recent stored days.
        last = day_of(store.last_cluster_day(model))
        if last is None:
            return store.cluster_members(model, "", "")
        days = [last]
    first = date.fromordinal(min(days)) - timedelta(days=window)
    last_day = date.fromordinal(max(days)) + timedelta(days=window)
    return store.cluster_members(model, first.isoformat(), last_day.isoformat())


def _groups(keys: list[str], full: dict[str, list[str]]) -> Iterator[list[str]]:
    """The story keys in order, in groups of about ``_REBUILD_GROUP`` articles."""
    group: list[str] = []
    size = 0
    for key in keys:
        group.append(key)
        size += len(full[key])
        if size >= _REBUILD_GROUP:
            yield group
            group, size = [], 0
    if group:
        yield group


def claim_texts(members: list[ParsedArticle]) -> list[str]:
    """The claims that aligning a story of these articles compares (families and entities
    change nothing of a claim's text)."""
    return similarity.claim_texts(units_of(members, dict.fromkeys((p.id for p in members), 0),
                                           {}))


StoryInputs = tuple[str, list[str], dict[str, Article], dict[str, ParsedArticle], list[Derivation],
                    tuple[str, ...]]


def story_inputs(key: str, story_id: str, placement: Placement, store: Store,
                 parsed: dict[str, ParsedArticle]) -> StoryInputs:
    """What :func:`make_story` needs for a touched story, read from the store (its articles,
    stored history and edges): everything but the config."""
    article_ids = placement.full[key]
    stored = None if key.startswith("new:") else store.story(key)
    articles = {a.id: a for a in store.articles(article_ids)}
    edges = [e for e in store.derivations_touching(chronological(article_ids, articles))
             if e.parent in articles and e.child in articles]
    history = (stored.history if stored else ()) + tuple(placement.assignment.history.get(key, []))
    return story_id, article_ids, articles, {a: parsed[a] for a in article_ids if a in parsed}, \
        edges, history


def make_story(story_id: str, article_ids: list[str], articles: dict[str, Article],
               parsed: dict[str, ParsedArticle], edges: list[Derivation], history: tuple[str, ...],
               config: Config) -> Story:
    """One story from its members and the derivation edges between them: independent
    sources, title, entities, aligned claims, summary."""
    order = chronological(article_ids, articles)
    members = [parsed[a] for a in order if a in parsed]
    groups = brief.independent_groups(order, [(e.parent, e.child) for e in edges])
    children = {e.child for e in edges}
    family = {g: list(groups.values()).count(g) for g in set(groups.values())}
    # Title: of an original (no parent in the story), the biggest family's, then the earliest.
    titled = [a for a in order if a not in children and articles[a].title] or \
        [a for a in order if articles[a].title]
    titled.sort(key=lambda a: -family[groups[a]])
    story = Story(id=story_id, title=articles[titled[0]].title if titled else None,
                  article_ids=tuple(order), independent_sources=len(set(groups.values())),
                  derivations=tuple(sorted(edges, key=lambda e: (e.parent, e.child))),
                  history=history)
    return _enrich(story, members, edges, config)


def chronological(article_ids: list[str], articles: dict[str, Article]) -> list[str]:
    """A story's articles in publication order (undated last)."""
    return sorted(article_ids, key=lambda a: (articles[a].published is None,
                                              articles[a].published or "", a))


def _enrich(story: Story, members: list[ParsedArticle], edges: list[Derivation],
            config: Config) -> Story:
    """Story-level entities, aligned claims and the summary; a stage that fails on one story
    leaves that story without its output, with a warning."""
    try:
        story = dataclasses.replace(story, entities=link_story(members))
        story = align_story(story, members, edges, config)
        story = dataclasses.replace(story, summary=brief.summarize(story, members, config.brief))
    except CrosswireError as exc:
        log.warning("story %s: %s", story.id, exc)
    return story


def _member_rows(fresh: list[Member], signatures: dict, members: dict[str, Member],
                 full: dict[str, list[str]], model: str) -> list[tuple]:
    rows = []
    for m in fresh:
        day = m.day
        if day is None:
            # Undated: placed at its story's latest dated day, so later windows find it.
            story = next(ids for ids in full.values() if m.id in ids)
            days = [members[a].day for a in story if a in members and members[a].day is not None]
            day = max(days) if days else None
        rows.append((m.id, model, date.fromordinal(day).isoformat() if day else None,
                     np.asarray(m.vector, dtype=np.float32).tobytes(), json.dumps(sorted(m.terms)),
                     provenance.signature_bytes(signatures[m.id])))
    return rows
