"""Numbered schema migrations. Append only: a released migration is never edited.

``PRAGMA user_version`` holds the number of migrations applied. A vault whose version is higher
than ``len(MIGRATIONS)`` was written by a newer pasi and is refused rather than damaged.
"""

from __future__ import annotations

import sqlite3

from pasi.errors import VaultVersionError
from pasi.vault.schema_base import ASSISTANT, CORE, INDEX, INGEST, LEARNING, PERIODS_AND_VECTOR_LOG
from pasi.vault.schema_features import (
    ANSWERS_BY_EPISODE,
    CONSENT_AND_NOTICES,
    HELD_MEMORIES,
    LIFE_SCHEDULE,
    PENDING_ACTIONS,
    PHOTOS,
    REMOTE_AUDIT,
)

MIGRATIONS: tuple[str, ...] = (
    CORE, INDEX, PERIODS_AND_VECTOR_LOG, LEARNING, ASSISTANT, INGEST,
    LIFE_SCHEDULE, CONSENT_AND_NOTICES, PENDING_ACTIONS, REMOTE_AUDIT, PHOTOS,
    ANSWERS_BY_EPISODE, HELD_MEMORIES,
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
