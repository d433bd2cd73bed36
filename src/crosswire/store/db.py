"""The embedded article store: SQLite in WAL mode, versioned schema, one writer.

Takes records from every stage and keeps them; gives them back to the CLI, the API and the
web UI. Writes go through :class:`Store` methods, each one transaction, serialised by a lock
so a single connection is the only writer (readers open their own connections and, thanks to
WAL, never see "database is locked" while an ingest writes).

Idempotence: raw inputs are keyed by the SHA-256 of their bytes and articles by the hash of
their cleaned content, so re-ingesting the same input adds nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import StoreError
from ..records import (
    MAX_REASON_CHARS,
    Article,
    Derivation,
    ParsedArticle,
    RawDocument,
    Skipped,
    Story,
    from_dict,
    to_dict,
)
from .migrations import DIGEST, MIGRATIONS

BUSY_TIMEOUT_MS = 30_000

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Marks around matched words in search snippets: private-use characters, never markup, so a
# reader escapes the snippet and then marks the words.
HIT_OPEN, HIT_CLOSE = "\ue000", "\ue001"


def _fts_query(query: str) -> str:
    """A user's words as an FTS5 query: every word quoted (FTS5 syntax in user input, "AND"
    or a stray quote, is not the user's problem), a trailing ``*`` kept as a prefix search.
    FTS5 reads a string only up to a NUL ("unterminated string", a 500 for
    /api/stories?q=a%00b, issue 19) and a lone surrogate cannot be encoded: control
    characters separate words and lone surrogates are dropped."""
    query = _CONTROL.sub(" ", query).encode("utf-8", "ignore").decode("utf-8")
    query = query.replace(HIT_OPEN, " ").replace(HIT_CLOSE, " ")
    terms = []
    for word in query.split():
        prefix = word.endswith("*") and len(word.rstrip("*")) >= 2
        word = word.rstrip("*") if prefix else word
        if word.strip():
            terms.append(f'"{word.replace(chr(34), chr(34) * 2)}"' + ("*" if prefix else ""))
    return " ".join(terms)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp() -> str:
    # A story's version for readers' caches (the web application's): two saves of one story
    # within a second must not share it.
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def connect(path: Path | str, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the pragmas every crosswire connection needs."""
    path = str(path)
    if readonly and path != ":memory:":
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None)  # explicit BEGIN/COMMIT below
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class Store:
    """The article store. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path | str):
        self.path = Path(path) if str(path) != ":memory:" else path
        try:
            self._conn = connect(path)
            # WAL: readers and the writer do not block each other; NORMAL sync is durable
            # across application crashes (only an OS crash can lose the last commits).
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {path}: {exc}. Check the path is writable.") from exc
        self._lock = threading.RLock()
        self.migrate()

    # ------------------------------------------------------------------ plumbing
    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction through the single writer connection."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def query(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Apply every migration newer than the stored schema version, each atomically."""
        current = self.schema_version
        for version, statements in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            with self.transaction() as conn:
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={version}")
        if self.schema_version > len(MIGRATIONS):
            raise StoreError(
                f"store {self.path} has schema version {self.schema_version}, newer than this "
                f"crosswire ({len(MIGRATIONS)}); upgrade crosswire to open it")

    # ------------------------------------------------------------------ ingest
    def article_sources(self) -> list[str]:
        """Every input location the store holds an article of: what a later run need not read
        again (an input that gave no article is read again, as it may have been fixed)."""
        return [r["source"] for r in self.query(
            "SELECT DISTINCT s.source FROM sources s JOIN articles a ON a.raw_id = s.raw_id")]

    def has_source(self, source: str) -> bool:
        return bool(self.query("SELECT 1 FROM sources WHERE source=?", (source,)))

    def add_raw(self, doc: RawDocument) -> bool:
        """Keep a raw input. Returns False when these exact bytes are already stored."""
        with self.transaction() as conn:
            return self._add_raw(conn, doc)

    def _add_raw(self, conn: sqlite3.Connection, doc: RawDocument) -> bool:
        cur = conn.execute(
            "INSERT OR IGNORE INTO raw_documents(id, source, format, url, fields, fetched_at, raw,"
            " ingested_at) VALUES (?,?,?,?,?,?,?,?)",
            (doc.id, doc.source, doc.format, doc.url, json.dumps(doc.fields), doc.fetched_at,
             doc.raw, _now()))
        conn.execute("INSERT OR IGNORE INTO sources(source, raw_id, seen_at) VALUES (?,?,?)",
                     (doc.source, doc.id, _now()))
        return cur.rowcount > 0

    def add_article(self, doc: RawDocument, article: Article) -> bool:
        """Store the raw input and its cleaned article in one transaction.

        Returns False when the article (same content id) was already stored."""
        with self.transaction() as conn:
            self._add_raw(conn, doc)
            cur = conn.execute(
                "INSERT OR IGNORE INTO articles(id, raw_id, source, url, outlet, title, published,"
                " published_basis, language, text, data, ingested_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (article.id, article.raw_id, article.source, article.url, article.outlet,
                 article.title, article.published, article.published_basis, article.language,
                 article.text, json.dumps(to_dict(article)), _now()))
            return cur.rowcount > 0

    def add_skipped(self, skipped: Skipped) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO skipped(source, stage, reason, at) VALUES (?,?,?,?)",
                (skipped.source, skipped.stage, skipped.reason, _now()))

    def raw(self, raw_id: str) -> RawDocument | None:
        rows = self.query("SELECT * FROM raw_documents WHERE id=?", (raw_id,))
        if not rows:
            return None
        row = rows[0]
        return RawDocument(source=row["source"], format=row["format"], raw=row["raw"],
                           url=row["url"], fields=tuple(tuple(f) for f in json.loads(row["fields"])),
                           fetched_at=row["fetched_at"])

    def article(self, article_id: str) -> Article | None:
        rows = self.query("SELECT data FROM articles WHERE id=?", (article_id,))
        return from_dict(Article, json.loads(rows[0]["data"])) if rows else None  # type: ignore[return-value]

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        if ids is None:
            rows = self.query("SELECT data FROM articles ORDER BY rowid")
        else:
            wanted = list(ids)
            rows = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows += self.query(
                    f"SELECT data FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            order = {aid: i for i, aid in enumerate(wanted)}
            rows.sort(key=lambda r: order[json.loads(r["data"])["id"]])
        return [from_dict(Article, json.loads(r["data"])) for r in rows]  # type: ignore[misc]

    def article_ids_for_sources(self, sources: Iterable[str]) -> list[str]:
        out: list[str] = []
        for source in sources:
            out += [r["id"] for r in self.query(
                "SELECT a.id FROM sources s JOIN articles a ON a.raw_id = s.raw_id"
                " WHERE s.source=? ORDER BY a.rowid", (source,))]
        return out

    def skipped(self) -> list[Skipped]:
        # A store written before reasons were bounded may hold one of hundreds of megabytes:
        # only what a Skipped keeps is read (the record bounds it).
        return [Skipped(r["source"], r["stage"], r["reason"]) for r in self.query(
            "SELECT source, stage, substr(reason, 1, ?) AS reason FROM skipped ORDER BY rowid",
            (MAX_REASON_CHARS + 1,))]

    def skipped_rows(self, limit: int, offset: int = 0) -> list[sqlite3.Row]:
        """Skipped items, newest first, with when (``at``), a page at a time: a crawl's store
        may hold hundreds of thousands."""
        return self.query("SELECT source, stage, reason, at FROM skipped"
                          " ORDER BY at DESC, rowid DESC LIMIT ? OFFSET ?", (limit, offset))

    def skipped_stages(self) -> dict[str, int]:
        """How many items each stage skipped."""
        return {r["stage"]: r["n"] for r in self.query(
            "SELECT stage, COUNT(*) AS n FROM skipped GROUP BY stage ORDER BY n DESC, stage")}

    def unplaced_rows(self, limit: int, offset: int = 0) -> list[sqlite3.Row]:
        """Stored articles in no story (not in English, or not analysed yet), newest first."""
        return self.query(
            "SELECT a.id, a.source, a.outlet, a.title, a.published, a.language, a.ingested_at"
            " FROM articles a WHERE NOT EXISTS (SELECT 1 FROM story_articles sa"
            " WHERE sa.article_id = a.id) ORDER BY a.ingested_at DESC, a.id LIMIT ? OFFSET ?",
            (limit, offset))

    def unplaced_languages(self) -> dict[str | None, int]:
        """How many articles in no story there are per language (None: not told)."""
        return {r["language"]: r["n"] for r in self.query(
            "SELECT a.language, COUNT(*) AS n FROM articles a WHERE NOT EXISTS (SELECT 1 FROM"
            " story_articles sa WHERE sa.article_id = a.id) GROUP BY a.language"
            " ORDER BY n DESC, a.language")}

    def clear_skipped(self, source: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM skipped WHERE source=?", (source,))

    def count(self, table: str) -> int:
        if table not in {"raw_documents", "articles", "parsed", "stories", "skipped", "sources"}:
            raise StoreError(f"unknown table {table}")
        return self.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]

    # ------------------------------------------------------------------ nlp
    def add_parsed(self, parsed: Iterable[ParsedArticle], version: str) -> None:
        with self.transaction() as conn:
            for item in parsed:
                conn.execute("INSERT OR REPLACE INTO parsed(article_id, version, data) VALUES (?,?,?)",
                             (item.id, version, json.dumps(to_dict(item))))

    def parsed(self, article_ids: Iterable[str], version: str) -> dict[str, ParsedArticle]:
        out: dict[str, ParsedArticle] = {}
        wanted = list(article_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for row in self.query(
                    f"SELECT article_id, data FROM parsed WHERE version=? AND article_id IN"
                    f" ({','.join('?' * len(chunk))})", [version, *chunk]):
                out[row["article_id"]] = from_dict(ParsedArticle, json.loads(row["data"]))  # type: ignore[assignment]
        return out

    # ------------------------------------------------------------------ stories
    def save_stories(self, stories: Iterable[Story], derivations: Iterable[Derivation] = ()) -> None:
        """Replace the stories touching these articles, atomically."""
        stories = list(stories)
        with self.transaction() as conn:
            for story in stories:
                # An id saved again is a story again, no longer a redirect.
                conn.execute("DELETE FROM story_redirects WHERE old=?", (story.id,))
                conn.execute("DELETE FROM story_articles WHERE story_id=?", (story.id,))
                conn.execute(
                    "INSERT OR REPLACE INTO stories(id, title, size, first_published,"
                    " last_published, data, updated_at) VALUES (?,?,?,?,?,?,?)",
                    (story.id, story.title, len(story.article_ids), None, None,
                     json.dumps(to_dict(story)), _stamp()))
                conn.executemany("INSERT OR REPLACE INTO story_articles(story_id, article_id)"
                                 " VALUES (?,?)", [(story.id, a) for a in story.article_ids])
                conn.execute(DIGEST + " WHERE id=?", (story.id,))
            for d in derivations:
                conn.execute(
                    "INSERT OR REPLACE INTO derivations(parent, child, kind, score, data)"
                    " VALUES (?,?,?,?,?)",
                    (d.parent, d.child, d.kind, d.score, json.dumps(to_dict(d))))

    def stories(self) -> list[Story]:
        return [from_dict(Story, json.loads(r["data"]))  # type: ignore[misc]
                for r in self.query("SELECT data FROM stories ORDER BY size DESC, id")]

    def story(self, story_id: str) -> Story | None:
        rows = self.query("SELECT data FROM stories WHERE id=?", (story_id,))
        return from_dict(Story, json.loads(rows[0]["data"])) if rows else None  # type: ignore[return-value]

    def delete_stories(self, story_ids: Iterable[str], into: dict[str, str] | None = None) -> None:
        """Delete stories; ``into``: the story each deleted one went into (merged), kept as a
        redirect from its id."""
        into = into or {}
        with self.transaction() as conn:
            for sid in story_ids:
                conn.execute("DELETE FROM story_articles WHERE story_id=?", (sid,))
                conn.execute("DELETE FROM stories WHERE id=?", (sid,))
                if sid in into:
                    conn.execute("INSERT OR REPLACE INTO story_redirects(old, new, at)"
                                 " VALUES (?,?,?)", (sid, into[sid], _stamp()))

    def redirect(self, story_id: str) -> str | None:
        """The stored story a merged-away story id now lives in (following later merges), or
        None when the id was never merged or its trail ends at no stored story."""
        seen = {story_id}
        current = story_id
        while True:
            rows = self.query("SELECT new FROM story_redirects WHERE old=?", (current,))
            if not rows or rows[0]["new"] in seen:
                return None
            current = rows[0]["new"]
            seen.add(current)
            if self.story(current) is not None:
                return current

    # ------------------------------------------------------------------ clustering state
    def embeddings(self, keys: Iterable[str]) -> dict[str, bytes]:
        """Cached vectors (float32 bytes) by content key; missing keys are left out."""
        wanted = list(keys)
        out: dict[str, bytes] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for row in self.query(f"SELECT key, vector FROM embeddings WHERE key IN"
                                  f" ({','.join('?' * len(chunk))})", chunk):
                out[row["key"]] = row["vector"]
        return out

    def add_embeddings(self, vectors: dict[str, bytes], dim: int) -> None:
        with self.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO embeddings(key, dim, vector) VALUES (?,?,?)",
                             [(k, dim, v) for k, v in vectors.items()])

    def save_cluster_members(
            self, rows: Iterable[tuple[str, str, str | None, bytes, str, bytes, str]]) -> None:
        """Upsert (article_id, model, day, vector, terms JSON, minhash, days JSON) rows."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO cluster_members(article_id, model, day, vector, terms,"
                " minhash, days) VALUES (?,?,?,?,?,?,?)", list(rows))

    def cluster_members(self, model: str, first_day: str | None = None,
                        last_day: str | None = None, article_ids: Iterable[str] = ()) -> list[sqlite3.Row]:
        """Clustered articles of ``model`` placed between two days (inclusive), plus those
        placed on no day, plus the given ids; each row with its story id (or NULL)."""
        select = ("SELECT m.article_id, m.day, m.vector, m.terms, m.minhash, m.days, sa.story_id"
                  " FROM cluster_members m LEFT JOIN story_articles sa"
                  " ON sa.article_id = m.article_id WHERE m.model=?")
        rows: dict[str, sqlite3.Row] = {}
        if first_day is not None and last_day is not None:
            for row in self.query(select + " AND (m.day BETWEEN ? AND ? OR m.day IS NULL)",
                                  (model, first_day, last_day)):
                rows[row["article_id"]] = row
        wanted = [a for a in article_ids if a not in rows]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for row in self.query(select + f" AND m.article_id IN ({','.join('?' * len(chunk))})",
                                  [model, *chunk]):
                rows[row["article_id"]] = row
        return list(rows.values())

    def last_cluster_day(self, model: str) -> str | None:
        """The latest day any clustered article of ``model`` is placed at."""
        return self.query("SELECT MAX(day) AS day FROM cluster_members WHERE model=?",
                          (model,))[0]["day"]

    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        """Article ids of each story, in the order they were saved."""
        out: dict[str, list[str]] = {}
        for sid in story_ids:
            out[sid] = [r["article_id"] for r in self.query(
                "SELECT article_id FROM story_articles WHERE story_id=? ORDER BY rowid", (sid,))]
        return out

    def derivations_touching(self, article_ids: Iterable[str]) -> list[Derivation]:
        """Stored derivation edges with either end among the articles."""
        wanted = list(article_ids)
        found: dict[tuple[str, str], Derivation] = {}
        for start in range(0, len(wanted), 400):
            chunk = wanted[start:start + 400]
            marks = ",".join("?" * len(chunk))
            for row in self.query(f"SELECT parent, child, data FROM derivations WHERE parent IN"
                                  f" ({marks}) OR child IN ({marks})", [*chunk, *chunk]):
                found[(row["parent"], row["child"])] = from_dict(  # type: ignore[assignment]
                    Derivation, json.loads(row["data"]))
        return list(found.values())

    def replace_derivations(self, children: Iterable[str], derivations: Iterable[Derivation]) -> None:
        """Make ``derivations`` the only stored edges into these child articles."""
        with self.transaction() as conn:
            for child in children:
                conn.execute("DELETE FROM derivations WHERE child=?", (child,))
            for d in derivations:
                conn.execute(
                    "INSERT OR REPLACE INTO derivations(parent, child, kind, score, data)"
                    " VALUES (?,?,?,?,?)",
                    (d.parent, d.child, d.kind, d.score, json.dumps(to_dict(d))))

    # ------------------------------------------------------------------ search
    def search(self, query: str, limit: int = 50) -> list[str]:
        """Article ids matching a search over title and text, best first (see search_hits)."""
        return [r["id"] for r in self.search_hits(query, limit)]

    def search_hits(self, query: str, limit: int = 50) -> list[sqlite3.Row]:
        """Articles matching every word of ``query`` in title or text, best first: id and a
        ``snippet`` of the best-matching field around the match, each matched word between
        ``HIT_OPEN`` and ``HIT_CLOSE``. Words match by stem ("kill" finds "killed"); a word
        ending in ``*`` matches as a prefix ("evac*")."""
        fts_query = _fts_query(query)
        if not fts_query:
            return []
        return self.query(
            "SELECT a.id, snippet(articles_fts, -1, ?, ?, '…', 18) AS snippet"
            " FROM articles_fts f JOIN articles a ON a.rowid = f.rowid"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (HIT_OPEN, HIT_CLOSE, fts_query, limit))

    # ------------------------------------------------------------------ feeds
    def feed_state(self, url: str) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM feeds WHERE url=?", (url,))
        return rows[0] if rows else None

    def save_feed_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO feeds(url, etag, last_modified, last_polled) VALUES (?,?,?,?)"
                " ON CONFLICT(url) DO UPDATE SET etag=excluded.etag,"
                " last_modified=excluded.last_modified, last_polled=excluded.last_polled",
                (url, etag, last_modified, _now()))

    # ------------------------------------------------------------------ reading (briefings, web UI)
    def parsed_any(self, article_ids: Iterable[str]) -> dict[str, ParsedArticle]:
        """Stored parses whatever extractor version made them: for readers (briefings, the
        web UI) that show what is stored and must never start a parse themselves."""
        out: dict[str, ParsedArticle] = {}
        wanted = list(article_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for row in self.query(f"SELECT article_id, data FROM parsed WHERE article_id IN"
                                  f" ({','.join('?' * len(chunk))})", chunk):
                out[row["article_id"]] = from_dict(ParsedArticle, json.loads(row["data"]))  # type: ignore[assignment]
        return out

    def story_ids(self, prefix: str = "") -> list[str]:
        """Story ids starting with ``prefix`` (so a command line can take a short id)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [r["id"] for r in self.query(
            "SELECT id FROM stories WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (escaped + "%",))]

    def story_rows(self) -> list[sqlite3.Row]:
        """One row per story for listings, without decoding story data: id, title (the
        story's, else its first titled article's), size, independent_sources,
        first_published, last_published, outlets (a JSON list), updated_at, and the digest
        (lede, corroborated, single_source, disputes, possible: see migrations.DIGEST)."""
        return self.query(
            "SELECT s.id, COALESCE(s.title, (SELECT a2.title FROM story_articles sa2 JOIN articles"
            " a2 ON a2.id = sa2.article_id WHERE sa2.story_id = s.id AND a2.title IS NOT NULL"
            " ORDER BY COALESCE(a2.published, '9999'), a2.id LIMIT 1)) AS title, s.size, s.updated_at,"
            " s.lede, s.corroborated, s.single_source, s.disputes, s.possible,"
            " json_extract(s.data, '$.independent_sources') AS independent_sources,"
            " MIN(a.published) AS first_published, MAX(a.published) AS last_published,"
            " json_group_array(DISTINCT a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets"
            " FROM stories s LEFT JOIN story_articles sa ON sa.story_id = s.id"
            " LEFT JOIN articles a ON a.id = sa.article_id GROUP BY s.id")

    def stories_of_articles(self, article_ids: Iterable[str]) -> list[str]:
        """Ids of the stories holding any of these articles, in the order of the articles."""
        out: list[str] = []
        for article_id in article_ids:
            for row in self.query("SELECT story_id FROM story_articles WHERE article_id=?",
                                  (article_id,)):
                if row["story_id"] not in out:
                    out.append(row["story_id"])
        return out

    # Entity names of every story: the story-level entities and, for stories whose entities
    # are not merged yet, those of their articles' parses.
    _STORY_ENTITIES = (
        "SELECT s.id AS story_id, e.value AS entity FROM stories s, json_each(s.data, '$.entities') e"
        " UNION ALL SELECT sa.story_id, e.value FROM story_articles sa"
        " JOIN parsed p ON p.article_id = sa.article_id, json_each(p.data, '$.entities') e")

    def entity_rows(self) -> list[sqlite3.Row]:
        """Every entity name across stories: name, type, stories (how many hold it) and
        story_ids (which: a JSON list)."""
        return self.query(
            f"WITH ents AS ({self._STORY_ENTITIES}) SELECT json_extract(entity, '$.name') AS name,"
            " json_extract(entity, '$.type') AS type, COUNT(DISTINCT story_id) AS stories,"
            " json_group_array(DISTINCT story_id) AS story_ids"
            " FROM ents GROUP BY lower(json_extract(entity, '$.name')), type"
            " ORDER BY stories DESC, name")

    def stories_with_entity(self, name: str, exact: bool = False) -> list[str]:
        """Stories with an entity named ``name`` or having it as an alias (case-insensitive);
        unless ``exact``, a name merely containing ``name`` matches too."""
        term = name.strip().lower()
        if not term:
            return []
        pattern = term if exact else "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        rows = self.query(
            f"WITH ents AS ({self._STORY_ENTITIES}) SELECT DISTINCT story_id FROM ents"
            " WHERE lower(json_extract(entity, '$.name')) LIKE ? ESCAPE '\\'"
            " OR EXISTS (SELECT 1 FROM json_each(entity, '$.aliases') al WHERE lower(al.value) = ?)",
            (pattern, term))
        return [r["story_id"] for r in rows]

    def outlets(self) -> dict[str, int]:
        """Every outlet name as stored, with how many articles carry it."""
        return {r["outlet"]: r["n"] for r in self.query(
            "SELECT outlet, COUNT(*) AS n FROM articles WHERE outlet IS NOT NULL"
            " GROUP BY outlet ORDER BY outlet")}
