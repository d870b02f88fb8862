"""SQL for held memories: what extraction proposed but did not store, and why.

A candidate naming something its evidence turns do not say (a place, a number, a date), or
filed under a subject that is not a person, is kept here for the user to see instead of being
stored as a memory or silently dropped (``pasi memories pending``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pasi.clock import from_iso, to_iso


@dataclass(frozen=True)
class NewHeld:
    text: str
    kind: str
    subject: str
    confidence: float
    evidence: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class HeldMemory:
    id: int
    text: str
    kind: str
    subject: str
    confidence: float
    evidence: tuple[int, ...]
    reason: str
    model: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> HeldMemory:
        return cls(
            id=row["id"],
            text=row["text"],
            kind=row["kind"],
            subject=row["subject"],
            confidence=row["confidence"],
            evidence=tuple(json.loads(row["evidence"])),
            reason=row["reason"],
            model=row["model"],
            created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        )


def add_held(
    conn: sqlite3.Connection, held: Sequence[NewHeld], model: str | None, now: datetime
) -> None:
    """Keep candidates, once each (a re-extraction holds the same again); the row goes when
    its first evidence turn is erased (ON DELETE CASCADE)."""
    conn.executemany(
        "INSERT INTO held_memories (episode_id, evidence, text, kind, subject, confidence,"
        " reason, model, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9"
        " WHERE NOT EXISTS (SELECT 1 FROM held_memories WHERE evidence = ?2 AND text = ?3"
        " AND subject = ?5)",
        [
            (
                min(h.evidence) if h.evidence else None,
                json.dumps(list(h.evidence)),
                h.text,
                h.kind,
                h.subject,
                h.confidence,
                h.reason,
                model,
                to_iso(now),
            )
            for h in held
        ],
    )


def list_held(conn: sqlite3.Connection) -> list[HeldMemory]:
    return [HeldMemory.from_row(r) for r in conn.execute("SELECT * FROM held_memories ORDER BY id")]


def get_held(conn: sqlite3.Connection, held_id: int) -> HeldMemory | None:
    row = conn.execute("SELECT * FROM held_memories WHERE id = ?", (held_id,)).fetchone()
    return HeldMemory.from_row(row) if row else None


def delete_held(conn: sqlite3.Connection, held_id: int) -> None:
    conn.execute("DELETE FROM held_memories WHERE id = ?", (held_id,))
