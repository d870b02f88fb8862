"""Life at a glance: what the vault holds month by month (the web app's timeline).

Memories are counted by the month they were recorded (learnt), current ones only (not
replaced, not ended); passages and conversation turns by the month they happened (their
``occurred_at``, else when they were stored), per source. Months are UTC calendar months
(``YYYY-MM``), as the vault stores times.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pasi.vault.memories import get_memories
from pasi.vault.records import Memory

_CURRENT = "superseded_by IS NULL AND valid_to IS NULL"


@dataclass(frozen=True)
class SourceMonth:
    """One source's passages (or turns) in one month."""

    month: str
    source_id: int
    kind: str
    uri: str
    title: str | None
    count: int


def memory_counts(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(month, kind, count) of the current memories, oldest month first."""
    rows = conn.execute(
        f"SELECT substr(recorded_at, 1, 7) AS month, kind, COUNT(*) FROM memories"
        f" WHERE {_CURRENT} GROUP BY month, kind ORDER BY month, kind"
    )
    return [(row[0], row[1], int(row[2])) for row in rows]


def source_months(conn: sqlite3.Connection, month: str | None = None) -> list[SourceMonth]:
    """Each source's passages per month (only ``month``'s when given), oldest first."""
    when = "substr(COALESCE(e.occurred_at, e.recorded_at), 1, 7)"
    where = f" WHERE {when} = ?" if month else ""
    rows = conn.execute(
        f"SELECT {when} AS month, s.id, s.kind, s.uri, s.title, COUNT(*) AS n"
        f" FROM episodes e JOIN sources s ON s.id = e.source_id{where}"
        " GROUP BY month, s.id ORDER BY month, n DESC",
        (month,) if month else (),
    )
    return [SourceMonth(r[0], r[1], r[2], r[3], r[4], int(r[5])) for r in rows]


def memories_of_month(conn: sqlite3.Connection, month: str, limit: int) -> list[Memory]:
    """The current memories recorded in ``month``, newest first."""
    rows = conn.execute(
        f"SELECT id FROM memories WHERE {_CURRENT} AND substr(recorded_at, 1, 7) = ?"
        " ORDER BY recorded_at DESC, id DESC LIMIT ?",
        (month, limit),
    )
    return list(get_memories(conn, [row[0] for row in rows]).values())
