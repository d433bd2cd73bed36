"""Schema migrations. Append a new list to MIGRATIONS; never edit one that has shipped.

The schema version is SQLite's ``user_version``; migration N brings a store to version N.
"""

# The story list's digest of a story, read from its stored data: the first summary sentence,
# claims by status, disputed points (confident conflicts) and possible differences (the
# conflicts below the dispute line). Run by migration 4 and on every save (a shipped
# migration's text never changes: a later change of the digest is a new migration), so the
# list and the story page count alike.
DIGEST = """UPDATE stories SET
    lede = json_extract(data, '$.summary[0].sentence'),
    corroborated = (SELECT COUNT(*) FROM json_each(stories.data, '$.claims')
                    WHERE json_extract(value, '$.status') = 'corroborated'),
    single_source = (SELECT COUNT(*) FROM json_each(stories.data, '$.claims')
                     WHERE json_extract(value, '$.status') = 'single-source'),
    disputes = (SELECT COALESCE(SUM(json_array_length(value, '$.conflicts')), 0)
                FROM json_each(stories.data, '$.claims')),
    possible = (SELECT COALESCE(SUM(json_array_length(value, '$.possible_conflicts')), 0)
                FROM json_each(stories.data, '$.claims'))"""

MIGRATIONS: list[list[str]] = [
    # 1: raw inputs, articles, skipped items, parsed facts, stories, derivations, feeds, search
    [
        """CREATE TABLE raw_documents(
            id TEXT PRIMARY KEY, source TEXT NOT NULL, format TEXT NOT NULL, url TEXT,
            fields TEXT NOT NULL, fetched_at TEXT, raw BLOB NOT NULL, ingested_at TEXT NOT NULL)""",
        # Every input location we have read, so a resumed run knows what is done.
        """CREATE TABLE sources(
            source TEXT NOT NULL, raw_id TEXT NOT NULL REFERENCES raw_documents(id),
            seen_at TEXT NOT NULL, PRIMARY KEY(source, raw_id))""",
        """CREATE TABLE articles(
            id TEXT PRIMARY KEY, raw_id TEXT NOT NULL REFERENCES raw_documents(id),
            source TEXT NOT NULL, url TEXT, outlet TEXT, title TEXT, published TEXT,
            published_basis TEXT, language TEXT, text TEXT NOT NULL, data TEXT NOT NULL,
            ingested_at TEXT NOT NULL)""",
        "CREATE INDEX articles_raw ON articles(raw_id)",
        "CREATE INDEX articles_published ON articles(published)",
        "CREATE INDEX articles_outlet ON articles(outlet)",
        """CREATE TABLE skipped(
            source TEXT NOT NULL, stage TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY(source, stage))""",
        """CREATE TABLE parsed(
            article_id TEXT NOT NULL REFERENCES articles(id), version TEXT NOT NULL,
            data TEXT NOT NULL, PRIMARY KEY(article_id))""",
        """CREATE TABLE stories(
            id TEXT PRIMARY KEY, title TEXT, size INTEGER NOT NULL, first_published TEXT,
            last_published TEXT, data TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        """CREATE TABLE story_articles(
            story_id TEXT NOT NULL REFERENCES stories(id), article_id TEXT NOT NULL
            REFERENCES articles(id), PRIMARY KEY(story_id, article_id))""",
        "CREATE INDEX story_articles_article ON story_articles(article_id)",
        """CREATE TABLE derivations(
            parent TEXT NOT NULL, child TEXT NOT NULL, kind TEXT NOT NULL, score REAL NOT NULL,
            data TEXT NOT NULL, PRIMARY KEY(parent, child))""",
        """CREATE TABLE feeds(
            url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, last_polled TEXT)""",
        # Full-text search over articles, kept in sync by triggers.
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='rowid')""",
        """CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END""",
        """CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END""",
    ],
    # 2: embedding cache and the state incremental story clustering continues from
    [
        # Vectors by content hash of (model, text): re-runs never encode a text twice.
        """CREATE TABLE embeddings(key TEXT PRIMARY KEY, dim INTEGER NOT NULL,
            vector BLOB NOT NULL)""",
        # One row per clustered article: its document vector, the day it is placed at (its
        # publication date, else its story's), its salient terms and MinHash signature, so
        # a later run blocks and compares against stored articles without re-reading them.
        """CREATE TABLE cluster_members(
            article_id TEXT PRIMARY KEY REFERENCES articles(id), model TEXT NOT NULL,
            day TEXT, vector BLOB NOT NULL, terms TEXT NOT NULL, minhash BLOB NOT NULL)""",
        "CREATE INDEX cluster_members_day ON cluster_members(day)",
        "CREATE INDEX derivations_child ON derivations(child)",
    ],
    # 3: clustering by the days an article reports on; merged stories' old ids
    [
        # The earlier days (ISO dates, JSON list) a clustered article's title and lead report
        # on, beside the day it is placed at.
        "ALTER TABLE cluster_members ADD COLUMN days TEXT NOT NULL DEFAULT '[]'",
        # A story merged into another (or emptied into it by its members moving) leaves its
        # id here, so links to it (the web UI, saved briefings) reach the story it went into.
        """CREATE TABLE story_redirects(old TEXT PRIMARY KEY, new TEXT NOT NULL,
            at TEXT NOT NULL)""",
    ],
    # 4: what the story list shows of each story without decoding its data: the lede and
    # how many claims are corroborated, rest on one source, or are disputed
    [
        "ALTER TABLE stories ADD COLUMN lede TEXT",
        "ALTER TABLE stories ADD COLUMN corroborated INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE stories ADD COLUMN single_source INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE stories ADD COLUMN disputes INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE stories ADD COLUMN possible INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX stories_disputes ON stories(disputes)",
        # Stories stored before this version get theirs now (the store sets them on save).
        DIGEST,
    ],
    # 5: search by word stems ("kill" finds "killed", "evacuate" finds "evacuation"), accents
    # ignored; the index is rebuilt from the articles
    [
        "DROP TRIGGER articles_ai",
        "DROP TRIGGER articles_ad",
        "DROP TABLE articles_fts",
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='rowid',
            tokenize='porter unicode61 remove_diacritics 2')""",
        """CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END""",
        """CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END""",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    ],
]
