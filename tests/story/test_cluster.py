"""Incremental story clustering: placement, time window, merges and splits, persistence across
runs, and independence from input order (a Hypothesis property). Fast: the hashing embedder
and small fictional articles (ferries, brewery strikes and bridges in invented towns)."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import random

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crosswire import embed
from crosswire.story.cluster import Clusterer, Member
from crosswire.story.features import terms
from crosswire.config import AnalysisConfig, Config
from crosswire.story import Placement, StoryJob, lineage, placement, stage
from crosswire.story.build import outline
from crosswire.records import Article, Derivation, ParsedArticle, RawDocument, SpanPair, Story
from crosswire.store import Store

# Sentence pools of four fictional stories; an article is a title and a few of its story's
# sentences in its own order, so articles of one story share much wording but not all.
POOLS = {
    "ferry": ("Ferry stranded off Pellin Island", [
        "The ferry Morning Gull ran onto a sandbank off Pellin Island with 212 passengers aboard.",
        "Coastguard boats from Skarn harbour took the passengers ashore in small groups.",
        "The operator Tollvik Lines said the captain had reported a steering fault before the grounding.",
        "Tugs will try to pull the Morning Gull free at high tide on Thursday morning.",
        "Pellin Island's only other ferry link was suspended until the channel is surveyed.",
        "Islanders said the sandbank had shifted after the winter storms and was poorly marked.",
    ]),
    "brewery": ("Hask brewery workers walk out in Oldmere", [
        "Workers at the Hask brewery in Oldmere walked out over a pay offer of two percent.",
        "The Maltsters Union said 340 of its members had joined the stoppage at the bottling plant.",
        "Hask Brewing said deliveries to pubs across the Oldmere valley would be delayed by a week.",
        "Union organiser Petra Lund told the picket line that the brewery's profits had doubled.",
        "The company offered to meet union negotiators at the Oldmere arbitration office on Monday.",
        "Barley growers who supply the brewery fear the strike will leave their harvest unsold.",
    ]),
    "bridge": ("Carrow bridge closed after inspectors find cracks", [
        "Engineers closed the Carrow river bridge after an inspection found cracks in two steel girders.",
        "Drivers face a forty minute detour through Linsby while the bridge remains shut.",
        "The highways agency said the girders had been due for replacement in the next budget.",
        "Carrow's mayor Oskar Brandt demanded an emergency repair grant from the regional council.",
        "Buses between Carrow and the hospital at Linsby were rerouted over the old ford road.",
        "Inspectors will use drones to survey the underside of the bridge deck next week.",
    ]),
    "ward": ("Vesterby hospital to shut its children's ward", [
        "Vesterby General Hospital will close its children's ward at the end of the month.",
        "Parents will have to travel ninety kilometres to the paediatric unit in Korsholm.",
        "The health board said it could not recruit enough specialist nurses to keep the ward open.",
        "A petition against the closure has gathered eleven thousand signatures in Vesterby.",
        "Doctor Ingrid Solheim warned that emergency transfers would put sick children at risk.",
        "The board promised to review the decision once new nurses finish training next spring.",
    ]),
}
# Hashing vectors of these articles: same story >= 0.63, different stories <= 0.39.
CONFIG = Config().replace("analysis", embedding_model="hashing", cluster_threshold=0.5)


def make_articles(per_story: int = 4, seed: int = 7) -> tuple[list[ParsedArticle], dict[str, str]]:
    rng = random.Random(seed)
    out, gold = [], {}
    for offset, (story, (title, pool)) in enumerate(POOLS.items()):
        for n in range(per_story):
            sentences = rng.sample(pool, 4)
            text = "\n\n".join(sentences)
            day = 3 + offset * 2 + n % 3  # stories overlap in time: the window alone cannot separate them
            article = Article(id=Article.make_id(text, None, title, f"Outlet {n}"),
                              source=f"{story}-{n}.txt", raw_id="", text=text,
                              title=f"{title} ({n})", outlet=f"Outlet {n}",
                              published=f"2025-02-{day:02d}", language="en")
            out.append(ParsedArticle(article=article))
            gold[article.id] = story
    return out, gold


def bridging_articles() -> list[ParsedArticle]:
    """Articles mixing two stories (a roundup): where they go may depend on what arrived
    first; the property below bounds how much."""
    out = []
    for n, (a, b) in enumerate([("ferry", "brewery"), ("bridge", "ward"), ("ferry", "bridge")]):
        text = "\n\n".join(POOLS[a][1][n:n + 2] + POOLS[b][1][n + 1:n + 3])
        article = Article(id=f"a_bridge{n}", source=f"bridge-{n}.txt", raw_id="", text=text,
                          title="News in brief", outlet="Roundup", published="2025-02-06",
                          language="en")
        out.append(ParsedArticle(article=article))
    return out


def store_articles(store: Store, parsed: list[ParsedArticle]) -> None:
    for p in parsed:
        raw = RawDocument(source=p.article.source, format="text", raw=p.article.text.encode())
        store.add_article(raw, dataclasses.replace(p.article, raw_id=raw.id))
    store.add_parsed(parsed, "test")


def placed_only(jobs: list[StoryJob]) -> list[Story]:
    """Stories as placement and lineage made them. These tests are about placement; claim
    alignment has its own tests and its own model."""
    return [outline(job) for job in jobs]


def build(batch: list[ParsedArticle], store: Store) -> list[Story]:
    return stage.build_stories(batch, CONFIG, store, mapper=placed_only)


def partition(store: Store) -> dict[str, str]:
    """Story of every article; an article in two stories fails here."""
    pairs = [(a, s.id) for s in store.stories() for a in s.article_ids]
    assert len(pairs) == len({a for a, _ in pairs}), "an article is in two stories"
    return dict(pairs)


def agreement(a: dict[str, str], b: dict[str, str]) -> float:
    """B-cubed F1 of partition ``a`` against ``b`` over the same items."""
    items = sorted(b)
    pa = {i: {j for j in items if a[j] == a[i]} for i in items}
    pb = {i: {j for j in items if b[j] == b[i]} for i in items}
    p = sum(len(pa[i] & pb[i]) / len(pa[i]) for i in items) / len(items)
    r = sum(len(pa[i] & pb[i]) / len(pb[i]) for i in items) / len(items)
    return 2 * p * r / (p + r)


def run(store: Store, batches: list[list[ParsedArticle]]) -> dict[str, str]:
    for batch in batches:
        build(batch, store)
    return partition(store)


# --------------------------------------------------------------------------- end to end

def test_articles_are_grouped_by_story(tmp_path):
    parsed, gold = make_articles()
    with Store(tmp_path / "s.db") as store:
        store_articles(store, parsed)
        found = run(store, [parsed])
        stories = store.stories()
    assert agreement(found, gold) == 1.0
    for story in stories:  # made in one run: named after the earliest member id
        assert story.id == Story.make_id(story.article_ids)
        assert story.title and 1 <= story.independent_sources <= len(story.article_ids)


def test_later_runs_continue_from_the_store_and_keep_story_ids(tmp_path):
    parsed, gold = make_articles()
    parsed.sort(key=lambda p: p.article.published or "")
    first, second = parsed[: len(parsed) // 2], parsed[len(parsed) // 2:]
    with Store(tmp_path / "s.db") as store:
        store_articles(store, parsed)
        run(store, [first])
        before = {a: s for a, s in partition(store).items()}
    with Store(tmp_path / "s.db") as store:  # a new process would reopen the store like this
        after = run(store, [second])
        assert store.count("stories") == len(POOLS)
    assert agreement(after, gold) == 1.0
    assert all(after[a] == s for a, s in before.items())  # stories grew, ids stayed


def test_rerun_changes_nothing(tmp_path):
    parsed, _ = make_articles()
    with Store(tmp_path / "s.db") as store:
        store_articles(store, parsed)
        first = build(parsed, store)
        stored = [(s.id, s.article_ids, s.derivations) for s in store.stories()]
        again = build(parsed, store)
        assert sorted(s.id for s in first) == sorted(s.id for s in again)
        assert [(s.id, s.article_ids, s.derivations) for s in store.stories()] == stored
        assert store.count("stories") == len(POOLS)


def test_time_window_separates_recurring_topics_and_keeps_chains(tmp_path):
    title, pool = POOLS["bridge"]
    days = ["2025-03-01", "2025-03-05", "2025-03-10", "2025-05-20"]  # a 3-step chain, then months later
    parsed = []
    for n, day in enumerate(days):
        text = "\n\n".join(pool[n % 2::2][:3] + pool[:1])
        article = Article(id=f"a_{n}", source=f"b{n}.txt", raw_id="", text=text, title=title,
                          outlet="Carrow Echo", published=day, language="en")
        parsed.append(ParsedArticle(article=article))
    with Store(tmp_path / "s.db") as store:
        store_articles(store, parsed)
        found = run(store, [[p] for p in parsed])
    assert found["a_0"] == found["a_1"] == found["a_2"] != found["a_3"]


def test_undated_article_joins_its_story(tmp_path):
    parsed, gold = make_articles(per_story=3)
    parsed[0] = ParsedArticle(article=dataclasses.replace(parsed[0].article, published=None))
    with Store(tmp_path / "s.db") as store:
        store_articles(store, parsed)
        found = run(store, [parsed[1:], parsed[:1]])
        rows = store.cluster_members(embed.HashingEmbedder().name, article_ids=[parsed[0].id])
    assert agreement(found, gold) == 1.0
    assert rows[0]["day"] is not None  # placed at its story's day, so later windows find it


def test_non_english_articles_get_no_story_and_a_warning(tmp_path, caplog):
    parsed, _ = make_articles(per_story=2)
    spanish = Article(id="a_es", source="es.txt", raw_id="", text="El puente de Carrow cerró.",
                      title="Puente cerrado", language="es", published="2025-02-03")
    with Store(tmp_path / "s.db") as store:
        store_articles(store, [*parsed, ParsedArticle(article=spanish)])
        with caplog.at_level(logging.WARNING):
            stories = build([*parsed, ParsedArticle(article=spanish)], store)
        assert build([ParsedArticle(article=spanish)], store) == []
    assert all("a_es" not in s.article_ids for s in stories)
    assert any("English-only" in r.message for r in caplog.records)


# --------------------------------------------------------------------------- order

# The stated tolerance. Within one run the order of the input list does not matter at all
# (articles are taken by day and id). Across arrival orders and batch splits, the partition
# agrees with the one-run partition at B-cubed F1 >= 0.8 on this deliberately hard set (3 of
# 19 articles mix two stories and go wherever they first find company; measured minimum over
# 240 random orders and splits, 2026-11-24, after the lost-member fix: 0.85), and the 16
# unambiguous articles agree with the truth at >= 0.9 (measured minimum 0.95).
ORDER_TOLERANCE = 0.8
GOLD_TOLERANCE = 0.9


@settings(max_examples=12, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(1, 18), max_size=4))
# Found by this test: a stored article moved to a new story that took its old story's id, and
# the save overwrote the old story, losing its other member (a_bridge2).
@example(seed=6376, cuts=[14, 13, 11, 3])
@example(seed=9157, cuts=[1, 13])
def test_partition_does_not_depend_on_arrival_order(tmp_path_factory, seed, cuts):
    parsed, gold = make_articles()
    parsed += bridging_articles()
    shuffled = parsed[:]
    random.Random(seed).shuffle(shuffled)
    bounds = [0, *sorted(set(cuts)), len(shuffled)]
    batches = [shuffled[a:b] for a, b in itertools.pairwise(bounds) if shuffled[a:b]]
    path = tmp_path_factory.mktemp("order")
    with Store(path / "one.db") as store:
        store_articles(store, parsed)
        reference = run(store, [shuffled])
    with Store(path / "many.db") as store:
        store_articles(store, parsed)
        found = run(store, batches)
    assert set(found) == set(reference) == {p.id for p in parsed}  # every article placed
    with Store(path / "sorted.db") as store:
        store_articles(store, parsed)
        assert run(store, [parsed]) == reference
    assert agreement(found, reference) >= ORDER_TOLERANCE
    assert agreement({a: found[a] for a in gold}, gold) >= GOLD_TOLERANCE
    assert agreement({a: reference[a] for a in gold}, gold) == 1.0


# --------------------------------------------------------------------------- Clusterer

def unit(degrees: float) -> np.ndarray:
    r = np.radians(degrees)
    return np.array([np.cos(r), np.sin(r), 0.0], dtype=np.float32)


def member(article_id: str, degrees: float, story: str | None = None, day: int | None = 100) -> Member:
    return Member(article_id, day, unit(degrees), frozenset(), story)


ANALYSIS = AnalysisConfig(cluster_threshold=0.6, cluster_split_margin=0.15, cluster_neighbours=8)


def test_joins_the_story_it_is_closest_to_on_average():
    pool = [member("a", 0, "s1"), member("b", 10, "s1"), member("c", 90, "s2")]
    result = Clusterer(ANALYSIS).assign([member("x", 5)], pool)
    assert result.story_of == {"x": "s1"} and not result.merges


def test_starts_a_story_below_the_threshold():
    result = Clusterer(ANALYSIS).assign([member("x", 60)], [member("a", 0, "s1")])
    assert result.story_of == {"x": "new:x"}


def test_members_beyond_the_horizon_do_not_count():
    pool = [member("a", 0, "s1", day=10)]
    result = Clusterer(ANALYSIS).assign([member("x", 0, day=10 + 31)], pool)
    assert result.story_of == {"x": "new:x"}


def test_an_older_story_needs_more_evidence():
    # Cosine 0.77 (40 degrees): enough the next day; 20 days later the age penalty (0.1 a
    # week beyond 3 days: 0.24) takes the affinity below the threshold, while the same text
    # (cosine 1.0) still joins.
    pool = [member("a", 0, "s1", day=10)]
    clusterer = Clusterer(ANALYSIS)
    assert clusterer.assign([member("x", 40, day=11)], pool).story_of == {"x": "s1"}
    pool = [member("a", 0, "s1", day=10)]
    assert clusterer.assign([member("x", 40, day=30)], pool).story_of == {"x": "new:x"}
    pool = [member("a", 0, "s1", day=10)]
    assert clusterer.assign([member("x", 0, day=30)], pool).story_of == {"x": "s1"}


def test_a_follow_up_naming_the_day_of_the_event_is_not_old():
    # Published 20 days later, but its lead dates what it reports on the story's day.
    pool = [member("a", 0, "s1", day=10)]
    late = dataclasses.replace(member("x", 40, day=30), days=frozenset({10}))
    assert Clusterer(ANALYSIS).assign([late], pool).story_of == {"x": "s1"}


def test_a_large_story_is_a_stronger_attractor():
    # x is 30-40 degrees from the story's closest members and 95 from b: in a story of two,
    # b drags the link below the threshold; a larger story offers three close members.
    small = [member("a", 0, "s1"), member("b", 60, "s1")]
    assert Clusterer(ANALYSIS).assign([member("x", -35)], small).story_of["x"] != "s1"
    large = [member("a", 0, "s1"), member("c", 5, "s1"), member("d", -5, "s1"),
             member("b", 60, "s1")]
    assert Clusterer(ANALYSIS).assign([member("x", -35)], large).story_of["x"] == "s1"


def test_an_article_bridging_two_stories_merges_them():
    # a and b (60 degrees apart, cosine 0.5) were separate stories; x sits between them and
    # makes their average linkage 0.68.
    pool = [member("a", 0, "s1"), member("b", 60, "s2")]
    result = Clusterer(ANALYSIS).assign([member("x", 30)], pool)
    assert result.merges == [("s2", "s1")]
    assert result.final(result.story_of["x"]) == "s1"
    assert result.history["s1"] == ["merged with story s2"]


def test_a_member_the_story_grew_away_from_is_split_off():
    pool = [member("a", 0, "s1"), *(member(f"b{i}", 50, "s1") for i in range(3))]
    new = [member(f"c{i}", 80) for i in range(3)]
    result = Clusterer(ANALYSIS).assign(new, pool)
    assert all(result.story_of[f"c{i}"] == "s1" for i in range(3))
    assert result.story_of["a"] == "new:a"
    assert any("split" in event for event in result.history["s1"])


# --------------------------------------------------------------------------- features, cache

def test_terms_prefer_entities_and_fall_back_to_capitalised_words():
    article = Article(id="a", source="a", raw_id="", language="en",
                      text="Engineers in Carrow met Mayor Oskar Brandt. The bridge stays shut.")
    assert {"carrow", "oskar", "brandt"} <= terms(ParsedArticle(article=article), 500)
    assert "the" not in terms(ParsedArticle(article=article), 500)


def test_embeddings_are_cached_in_the_store(tmp_path):
    calls = []

    class Counting(embed.HashingEmbedder):
        def encode(self, texts):
            calls.append(len(texts))
            return super().encode(texts)

    inner = Counting(dim=64)
    inner.name = "counting-test"
    with Store(tmp_path / "s.db") as store:
        first = embed.CachedEmbedder(inner, store).encode(["a ferry", "a bridge", "a ferry"])
        # A new embedder (a new run, or a new process): only the store remembers.
        again = embed.CachedEmbedder(inner, store).encode(["a bridge", "a ferry"])
    assert calls == [2]
    assert np.allclose(first[1], again[0]) and np.allclose(first[0], again[1])
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)


def test_hashing_embedder_is_deterministic_and_normalised():
    a = embed.HashingEmbedder().encode(["The ferry ran aground.", ""])
    b = embed.HashingEmbedder().encode(["The ferry ran aground.", ""])
    assert np.array_equal(a, b) and a.dtype == np.float32
    assert np.isclose(np.linalg.norm(a[0]), 1.0) and not a[1].any()


# --------------------------------------------------------------------------- joined by lineage

def _placed(full: dict[str, tuple[str, ...]]) -> Placement:
    from crosswire.story.cluster import Assignment
    return Placement(fresh=(), assignment=Assignment(), full=full, gone=frozenset(), members={})


def _doc(article_id: str, sentences: int) -> lineage.Doc:
    text = " ".join(f"Sentence number {i} of article {article_id} tells one more fact."
                    for i in range(sentences))
    return lineage.make_doc(ParsedArticle(article=Article(
        id=article_id, source=article_id, raw_id="r", text=text, language="en")), 5)


def _edge(parent: lineage.Doc, child: lineage.Doc, kind: str, taken: int) -> Derivation:
    return Derivation(parent.id, child.id, kind, 0.9, tuple(
        SpanPair(parent.units[i].span, child.units[i].span) for i in range(taken)))


def test_an_update_carrying_an_earlier_report_joins_its_story():
    early, update = _doc("early", 4), _doc("update", 10)
    placed = _placed({"new:early": ("early",), "new:update": ("update",)})
    docs = {"early": early, "update": update}
    # The update carries all four sentences of the earlier report: one story.
    links = stage.joining([_edge(early, update, "partial", 4)], docs, placed, CONFIG.analysis)
    assert links and links[0][:2] == ("early", "update")
    joined = placement.join(placed, links, store=None)  # type: ignore[arg-type]
    assert sorted(joined.full[next(iter(joined.full))]) == ["early", "update"]
    assert any("joined by lineage" in h for h in joined.history[next(iter(joined.full))])
    # Two background sentences reused: two stories.
    assert stage.joining([_edge(early, update, "partial", 2)], docs, placed, CONFIG.analysis) == []


def test_a_roundup_taking_from_two_stories_joins_neither():
    a, b, roundup = _doc("a", 4), _doc("b", 4), _doc("roundup", 8)
    placed = _placed({"s_a": ("a",), "s_b": ("b",), "s_r": ("roundup",)})
    edges = [_edge(a, roundup, "copy", 4), _edge(b, roundup, "copy", 4)]
    assert stage.joining(edges, {"a": a, "b": b, "roundup": roundup}, placed,
                         CONFIG.analysis) == []


def test_a_stored_story_merged_away_leaves_a_redirect(tmp_path):
    parsed, _ = make_articles(per_story=2)
    a, b, c = (p.id for p in parsed[:3])
    with Store(tmp_path / "s.db") as store:
        store_articles(store, parsed)
        store.save_stories([Story(id="s_one", title="one", article_ids=(a, b)),
                            Story(id="s_two", title="two", article_ids=(c,))])
        placed = dataclasses.replace(_placed({"s_one": (a, b, c)}), gone=frozenset({"s_two"}))
        placement.save(placed, [Story(id="s_one", title="one", article_ids=(a, b, c))], store,
                       "hashing")
        assert store.story("s_two") is None
        assert store.redirect("s_two") == "s_one"
        # The id made a story again is no longer a redirect.
        store.save_stories([Story(id="s_two", title="two", article_ids=(c,))])
        assert store.redirect("s_two") is None


# --------------------------------------------------------------------------- arrival order in a day

def _lookalike_days() -> list[list[ParsedArticle]]:
    """The look-alike fixtures (tests/fixtures/lookalikes) as bare articles, by day."""
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "fixtures" / "lookalikes"
    days: dict[str, list[ParsedArticle]] = {}
    for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        article = Article(id=Article.make_id(row["text"], row["url"], row["title"],
                                             row["source_domain"]),
                          source=row["url"], raw_id="", text=row["text"], title=row["title"],
                          url=row["url"], outlet=row["source_domain"],
                          published=row["date_publish"][:10], language="en")
        days.setdefault(article.published, []).append(ParsedArticle(article=article))
    return [days[d] for d in sorted(days)]


@settings(max_examples=6, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_a_days_arrival_order_changes_nothing(tmp_path_factory, seed):
    # A day at a time, as a daily `crosswire analyze` runs: each day's articles in any order
    # give the same stories.
    days = _lookalike_days()
    rng = random.Random(seed)
    shuffled = [rng.sample(day, len(day)) for day in days]
    path = tmp_path_factory.mktemp("days")
    found = []
    for name, feed in (("sorted", days), ("shuffled", shuffled)):
        with Store(path / f"{name}.db") as store:
            store_articles(store, [p for day in feed for p in day])
            found.append(run(store, feed))
    assert found[0] == found[1]
