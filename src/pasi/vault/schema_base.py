"""The vault's foundation schema: sources, turns, memories, the search index, learning, files.

Each constant is one migration's SQL, applied in the order of ``migrations.MIGRATIONS``. They
are released: never edit one, add a new migration instead.
"""

CORE = """
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    uri          TEXT NOT NULL UNIQUE,
    title        TEXT,
    trust        TEXT NOT NULL DEFAULT 'user' CHECK (trust IN ('user', 'external')),
    remote_ok    INTEGER NOT NULL DEFAULT 1,
    cursor       TEXT,
    content_hash TEXT,
    created_at   TEXT NOT NULL,
    synced_at    TEXT
);

CREATE TABLE episodes (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    external_id TEXT,
    session     TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL,
    role        TEXT NOT NULL,
    speaker     TEXT,
    text        TEXT NOT NULL,
    occurred_at TEXT,
    recorded_at TEXT NOT NULL,
    UNIQUE (source_id, external_id)
);
CREATE INDEX episodes_by_session ON episodes (source_id, session, position);
CREATE INDEX episodes_by_time ON episodes (occurred_at);

CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'person',
    aliases    TEXT NOT NULL DEFAULT '[]',
    attributes TEXT NOT NULL DEFAULT '{}',
    UNIQUE (name, kind)
);

CREATE TABLE memories (
    id            INTEGER PRIMARY KEY,
    text          TEXT NOT NULL,
    kind          TEXT NOT NULL
                  CHECK (kind IN ('fact', 'preference', 'event', 'plan', 'relationship')),
    subject       TEXT NOT NULL DEFAULT 'user',
    valid_from    TEXT,
    valid_to      TEXT,
    recorded_at   TEXT NOT NULL,
    confidence    REAL NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
    superseded_by INTEGER REFERENCES memories(id) ON DELETE SET NULL,
    sensitivity   TEXT NOT NULL DEFAULT 'normal',
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    note          TEXT
);
CREATE INDEX memories_current ON memories (superseded_by, recorded_at);

CREATE TABLE memory_evidence (
    memory_id  INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    PRIMARY KEY (memory_id, episode_id)
) WITHOUT ROWID;
CREATE INDEX evidence_by_episode ON memory_evidence (episode_id);

CREATE TABLE items (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    title     TEXT,
    at        TEXT,
    fields    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX items_by_kind ON items (kind, at);

CREATE TABLE goals (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    why        TEXT,
    status     TEXT NOT NULL DEFAULT 'active',
    due        TEXT,
    cadence    TEXT,
    progress   TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);

CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY,
    text       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'pending',
    due        TEXT,
    cadence    TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    digest  TEXT,
    payload TEXT
);
"""

# The search index: one row per searchable unit (an episode or a memory). ``terms`` and
# ``context`` hold analysed text (stemmed, stopwords removed) so Python and SQLite agree on
# tokens. ``embedding`` is the unit's own float32 vector; ``vector`` is what dense search uses
# (for a turn, its embedding smoothed with its neighbours'; for a memory, the embedding itself,
# stored once). ``search_times`` holds the periods a unit talks about besides its own time.
INDEX = """
CREATE TABLE search_units (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('episode', 'memory')),
    ref_id    INTEGER NOT NULL,
    session   TEXT,
    position  INTEGER,
    speaker   TEXT,
    at        TEXT,
    vector    BLOB,
    embedding BLOB,
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_units_by_session ON search_units (session, position);
CREATE INDEX search_units_by_speaker ON search_units (speaker);

CREATE TABLE search_times (
    unit_id INTEGER NOT NULL REFERENCES search_units(id) ON DELETE CASCADE,
    start   TEXT NOT NULL,
    end     TEXT NOT NULL
);
CREATE INDEX search_times_by_unit ON search_times (unit_id);
CREATE INDEX search_times_by_start ON search_times (start);

CREATE VIRTUAL TABLE search_fts USING fts5(terms, context, tokenize = 'unicode61');
"""

# Periods: a question naming a time looks up units by ``at`` (a full scan of 1.6 GB at 1M units
# without this index). Vectors rewritten in place (a turn's neighbourhood grew) are logged so
# in-memory vector indexes can patch those rows instead of reloading everything.
PERIODS_AND_VECTOR_LOG = """
CREATE INDEX search_units_by_at ON search_units (at);
CREATE TABLE search_vector_log (
    seq     INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL
);
"""

# Learning from conversation: extraction jobs keep the model's raw output and any error, so a
# failure is shown (``pasi memories pending``) and re-run, never silently dropped. ``answers``
# records what shaped each assistant reply (``pasi why``).
LEARNING = """
CREATE TABLE extraction_jobs (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER REFERENCES sources(id) ON DELETE CASCADE,
    episode_ids TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    model       TEXT,
    raw_output  TEXT,
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX extraction_jobs_by_status ON extraction_jobs (status, id);

CREATE TABLE answers (
    id                  INTEGER PRIMARY KEY,
    source_id           INTEGER REFERENCES sources(id) ON DELETE CASCADE,
    question_episode_id INTEGER REFERENCES episodes(id) ON DELETE SET NULL,
    answer_episode_id   INTEGER REFERENCES episodes(id) ON DELETE SET NULL,
    model               TEXT,
    context             TEXT NOT NULL DEFAULT '{}',
    created_at          TEXT NOT NULL
);
"""

# Every assistant turn writes (the message, the reply) and then reads, so what a read does
# after a write must not grow with the vault. The profile index serves the user's profile
# (current memories about one subject, most confident and most recent first) without sorting
# every memory. The deletion counter lets caches of the search units (vectors, speakers) tell
# "rows were only added" from "rows were removed" in O(1), where COUNT(*) read the whole index
# (5-30 ms at 100k units).
ASSISTANT = """
CREATE INDEX memories_profile ON memories (subject, confidence DESC, recorded_at DESC, id DESC)
    WHERE superseded_by IS NULL AND valid_to IS NULL;
CREATE TABLE search_deletions (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    count INTEGER NOT NULL
);
INSERT INTO search_deletions (id, count) VALUES (1, 0);
CREATE TRIGGER search_units_deleted AFTER DELETE ON search_units
BEGIN
    UPDATE search_deletions SET count = count + 1 WHERE id = 1;
END;
"""

# The user's files (pasi.ingest): items are found by source (a re-synced file replaces its
# rows) and linked to the people they name, so "emails from Anna" and "when did I last see
# Anna" are index lookups. A file that failed to sync is remembered with its reason until it
# syncs. The views are the typed, read-only faces of items that a SQL tool queries.
INGEST = """
CREATE INDEX items_by_source ON items (source_id);
CREATE TABLE entity_links (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    item_id   INTEGER REFERENCES items(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    at        TEXT
);
CREATE INDEX entity_links_by_entity ON entity_links (entity_id, at);
CREATE INDEX entity_links_by_source ON entity_links (source_id);
CREATE INDEX entity_links_by_item ON entity_links (item_id);
CREATE TABLE sync_errors (
    path   TEXT PRIMARY KEY,
    root   TEXT,
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE VIEW emails AS
SELECT i.id, i.source_id, i.at AS date, i.title AS subject,
       json_extract(i.fields, '$.from') AS sender, json_extract(i.fields, '$.from_name') AS sender_name,
       json_extract(i.fields, '$.to') AS recipients, json_extract(i.fields, '$.cc') AS cc,
       json_extract(i.fields, '$.thread') AS thread, json_extract(i.fields, '$.message_id') AS message_id,
       json_extract(i.fields, '$.attachments') AS attachments, json_extract(i.fields, '$.snippet') AS snippet
FROM items i WHERE i.kind = 'email';
CREATE VIEW events AS
SELECT i.id, i.source_id, i.at AS start_utc, json_extract(i.fields, '$.end_utc') AS end_utc,
       i.title AS summary, json_extract(i.fields, '$.start') AS start_local,
       json_extract(i.fields, '$.timezone') AS timezone, json_extract(i.fields, '$.location') AS location,
       json_extract(i.fields, '$.attendees') AS attendees, json_extract(i.fields, '$.organizer') AS organizer,
       json_extract(i.fields, '$.recurring') AS recurring, json_extract(i.fields, '$.uid') AS uid
FROM items i WHERE i.kind = 'event';
CREATE VIEW contacts AS
SELECT i.id, i.source_id, i.title AS name, json_extract(i.fields, '$.emails') AS emails,
       json_extract(i.fields, '$.phones') AS phones, json_extract(i.fields, '$.organisation') AS organisation,
       json_extract(i.fields, '$.birthday') AS birthday
FROM items i WHERE i.kind = 'contact';
"""
