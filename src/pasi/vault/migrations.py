"""Numbered schema migrations. Append only: a released migration is never edited.

``PRAGMA user_version`` holds the number of migrations applied. A vault whose version is higher
than ``len(MIGRATIONS)`` was written by a newer pasi and is refused rather than damaged.
"""

from __future__ import annotations

import sqlite3

from pasi.errors import VaultVersionError

_CORE = """
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
_INDEX = """
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
_PERIODS_AND_VECTOR_LOG = """
CREATE INDEX search_units_by_at ON search_units (at);
CREATE TABLE search_vector_log (
    seq     INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL
);
"""

# Learning from conversation: extraction jobs keep the model's raw output and any error, so a
# failure is shown (``pasi memories pending``) and re-run, never silently dropped. ``answers``
# records what shaped each assistant reply (``pasi why``).
_LEARNING = """
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
_ASSISTANT = """
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
_INGEST = """
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

# The user's goals and commitments (pasi.life): milestones and a check-in cadence per goal,
# progress notes with the turns that reported them, and the scheduler's jobs, which live here so
# they survive restarts. ``deliveries`` logs everything pasi sent, and everything it held back
# (quiet hours), with the reason, so the user can see what was sent and why.
_LIFE_SCHEDULE = """
ALTER TABLE goals ADD COLUMN milestones TEXT NOT NULL DEFAULT '[]';
ALTER TABLE goals ADD COLUMN completed_at TEXT;
CREATE TABLE goal_progress (
    id      INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    note    TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX goal_progress_by_goal ON goal_progress (goal_id, at);
CREATE TABLE goal_evidence (
    progress_id INTEGER NOT NULL REFERENCES goal_progress(id) ON DELETE CASCADE,
    episode_id  INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    PRIMARY KEY (progress_id, episode_id)
) WITHOUT ROWID;
CREATE INDEX goal_evidence_by_episode ON goal_evidence (episode_id);
ALTER TABLE reminders ADD COLUMN done_at TEXT;
ALTER TABLE reminders ADD COLUMN episode_id INTEGER REFERENCES episodes(id) ON DELETE SET NULL;
CREATE TABLE scheduled_jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('reminder', 'check_in', 'brief')),
    ref_id        INTEGER,
    title         TEXT NOT NULL,
    rule          TEXT,
    timezone      TEXT NOT NULL,
    start_local   TEXT,
    next_at       TEXT,
    deferred_to   TEXT,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'done', 'cancelled')),
    last_fired_at TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (status, next_at);
CREATE INDEX scheduled_jobs_by_ref ON scheduled_jobs (kind, ref_id);
CREATE TABLE deliveries (
    id      INTEGER PRIMARY KEY,
    job_id  INTEGER REFERENCES scheduled_jobs(id) ON DELETE SET NULL,
    kind    TEXT NOT NULL,
    title   TEXT NOT NULL,
    body    TEXT NOT NULL,
    due_at  TEXT NOT NULL,
    at      TEXT NOT NULL,
    channel TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed', 'suppressed')),
    reason  TEXT NOT NULL,
    late    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deliveries_by_channel ON deliveries (channel, id);
"""

# Consent for sensitive memories (health, finances, religion, sexuality, politics): the user's
# answer per kind, asked once; turns held back from learning until the user agrees (the turn
# itself is kept, only extraction waits); and notices given once a day (the chat time budget).
_CONSENT_AND_NOTICES = """
CREATE TABLE consent (
    kind        TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('asked', 'yes', 'no')),
    asked_at    TEXT,
    answered_at TEXT
);
CREATE TABLE consent_held (
    episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    held_at    TEXT NOT NULL,
    PRIMARY KEY (episode_id, kind)
) WITHOUT ROWID;
CREATE TABLE notices (
    day  TEXT NOT NULL,
    kind TEXT NOT NULL,
    at   TEXT NOT NULL,
    PRIMARY KEY (day, kind)
) WITHOUT ROWID;
"""

# Side-effecting tool calls held for the user's consent (pasi.safety.actions): the call is
# kept exactly as it will run, with why it waits and the external sources the turn had read.
_PENDING_ACTIONS = """
CREATE TABLE pending_actions (
    id                  INTEGER PRIMARY KEY,
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'approved', 'denied')),
    tool                TEXT NOT NULL,
    effect              TEXT NOT NULL,
    arguments           TEXT NOT NULL,
    reason              TEXT NOT NULL,
    provenance          TEXT NOT NULL DEFAULT '[]',
    conversation        TEXT NOT NULL,
    question_episode_id INTEGER REFERENCES episodes(id) ON DELETE SET NULL,
    result              TEXT,
    ok                  INTEGER,
    created_at          TEXT NOT NULL,
    decided_at          TEXT
);
CREATE INDEX pending_actions_by_status ON pending_actions (status, id);
"""

# Remote model calls in the audit log (pasi.privacy.audit): which endpoint and model each went
# to. Email written before this migration was stored as fit for cloud models; it is not.
_REMOTE_AUDIT = """
ALTER TABLE audit ADD COLUMN endpoint TEXT;
ALTER TABLE audit ADD COLUMN model TEXT;
CREATE INDEX audit_by_action ON audit (action, at);
UPDATE sources SET remote_ok = 0
WHERE id IN (SELECT DISTINCT source_id FROM items WHERE kind = 'email' AND source_id IS NOT NULL);
"""

# Photos (pasi.ingest.images) as a typed view for the query tool: when and where each was
# taken. taken_utc is NULL for a photo without an EXIF time (its item's time is the file's).
_PHOTOS = """
CREATE VIEW photos AS
SELECT i.id, i.source_id,
       CASE WHEN json_extract(i.fields, '$.taken_at') IS NOT NULL THEN i.at END AS taken_utc,
       json_extract(i.fields, '$.taken_local') AS taken_local,
       json_extract(i.fields, '$.timezone') AS timezone, json_extract(i.fields, '$.lat') AS lat,
       json_extract(i.fields, '$.lon') AS lon, json_extract(i.fields, '$.camera') AS camera,
       json_extract(i.fields, '$.caption') AS caption, json_extract(i.fields, '$.text') AS text,
       i.title AS name
FROM items i WHERE i.kind = 'photo';
"""

# pasi's own replies written in a turn that had read external text may carry that text on
# (an echoed instruction): the context looks each quoted reply up by its episode
# (pasi.safety.provenance.TrustLookup), so ``answers`` is indexed by it.
_ANSWERS_BY_EPISODE = """
CREATE INDEX answers_by_answer_episode ON answers (answer_episode_id);
"""

MIGRATIONS: tuple[str, ...] = (
    _CORE, _INDEX, _PERIODS_AND_VECTOR_LOG, _LEARNING, _ASSISTANT, _INGEST,
    _LIFE_SCHEDULE, _CONSENT_AND_NOTICES, _PENDING_ACTIONS, _REMOTE_AUDIT, _PHOTOS,
    _ANSWERS_BY_EPISODE,
)  # fmt: skip
SCHEMA_VERSION = len(MIGRATIONS)


def check_version(conn: sqlite3.Connection, path_for_errors: str) -> int:
    """The schema version found; refuse, before changing anything, one from a newer pasi."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise VaultVersionError(
            f"the vault {path_for_errors} has schema version {found}, but this pasi knows only "
            f"up to {SCHEMA_VERSION}: upgrade pasi to open it (nothing was changed)"
        )
    return found


def migrate(conn: sqlite3.Connection, path_for_errors: str) -> int:
    """Bring the schema up to date; return the version found before migrating."""
    found = check_version(conn, path_for_errors)
    for number in range(found, SCHEMA_VERSION):
        script = (
            f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};\nCOMMIT;"
        )
        try:
            conn.executescript(script)
        except sqlite3.Error:
            if conn.in_transaction:
                conn.rollback()
            raise
    return found
