"""Read-only queries for browsing the vault page by page (the REST API and the web app).

The memory and ingest layers read what they need for their own work; these are the lists a
person scrolls through: conversations with their turns, and totals for a pager.
"""

from __future__ import annotations

import sqlite3

from pasi.vault.records import Episode


def count_current_memories(conn: sqlite3.Connection, *, include_superseded: bool) -> int:
    where = "" if include_superseded else " WHERE superseded_by IS NULL AND valid_to IS NULL"
    return int(conn.execute(f"SELECT COUNT(*) FROM memories{where}").fetchone()[0])


_SUMMARY = (
    "SELECT s.id, s.uri, s.title, s.created_at, COUNT(e.id) AS turns,"
    " MAX(e.occurred_at) AS last_at,"
    " (SELECT text FROM episodes f WHERE f.source_id = s.id"
    "   ORDER BY f.role != 'user', position LIMIT 1) AS first_text"
    " FROM sources s LEFT JOIN episodes e ON e.source_id = s.id"
    " WHERE s.kind = 'conversation'"
)


def conversation_summaries(
    conn: sqlite3.Connection, limit: int, offset: int, query: str | None = None
) -> list[sqlite3.Row]:
    """Conversation sources, the most recently active first, with their turn counts and the
    first thing the user said; ``query``: only those whose title or a turn contains it."""
    where, args = _conversation_filter(query)
    return conn.execute(
        f"{_SUMMARY}{where} GROUP BY s.id"
        " ORDER BY last_at IS NULL, last_at DESC, s.id DESC LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()


def conversation_summary(conn: sqlite3.Connection, source_id: int) -> sqlite3.Row | None:
    return conn.execute(f"{_SUMMARY} AND s.id = ? GROUP BY s.id", (source_id,)).fetchone()


def count_conversations(conn: sqlite3.Connection, query: str | None = None) -> int:
    where, args = _conversation_filter(query)
    sql = f"SELECT COUNT(*) FROM sources s WHERE s.kind = 'conversation'{where}"
    return int(conn.execute(sql, args).fetchone()[0])


def _conversation_filter(query: str | None) -> tuple[str, tuple[str, ...]]:
    """A case-insensitive substring match on the title or any turn (LIKE, with its wildcards
    escaped: a conversation list is short, and FTS ranks rather than filters)."""
    if not query or not query.strip():
        return "", ()
    pattern = (
        "%" + query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    return (
        " AND (s.title LIKE ?1 ESCAPE '\\' OR EXISTS (SELECT 1 FROM episodes q"
        " WHERE q.source_id = s.id AND q.text LIKE ?1 ESCAPE '\\'))",
        (pattern,),
    )


def count_sources(conn: sqlite3.Connection, kind: str) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM sources WHERE kind = ?", (kind,)).fetchone()[0])


def source_turns(
    conn: sqlite3.Connection, source_id: int, limit: int, offset: int
) -> tuple[list[Episode], int]:
    """One page of a source's turns in the order they were said, and how many there are."""
    total = conn.execute("SELECT COUNT(*) FROM episodes WHERE source_id = ?", (source_id,))
    count = int(total.fetchone()[0])
    rows = conn.execute(
        "SELECT * FROM episodes WHERE source_id = ? ORDER BY position LIMIT ? OFFSET ?",
        (source_id, limit, offset),
    ).fetchall()
    return [Episode.from_row(r) for r in rows], count


def totals(conn: sqlite3.Connection) -> dict[str, int]:
    """How much the vault holds, for the sources page."""
    row = conn.execute(
        "SELECT (SELECT COUNT(*) FROM memories WHERE superseded_by IS NULL AND valid_to IS NULL),"
        " (SELECT COUNT(*) FROM episodes), (SELECT COUNT(*) FROM items),"
        " (SELECT COUNT(*) FROM sources WHERE kind = 'conversation')"
    ).fetchone()
    return {"memories": row[0], "episodes": row[1], "items": row[2], "conversations": row[3]}
