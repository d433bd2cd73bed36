"""Claim alignment for one story: Story + its ParsedArticles + derivations -> the story with
``claims`` (AlignedClaim: mentions, status, independent sources, conflicts, claimants, notes)
and ``per_source`` (SourceView: what each article adds, omits and alters) filled.

Independent sources are counted by source family (``lineage.families``): articles joined by
any derivation edge (copy, rewrite, partial, sibling; either direction) are one family, so a
wire story and its reprints corroborate nothing between them.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..config import Config
from ..embed import Embedder
from ..nlp import timex
from ..records import (AlignedClaim, Derivation, ParsedArticle, SourceView, SpanRef, Story,
                       content_id)
from . import confidence, conflicts, lineage, similarity
from .dating import dated
from .units import PLACE_TYPES, Unit, name_words, regions, units_of


def align_story(story: Story, members: list[ParsedArticle], derivations: list[Derivation],
                config: Config, embedder: Embedder) -> Story:
    """The story with its aligned claims and per-source views. ``embedder`` encodes the
    claims (usually already encoded, in one call for all the stories a run makes)."""
    members = dated([p for p in members if p.id in set(story.article_ids)] or members)
    families = lineage.families([p.id for p in members], derivations)
    entity_ids = {old: entity.id for entity in story.entities for old in entity.merged}
    units = units_of(members, families, entity_ids)
    if not units:
        return dataclasses.replace(story, claims=(), per_source=tuple(
            SourceView(article_id=p.id) for p in members))
    analysis = config.analysis
    scores = similarity.pair_scores(units, embedder)
    # Grouping sees derived claims as aligned; conflicts judge closeness on the words alone.
    linked = scores.copy()
    similarity.follow_derivations(units, linked, [(d.parent, d.child) for d in derivations],
                                  analysis.align_derived_floor, analysis.align_threshold)
    groups = similarity.group(units, linked, analysis.align_threshold)
    quotes = {q.id: q for p in members for q in p.quotes}
    places = frozenset(key for e in story.entities if e.type in PLACE_TYPES
                       for key in (e.id, " ".join(name_words(e.name))))
    people = frozenset(w for e in story.entities if e.type == "PERSON" for w in name_words(e.name))
    findings = conflicts.find(units, scores, groups, regions(members), analysis, entity_ids,
                              quotes, embedder, places, people)
    claims = _aligned(units, scores, groups, findings, analysis.dispute_confidence,
                      confidence.load_model(), people)
    return dataclasses.replace(story, claims=tuple(claims),
                               per_source=tuple(_views(members, claims, derivations)))


def _aligned(units: list[Unit], scores: np.ndarray, groups: list[list[int]],
             findings: list[conflicts.Finding], threshold: float,
             model: confidence.DisputeModel,
             people: frozenset[str] = frozenset()) -> list[AlignedClaim]:
    """One AlignedClaim per group; a finding's conflict, scored, is a dispute of the group
    holding most of its claims when its confidence reaches ``threshold``, else a possible
    difference; its notes, claimants and updates go to the same group."""
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    attached: dict[int, list[conflicts.Finding]] = {}
    for finding in findings:
        # A finding belongs to the group holding most of the claims it touches.
        counts: dict[int, int] = {}
        for i in finding.units:
            counts[group_of[i]] = counts.get(group_of[i], 0) + 1
        best = max(counts, key=lambda g: (counts[g], len(groups[g]), -g))
        attached.setdefault(best, []).append(finding)
    claims = []
    for g, members in enumerate(groups):
        group = [units[i] for i in members]
        found = attached.get(g, [])
        rated = sorted((confidence.scored(f.conflict, f.sides, units, scores, group_of, model,
                                          f.sources, people)
                        for f in found if f.conflict is not None),
                       key=lambda c: -(c.confidence or 0.0))
        disputes = tuple(c for c in rated if (c.confidence or 0.0) >= threshold)
        families = len({u.family for u in group})
        status = ("disputed" if disputes else
                  "corroborated" if families >= 2 else "single-source")
        claims.append(AlignedClaim(
            id=content_id("c", *sorted(u.claim.id for u in group)),
            text=_representative(group, scores).claim.text, status=status,
            independent_sources=families,
            mentions=tuple(SpanRef(u.article_id, u.span) for u in group),
            conflicts=disputes,
            claimants=tuple(c for f in found for c in f.claimants),
            not_conflicts=tuple(f.note for f in found if f.note),
            possible_conflicts=tuple(c for c in rated if c not in disputes),
            updates=tuple(f.update for f in found if f.update is not None)))
    return claims


def _representative(group: list[Unit], scores: np.ndarray) -> Unit:
    """The wording closest to all the others (the medoid); the first when there are two."""
    if len(group) <= 2:
        return group[0]
    idx = [u.index for u in group]
    block = scores[np.ix_(idx, idx)]
    return group[int(np.argmax(block.sum(axis=1)))]


def _views(members: list[ParsedArticle], claims: list[AlignedClaim],
           derivations: list[Derivation]) -> list[SourceView]:
    """What each article adds (claims only it makes), omits (claims most other articles make)
    and alters (conflicts where it is on the smaller side; on a tie, the side derived from an
    article of the other side)."""
    derived_from = {(d.child, d.parent) for d in derivations}
    views = []
    for parsed in members:
        me = parsed.id
        others = len(members) - 1
        adds, omits, alters = [], [], []
        for claim in claims:
            articles = {m.article_id for m in claim.mentions}
            if articles == {me}:
                adds.append(claim.id)
            elif me not in articles and len(articles) >= 2 and len(articles) > others / 2:
                omits.append(claim.id)
            if any(_odd_one_out(me, c.sides, derived_from) for c in claim.conflicts):
                alters.append(claim.id)
        views.append(SourceView(article_id=me, adds=tuple(adds), omits=tuple(omits),
                                alters=tuple(dict.fromkeys(alters))))
    return views


def _odd_one_out(article_id: str, sides: tuple, derived_from: set[tuple[str, str]]) -> bool:
    mine = [s for s in sides if article_id in s.article_ids]
    if not mine:
        return False
    size = min(len(s.article_ids) for s in mine)
    largest = max(len(s.article_ids) for s in sides)
    if size < largest:
        return True
    # A tie: the side copied or rewritten from an article on another side altered it.
    return any((article_id, other) in derived_from
               for s in sides if article_id not in s.article_ids for other in s.article_ids)
