"""The user's consent per sensitive kind, the turns waiting for it, and once-a-day notices."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from pasi.clock import to_iso

SENSITIVE_KINDS = ("health", "finances", "religion", "sexuality", "politics")


def consent_status(conn: sqlite3.Connection, kind: str) -> str | None:
    """'yes', 'no', 'asked' (no answer yet) or None (never asked)."""
    row = conn.execute("SELECT status FROM consent WHERE kind = ?", (kind,)).fetchone()
    return row[0] if row else None


def all_consent(conn: sqlite3.Connection) -> dict[str, str | None]:
    found = dict(conn.execute("SELECT kind, status FROM consent").fetchall())
    return {kind: found.get(kind) for kind in SENSITIVE_KINDS}


def mark_asked(conn: sqlite3.Connection, kind: str, now: datetime) -> bool:
    """Record that the user was asked; False when they had been already (ask once per kind)."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO consent (kind, status, asked_at) VALUES (?, 'asked', ?)",
        (kind, to_iso(now)),
    )
    return cursor.rowcount == 1


def set_consent(conn: sqlite3.Connection, kind: str, agreed: bool, now: datetime) -> None:
    conn.execute(
        "INSERT INTO consent (kind, status, asked_at, answered_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (kind) DO UPDATE SET status = excluded.status,"
        " answered_at = excluded.answered_at",
        (kind, "yes" if agreed else "no", to_iso(now), to_iso(now)),
    )


def hold(conn: sqlite3.Connection, episode_id: int, kinds: Iterable[str], now: datetime) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO consent_held (episode_id, kind, held_at) VALUES (?, ?, ?)",
        [(episode_id, kind, to_iso(now)) for kind in kinds],
    )


def held_episodes(conn: sqlite3.Connection, kind: str | None = None) -> list[int]:
    if kind is None:
        rows = conn.execute("SELECT DISTINCT episode_id FROM consent_held ORDER BY episode_id")
    else:
        rows = conn.execute(
            "SELECT episode_id FROM consent_held WHERE kind = ? ORDER BY episode_id", (kind,)
        )
    return [row[0] for row in rows]


def release(conn: sqlite3.Connection, kind: str) -> list[int]:
    """Stop holding turns for ``kind``; the ids no longer held for any kind are returned."""
    ids = held_episodes(conn, kind)
    conn.execute("DELETE FROM consent_held WHERE kind = ?", (kind,))
    still = set(held_episodes(conn))
    return [i for i in ids if i not in still]


def set_sensitivity(conn: sqlite3.Connection, memory_ids: Iterable[int], kind: str) -> None:
    conn.executemany(
        "UPDATE memories SET sensitivity = ? WHERE id = ?", [(kind, i) for i in memory_ids]
    )


def note_once(conn: sqlite3.Connection, day: str, kind: str, now: datetime) -> bool:
    """True the first time ``kind`` is noted on ``day`` (a local date), False after that."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO notices (day, kind, at) VALUES (?, ?, ?)", (day, kind, to_iso(now))
    )
    return cursor.rowcount == 1


def was_noted(conn: sqlite3.Connection, day: str, kind: str) -> bool:
    """Whether ``kind`` was noted on ``day``: a read, so a turn after the note writes nothing."""
    row = conn.execute("SELECT 1 FROM notices WHERE day = ? AND kind = ?", (day, kind))
    return row.fetchone() is not None
