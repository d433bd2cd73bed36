"""Incremental story clustering: articles arriving run after run -> stories.

Takes the run's new articles (their document vectors, salient terms, days and the earlier
days they report on) and the stored members of the stories around those days; gives each new
article a story, and the merges and splits that arriving articles caused.

Placement: an article joins the story it is most linked to, when the link reaches
``cluster_threshold``; otherwise it starts a story. The link is the mean of the
``cluster_linkage_top`` best affinities between the article and the story's members of the
last ``cluster_horizon_days``, an affinity being the cosine of the two document vectors less
an age penalty (``cluster_age_penalty`` a week beyond ``cluster_age_grace_days``) for the days
between the two happenings: a follow-up a week later still joins when it is close, and an
older story needs more evidence. A happening's days are its article's publication day and the
dates its title and lead report on (a report of Friday's flood published on Tuesday is about
Friday). The best few members, not all of them: a large story has more close members to offer
(a stronger attractor), and a long one is not diluted by its first days.

Merges and splits compare on average with the members of the last ``cluster_window_days``
(around each member's day), not a story's whole history, which lets long-running stories drift
(a flood, then the inquiry, then the trial) while every step stays close to the previous one.

Blocking: candidate stories come from an approximate nearest-neighbour index (usearch HNSW)
over the document vectors of articles in the horizon, plus articles sharing salient terms
(named entities, else capitalised words): never from an all-pairs comparison. The Spark
engine finds the same candidates with Spark jobs and passes them to :meth:`Clusterer.assign`.

Order: new articles are processed by (day, id), so within one run the input order does not
matter at all. Across runs, a merge pass joins touched stories whose members became similar
on average, and a split pass moves out members that no longer fit the story they are in;
both are recorded in the story's history. ``tests/story/test_cluster.py`` states the
tolerance left for arrival order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from usearch.index import Index

from ..config import AnalysisConfig

# Term blocking: two articles are neighbours when they share this many salient terms, counting
# only terms in at most ``POSTING_LIMIT`` articles (a term in hundreds of articles blocks
# nothing).
SHARED_TERMS = 2
POSTING_LIMIT = 200


@dataclass(slots=True)
class Member:
    """One clustered article as clustering sees it."""

    id: str
    day: int | None  # proleptic ordinal of its day, None when undated
    vector: np.ndarray
    terms: frozenset[str]
    story: str | None = None  # story key (a stored story id, or "new:<article id>")
    days: frozenset[int] = frozenset()  # earlier days it reports on (proleptic ordinals)


@dataclass(slots=True)
class Assignment:
    """The outcome of one run, as story keys: a stored story id, or ``new:<article id>``
    for a story this run started."""

    story_of: dict[str, str] = field(default_factory=dict)  # new or moved article -> key
    merges: list[tuple[str, str]] = field(default_factory=list)  # (merged away, into), in order
    history: dict[str, list[str]] = field(default_factory=dict)  # key -> events

    def final(self, key: str) -> str:
        """The key a story ended under after this run's merges."""
        for drop, keep in self.merges:
            if key == drop:
                key = keep
        return key


class Clusterer:
    """Assigns a run's new members to stories among the stored ``pool`` members."""

    _BAND = 512  # rows of the member-by-member matrices held at once (_story_means)

    def __init__(self, config: AnalysisConfig):
        self.config = config
        self.window = config.cluster_window_days
        self.horizon = max(config.cluster_horizon_days, config.cluster_window_days)

    def assign(self, new: list[Member], pool: list[Member],
               near: dict[str, set[str]] | None = None) -> Assignment:
        """``near``: each new member's candidate neighbours (any day) when they were found
        elsewhere, as :meth:`candidates` finds them (the Spark engine's blocking jobs)."""
        members: dict[str, Member] = {m.id: m for m in pool}
        by_story: dict[str, list[str]] = defaultdict(list)
        for m in pool:
            if m.story is not None:
                by_story[m.story].append(m.id)
        order = sorted(new, key=lambda m: (m.day is None, m.day or 0, m.id))
        neighbours = self._neighbours(order, pool, near)
        touched: set[str] = set()
        result = Assignment()
        for m in order:
            candidates = {members[n].story for n in neighbours[m.id]
                          if n in members and members[n].story is not None}
            best, best_score = None, -1.0
            for story in sorted(candidates):  # sorted: ties never depend on set order
                score = self._score(m, by_story[story], members)
                if score > best_score:
                    best, best_score = story, score
            if best is None or best_score < self.config.cluster_threshold:
                best = f"new:{m.id}"
            m.story = best
            members[m.id] = m
            by_story[best].append(m.id)
            touched.add(best)
        # Merges and splits compare within the window: neighbours beyond it (the horizon's)
        # could not change their averages, and weighing every pair of their stories again
        # after each merge tripled the clustering time of a large store.
        close = {a: [n for n in ids if n in members
                     and self._apart(members[a], members[n]) <= self.window]
                 for a, ids in neighbours.items()}
        self._merge(touched, by_story, members, close, result)
        # Stories next to the new articles are reconsidered too: an early arrival may hold
        # an article that now fits a story this run grew.
        nearby = {members[n].story for ids in close.values() for n in ids
                  if members[n].story is not None}
        self._refine(touched, nearby, by_story, members, result)
        for m in order:
            result.story_of[m.id] = m.story  # type: ignore[assignment]
        return result

    # ------------------------------------------------------------------ steps
    def _neighbours(self, new: list[Member], pool: list[Member],
                    near: dict[str, set[str]] | None = None) -> dict[str, list[str]]:
        """For each new member, its candidate neighbours within the horizon."""
        everyone = pool + new
        if not new:
            return {}
        if near is None:
            near = self.candidates(new, everyone)
        position = {m.id: i for i, m in enumerate(everyone)}
        out: dict[str, list[str]] = {}
        for m in new:
            found = sorted(position[n] for n in near.get(m.id, ()) if n in position)
            out[m.id] = [everyone[i].id for i in found
                         if everyone[i].id != m.id and self._apart(m, everyone[i]) <= self.horizon]
        return out

    def candidates(self, new: list[Member], everyone: list[Member]) -> dict[str, set[str]]:
        """For each new member, members near it on any day: nearest by vector (ANN) and
        sharing at least ``SHARED_TERMS`` salient terms."""
        index = Index(ndim=len(new[0].vector), metric="cos", dtype="f32")
        # One thread: a multi-threaded HNSW build is not deterministic.
        index.add(np.arange(len(everyone)), np.stack([m.vector for m in everyone]), threads=1)
        k = min(len(everyone), self.config.cluster_neighbours + 1)
        found = index.search(np.stack([m.vector for m in new]), k, threads=1)
        keys = np.asarray(found.keys).reshape(len(new), -1)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(everyone):
            for t in m.terms:
                postings[t].append(i)
        out: dict[str, set[str]] = {}
        for row, m in enumerate(new):
            near = {int(k) for k in keys[row] if 0 <= int(k) < len(everyone)}
            shared: dict[int, int] = defaultdict(int)
            for t in m.terms:
                posting = postings[t]
                if len(posting) <= POSTING_LIMIT:
                    for i in posting:
                        shared[i] += 1
            near |= {i for i, n in shared.items() if n >= SHARED_TERMS}
            out[m.id] = {everyone[i].id for i in near}
        return out

    @staticmethod
    def _apart(a: Member, b: Member) -> int:
        """Days between the happenings of two members: the closest of their publication days
        and the days they report on (0 when either is undated)."""
        if a.day is None or b.day is None:
            return 0
        return min(abs(x - y) for x in a.days | {a.day} for y in b.days | {b.day})

    def _score(self, m: Member, story_members: list[str], members: dict[str, Member]) -> float:
        """The link of ``m`` to a story: the mean of its best ``cluster_linkage_top``
        affinities (cosine less the age penalty) to the story's members in the horizon."""
        config = self.config
        others = [members[i] for i in story_members if i != m.id]
        apart = np.array([self._apart(m, o) for o in others], dtype=np.float32)
        near = apart <= self.horizon
        if not near.any():
            return -1.0
        cosines = np.stack([o.vector for o, ok in zip(others, near) if ok]) @ m.vector
        penalty = config.cluster_age_penalty / 7.0 * np.maximum(
            0.0, apart[near] - config.cluster_age_grace_days)
        affinity = np.sort(cosines - penalty)[::-1]
        return float(affinity[:config.cluster_linkage_top].mean())

    def _mean_similarity(self, a: list[str], b: list[str], members: dict[str, Member]) -> float | None:
        """Average linkage between two stories over their pairs within the window."""
        va = np.stack([members[i].vector for i in a])
        vb = np.stack([members[i].vector for i in b])
        sims = va @ vb.T
        da = np.array([members[i].day if members[i].day is not None else -1 for i in a])
        db = np.array([members[i].day if members[i].day is not None else -1 for i in b])
        ok = (np.abs(da[:, None] - db[None, :]) <= self.window) | (da[:, None] < 0) | (db[None, :] < 0)
        return float(sims[ok].mean()) if ok.any() else None

    def _merge(self, touched: set[str], by_story: dict[str, list[str]],
               members: dict[str, Member], neighbours: dict[str, list[str]],
               result: Assignment) -> None:
        """Join touched stories with neighbouring stories they now match on average."""
        changed = True
        while changed:
            changed = False
            pairs = set()
            for story in touched:
                for article_id in by_story.get(story, ()):
                    for n in neighbours.get(article_id, ()):
                        other = members[n].story if n in members else None
                        if other is not None and other != story:
                            pairs.add(tuple(sorted((story, other))))
            scored = []
            for a, b in sorted(pairs):
                mean = self._mean_similarity(by_story[a], by_story[b], members)
                if mean is not None and mean >= self.config.cluster_threshold:
                    scored.append((-mean, a, b))
            if scored:
                _, a, b = min(scored)
                keep, drop = self._survivor(a, b, by_story)
                for article_id in by_story[drop]:
                    members[article_id].story = keep
                by_story[keep] += by_story.pop(drop)
                touched.discard(drop)
                touched.add(keep)
                result.merges.append((drop, keep))
                if not drop.startswith("new:"):
                    result.history.setdefault(keep, []).append(f"merged with story {drop}")
                changed = True

    @staticmethod
    def _survivor(a: str, b: str, by_story: dict[str, list[str]]) -> tuple[str, str]:
        """A stored story outlives a new one; of two stored stories the larger one."""
        rank = {s: (s.startswith("new:"), -len(by_story[s]), s) for s in (a, b)}
        return (a, b) if rank[a] <= rank[b] else (b, a)

    def _refine(self, touched: set[str], nearby: set[str], by_story: dict[str, list[str]],
                members: dict[str, Member], result: Assignment) -> None:
        """Reconsider every member of the touched stories, in (day, id) order, until none
        moves (at most three sweeps): a member whose mean similarity to its story fell well
        below the threshold leaves it (a split); a member clearly closer on average to
        another touched story moves there; a lone article joins the story it now matches.
        This undoes most of what the arrival order decided (an early roundup that captured
        the first article of another story, say)."""
        threshold = self.config.cluster_threshold
        for _ in range(3):
            stories = sorted(s for s in touched | nearby if by_story.get(s))
            ids = sorted({a for s in stories for a in by_story[s]},
                         key=lambda a: (members[a].day is None, members[a].day or 0, a))
            if len(stories) < 2 and not any(len(by_story[s]) > 2 for s in stories):
                return
            means = self._story_means(ids, stories, by_story, members)
            column = {s: k for k, s in enumerate(stories)}
            moved = False
            for row, article_id in enumerate(ids):
                current = members[article_id].story
                assert current is not None
                own = means[row, column[current]] if len(by_story[current]) > 1 else None
                others = [(means[row, column[s]], s) for s in stories
                          if s != current and by_story[s] and not np.isnan(means[row, column[s]])]
                best_score, best = max(others, default=(-1.0, None))
                if own is None or np.isnan(own):
                    target = best if best_score >= threshold else None
                elif own < threshold - self.config.cluster_split_margin:
                    target = best if best_score >= threshold else f"new:{article_id}"
                elif best_score >= threshold and best_score > own + self.config.cluster_move_margin:
                    target = best
                else:
                    target = None
                if target is None or target == f"new:{article_id}" and len(by_story[current]) == 1:
                    continue
                self._move(article_id, current, target, by_story, members, result)
                touched.add(target)
                moved = True
            if not moved:
                return

    def _story_means(self, ids: list[str], stories: list[str], by_story: dict[str, list[str]],
                     members: dict[str, Member]) -> np.ndarray:
        """Mean similarity of each member to each story's other members within its window
        (NaN where a story has none)."""
        vectors = np.stack([members[a].vector for a in ids])
        days = np.array([members[a].day if members[a].day is not None else -1 for a in ids],
                        dtype=np.int32)
        where = {a: i for i, a in enumerate(ids)}
        onehot = np.zeros((len(ids), len(stories)), dtype=np.float32)
        for k, s in enumerate(stories):
            for a in by_story[s]:
                onehot[where[a], k] = 1.0
        # A band of rows at a time: the members-by-members matrices of a run joining a large
        # window (8,000 members: several GB at once) are what bounded a run's memory.
        out = np.empty((len(ids), len(stories)), dtype=np.float32)
        for start in range(0, len(ids), self._BAND):
            rows = slice(start, start + self._BAND)
            near = (np.abs(days[rows, None] - days[None, :]) <= self.window) \
                | (days[rows, None] < 0) | (days[None, :] < 0)
            near[np.arange(near.shape[0]), np.arange(start, start + near.shape[0])] = False
            weights = near.astype(np.float32)
            sims = (vectors[rows] @ vectors.T) * weights
            with np.errstate(invalid="ignore", divide="ignore"):
                out[rows] = (sims @ onehot) / (weights @ onehot)
        return out

    @staticmethod
    def _move(article_id: str, source: str, target: str, by_story: dict[str, list[str]],
              members: dict[str, Member], result: Assignment) -> None:
        by_story[source].remove(article_id)
        by_story.setdefault(target, []).append(article_id)
        members[article_id].story = target
        result.story_of[article_id] = target
        if target.startswith("new:"):
            result.history.setdefault(source, []).append(
                f"split: article {article_id} left (no longer close to the story)")
            result.history.setdefault(target, []).append(f"split from story {source}")
        elif len(by_story[target]) > 1 and not source.startswith("new:"):
            result.history.setdefault(source, []).append(
                f"split: article {article_id} moved to story {target}")
            result.history.setdefault(target, []).append(
                f"merged: article {article_id} moved here from story {source}")

