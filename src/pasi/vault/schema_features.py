"""Schema added by the features built on the memory core: goals and the scheduler, consent,
held actions, the remote-call audit, photos.

Each constant is one migration's SQL, applied in the order of ``migrations.MIGRATIONS``. Append
new ones; never edit a released one.
"""

# The user's goals and commitments (pasi.life): milestones and a check-in cadence per goal,
# progress notes with the turns that reported them, and the scheduler's jobs, which live here so
# they survive restarts. ``deliveries`` logs everything pasi sent, and everything it held back
# (quiet hours), with the reason, so the user can see what was sent and why.
LIFE_SCHEDULE = """
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
CONSENT_AND_NOTICES = """
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
PENDING_ACTIONS = """
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
REMOTE_AUDIT = """
ALTER TABLE audit ADD COLUMN endpoint TEXT;
ALTER TABLE audit ADD COLUMN model TEXT;
CREATE INDEX audit_by_action ON audit (action, at);
UPDATE sources SET remote_ok = 0
WHERE id IN (SELECT DISTINCT source_id FROM items WHERE kind = 'email' AND source_id IS NOT NULL);
"""

# Photos (pasi.ingest.images) as a typed view for the query tool: when and where each was
# taken. taken_utc is NULL for a photo without an EXIF time (its item's time is the file's).
PHOTOS = """
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
ANSWERS_BY_EPISODE = """
CREATE INDEX answers_by_answer_episode ON answers (answer_episode_id);
"""

# Memories extraction proposed but did not store (pasi.memory.vetting): a name, place, number or
# date the evidence turns do not contain, or a subject that is not a person. The user sees each
# with its reason in ``pasi memories pending``. Erasing the first evidence turn erases the row.
HELD_MEMORIES = """
CREATE TABLE held_memories (
    id         INTEGER PRIMARY KEY,
    episode_id INTEGER REFERENCES episodes(id) ON DELETE CASCADE,
    evidence   TEXT NOT NULL DEFAULT '[]',
    text       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    confidence REAL NOT NULL,
    reason     TEXT NOT NULL,
    model      TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX held_memories_by_episode ON held_memories (episode_id);
"""
