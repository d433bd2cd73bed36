"""The SQLite store: WAL, migrations, one writer, idempotent upserts, readers during writes."""

from __future__ import annotations

import json
import sqlite3
import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswire.records import Article, ParsedArticle, RawDocument, Removed, Skipped
from crosswire.store import Store, connect
from crosswire.store.migrations import MIGRATIONS


def _article(text: str, n: int = 0) -> tuple[RawDocument, Article]:
    raw = RawDocument(source=f"in/{n}.txt", format="text", raw=text.encode())
    article = Article(id=Article.make_id(text, None, f"t{n}", None), source=raw.source,
                      raw_id=raw.id, text=text, title=f"t{n}", removed=(Removed("Subscribe", "paywall-prompt"),))
    return raw, article


def test_wal_mode_and_schema_version(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.query("PRAGMA journal_mode")[0][0] == "wal"
        assert store.schema_version == len(MIGRATIONS)


def test_reopening_does_not_remigrate(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.add_article(*_article("Body text of the article."))
    with Store(tmp_path / "s.db") as store:
        assert store.count("articles") == 1


def test_newer_schema_is_refused(tmp_path):
    conn = sqlite3.connect(tmp_path / "s.db")
    conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    conn.close()
    try:
        Store(tmp_path / "s.db")
    except Exception as exc:  # noqa: BLE001 - asserting the message
        assert "newer than this crosswire" in str(exc)
    else:
        raise AssertionError("a store from a newer crosswire must not be opened")


def test_article_roundtrip_keeps_removed_lines(tmp_path):
    raw, article = _article("Body text of the article.")
    with Store(tmp_path / "s.db") as store:
        store.add_article(raw, article)
        assert store.article(article.id) == article
        assert store.raw(raw.id).raw == raw.raw


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(min_size=1, max_size=200).filter(str.strip), min_size=1, max_size=6))
def test_reingest_is_a_noop(tmp_path, texts):
    path = tmp_path / f"p{abs(hash(tuple(texts)))}.db"
    with Store(path) as store:
        pairs = [_article(t, i) for i, t in enumerate(texts)]
        for raw, article in pairs:
            store.add_article(raw, article)
        counts = (store.count("articles"), store.count("raw_documents"))
        for raw, article in pairs:
            assert store.add_article(raw, article) is False
        assert (store.count("articles"), store.count("raw_documents")) == counts


def test_failed_transaction_leaves_nothing(tmp_path):
    raw, article = _article("Body text.")
    with Store(tmp_path / "s.db") as store:
        try:
            with store.transaction() as conn:
                conn.execute("INSERT INTO skipped(source, stage, reason, at) VALUES ('x','y','z','t')")
                raise RuntimeError("crash mid-transaction")
        except RuntimeError:
            pass
        assert store.count("skipped") == 0


def test_readers_never_see_locked_while_writing(tmp_path):
    path = tmp_path / "s.db"
    errors: list[Exception] = []
    with Store(path) as store:
        store.add_article(*_article("First body.", 0))
        stop = threading.Event()

        def read() -> None:
            conn = connect(path, readonly=True)
            try:
                while not stop.is_set():
                    conn.execute("SELECT COUNT(*) FROM articles").fetchone()
            except sqlite3.Error as exc:
                errors.append(exc)
            finally:
                conn.close()

        readers = [threading.Thread(target=read) for _ in range(3)]
        for thread in readers:
            thread.start()
        for i in range(1, 150):
            store.add_article(*_article(f"Body number {i}.", i))
        stop.set()
        for thread in readers:
            thread.join()
    assert not errors


def test_search_tolerates_fts_syntax(tmp_path):
    with Store(tmp_path / "s.db") as store:
        raw, article = _article("The harbour strike entered its third day.")
        store.add_article(raw, article)
        assert store.search("harbour") == [article.id]
        assert store.search('AND "unbalanced') == []
        assert store.search("") == []


def test_skipped_and_parsed_roundtrip(tmp_path):
    raw, article = _article("Body.")
    with Store(tmp_path / "s.db") as store:
        store.add_article(raw, article)
        store.add_skipped(Skipped("bad.bin", "ingest", "binary"))
        store.add_skipped(Skipped("bad.bin", "ingest", "binary again"))
        assert store.skipped() == [Skipped("bad.bin", "ingest", "binary again")]
        parsed = ParsedArticle(article=article, sentences=((0, 5),))
        store.add_parsed([parsed], "v1")
        assert store.parsed([article.id], "v1") == {article.id: parsed}
        assert store.parsed([article.id], "v2") == {}


def test_story_digest_is_kept_on_save_and_filled_by_the_migration(tmp_path):
    from crosswire.records import AlignedClaim, Conflict, ConflictSide, Story, SummarySentence, to_dict

    def claim(n: int, status: str, conflicts: int = 0, possible: int = 0) -> AlignedClaim:
        side = ConflictSide(text="x", article_ids=("a_1",))
        made = Conflict(kind="number", summary="s", sides=(side, side))
        return AlignedClaim(id=f"c{n}", text=f"claim {n}", status=status,
                            independent_sources=1, mentions=(),
                            conflicts=(made,) * conflicts, possible_conflicts=(made,) * possible)

    raw, article = _article("Body text of the article.")
    story = Story(id="s_1", title="t", article_ids=(article.id,), claims=(
        claim(1, "corroborated"), claim(2, "corroborated"), claim(3, "single-source"),
        claim(4, "disputed", conflicts=2, possible=1)),
        summary=(SummarySentence(sentence="The lede.", cites=()),))
    expected = {"lede": "The lede.", "corroborated": 2, "single_source": 1, "disputes": 2,
                "possible": 1}
    with Store(tmp_path / "s.db") as store:
        store.add_article(raw, article)
        store.save_stories([story])
        row = dict(store.query("SELECT * FROM stories")[0])
        assert {k: row[k] for k in expected} == expected
    # A store of the schema before the digest: its stories get one when it is opened.
    conn = sqlite3.connect(tmp_path / "old.db")
    for statements in MIGRATIONS[:3]:
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version=3")
    conn.execute("INSERT INTO stories(id, title, size, data, updated_at) VALUES (?,?,?,?,?)",
                 ("s_1", "t", 1, json.dumps(to_dict(story)), "2026-01-01T00:00:00Z"))
    conn.commit()
    conn.close()
    with Store(tmp_path / "old.db") as store:
        row = dict(store.query("SELECT * FROM stories")[0])
        assert {k: row[k] for k in expected} == expected
