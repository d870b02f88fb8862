"""The search index inside the vault: FTS5 for lexical scores, float32 BLOBs for vectors.

The vault stores and searches; it never analyses text or calls a model. Callers hand it
analysed terms (already stemmed) and vectors, and get back unit ids with raw scores.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from pasi.clock import from_iso, to_iso
from pasi.vault import index_files
from pasi.vault.vectors import VectorIndex as VectorIndex  # re-exported for callers


@dataclass(frozen=True)
class Unit:
    id: int
    kind: str
    ref_id: int
    session: str | None
    speaker: str | None
    at: datetime | None


def _blob(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def add_unit(
    conn: sqlite3.Connection,
    *,
    kind: str,
    ref_id: int,
    terms: str,
    context: str = "",
    session: str | None = None,
    position: int | None = None,
    speaker: str | None = None,
    at: datetime | None = None,
    vector: np.ndarray | None = None,
    embedding: np.ndarray | None = None,
    times: Sequence[tuple[datetime, datetime]] = (),
) -> int:
    """Add one unit. ``embedding`` is stored only when it differs from ``vector``."""
    cur = conn.execute(
        "INSERT INTO search_units (kind, ref_id, session, position, speaker, at, vector,"
        " embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, ref_id, session, position, speaker, to_iso(at), _blob(vector), _blob(embedding)),
    )
    unit_id = int(cur.lastrowid)  # type: ignore[arg-type]
    conn.execute(
        "INSERT INTO search_fts (rowid, terms, context) VALUES (?, ?, ?)",
        (unit_id, terms, context),
    )
    conn.executemany(
        "INSERT INTO search_times (unit_id, start, end) VALUES (?, ?, ?)",
        [(unit_id, to_iso(a), to_iso(b)) for a, b in times],
    )
    return unit_id


def unit_id_for(conn: sqlite3.Connection, kind: str, ref_id: int) -> int | None:
    row = conn.execute(
        "SELECT id FROM search_units WHERE kind = ? AND ref_id = ?", (kind, ref_id)
    ).fetchone()
    return row[0] if row else None


def set_context(
    conn: sqlite3.Connection, unit_id: int, context: str, vector: np.ndarray | None
) -> None:
    """Replace a unit's neighbourhood: its context terms and its smoothed vector."""
    row = conn.execute("SELECT terms FROM search_fts WHERE rowid = ?", (unit_id,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM search_fts WHERE rowid = ?", (unit_id,))
    conn.execute(
        "INSERT INTO search_fts (rowid, terms, context) VALUES (?, ?, ?)",
        (unit_id, row[0], context),
    )
    if vector is not None:
        conn.execute("UPDATE search_units SET vector = ? WHERE id = ?", (_blob(vector), unit_id))
    # In-memory indexes (vectors, lexical postings) re-read the units logged here.
    conn.execute("INSERT INTO search_vector_log (unit_id) VALUES (?)", (unit_id,))


def episode_embeddings(
    conn: sqlite3.Connection, episode_ids: Iterable[int]
) -> dict[int, np.ndarray]:
    """Own embeddings of some episodes' units, by episode id: of the turns around a new one,
    not of its whole session."""
    found: dict[int, np.ndarray] = {}
    rows = _rows_in(
        conn,
        "SELECT ref_id, COALESCE(embedding, vector) FROM search_units"
        " WHERE kind = 'episode' AND ref_id IN ({marks})"
        " AND vector IS NOT NULL",
        episode_ids,
    )
    found.update((r[0], np.frombuffer(r[1], dtype=np.float32)) for r in rows)
    return found


def _rows_in(
    conn: sqlite3.Connection, sql: str, ids: Iterable[int], size: int = 900
) -> Iterator[tuple]:
    """The rows of ``sql`` for ``ids``, asked ``size`` ids at a time (``{marks}`` in ``sql``
    becomes their placeholders: SQLite allows a limited number per statement)."""
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        yield from conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)


def remove_unit(conn: sqlite3.Connection, kind: str, ref_id: int) -> None:
    unit_id = unit_id_for(conn, kind, ref_id)
    if unit_id is not None:
        conn.execute("DELETE FROM search_fts WHERE rowid = ?", (unit_id,))
        conn.execute("DELETE FROM search_units WHERE id = ?", (unit_id,))
        # The saved postings and vectors hold the unit's words: erasure removes them now
        # (they are rebuilt without it); the caller drops them again after its commit.
        index_files.drop(conn)


def units_about(
    conn: sqlite3.Connection, start: datetime, end: datetime, limit: int = 5000
) -> list[int]:
    """Units said during [start, end) or talking about a period overlapping it."""
    a, b = to_iso(start), to_iso(end)
    rows = conn.execute(
        "SELECT id FROM search_units WHERE at >= ? AND at < ?"
        " UNION SELECT unit_id FROM search_times WHERE start < ? AND end > ? LIMIT ?",
        (a, b, b, a, limit),
    )
    return [r[0] for r in rows]


def fts_query(terms: Iterable[str]) -> str:
    """An OR query of quoted terms: quoting keeps user text from being FTS5 syntax."""
    unique = dict.fromkeys(t.replace('"', "") for t in terms if t)
    return " OR ".join(f'"{t}"' for t in unique if t)


def lexical(
    conn: sqlite3.Connection,
    terms: Sequence[str],
    *,
    limit: int,
    weights: tuple[float, float] = (1.0, 0.5),
    kind: str | None = None,
) -> list[tuple[int, float]]:
    """BM25 over the unit's own terms and its context, best first; higher score is better."""
    query = fts_query(terms)
    if not query:
        return []
    if getattr(conn, "dialect", "sqlite") == "postgres":  # no FTS5 there: the same BM25 in NumPy
        from pasi.vault.lexical import LexicalIndex

        index = LexicalIndex()
        index.refresh(conn, object())
        return index.search(list(dict.fromkeys(terms)), limit, weights=weights, kind=kind)
    rank = f"bm25(search_fts, {weights[0]}, {weights[1]})"
    sql = f"SELECT search_fts.rowid, -{rank} FROM search_fts"
    args: list[object] = [query]
    if kind is not None:
        sql += " JOIN search_units u ON u.id = search_fts.rowid WHERE search_fts MATCH ? AND u.kind = ?"
        args.append(kind)
    else:
        sql += " WHERE search_fts MATCH ?"
    rows = conn.execute(f"{sql} ORDER BY {rank} LIMIT ?", (*args, limit))
    return [(r[0], float(r[1])) for r in rows]


@dataclass(frozen=True)
class Traits:
    """What scoring needs to know of a candidate unit, read in one query."""

    kind: str
    speaker: str | None
    closed: bool  # a memory that was superseded or has ended
    reply: bool = False  # a turn the assistant wrote: evidence of what pasi said


def unit_traits(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, Traits]:
    found: dict[int, Traits] = {}
    rows = _rows_in(
        conn,
        "SELECT u.id, u.kind, u.speaker,"
        " m.superseded_by IS NOT NULL OR m.valid_to IS NOT NULL,"
        " COALESCE(e.role = 'assistant', 0)"
        " FROM search_units u LEFT JOIN memories m ON u.kind = 'memory' AND m.id = u.ref_id"
        " LEFT JOIN episodes e ON u.kind = 'episode' AND e.id = u.ref_id"
        " WHERE u.id IN ({marks})",
        ids,
    )
    for unit_id, kind, speaker, closed, reply in rows:
        found[unit_id] = Traits(kind, speaker, bool(closed), bool(reply))
    return found


def get_units(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, Unit]:
    found: dict[int, Unit] = {}
    rows = _rows_in(
        conn,
        "SELECT id, kind, ref_id, session, speaker, at FROM search_units WHERE id IN ({marks})",
        ids,
        size=500,
    )
    for r in rows:
        found[r[0]] = Unit(r[0], r[1], r[2], r[3], r[4], from_iso(r[5]))
    return found


def count_units(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM search_units").fetchone()[0]


def unit_origins(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each episode unit's source kind and URI (memories have none here)."""
    found: dict[int, tuple[str, str]] = {}
    rows = _rows_in(
        conn,
        "SELECT u.id, s.kind, s.uri FROM search_units u"
        " JOIN episodes e ON u.kind = 'episode' AND e.id = u.ref_id"
        " JOIN sources s ON s.id = e.source_id"
        " WHERE u.id IN ({marks})",
        ids,
    )
    found.update((unit_id, (kind, uri)) for unit_id, kind, uri in rows)
    return found


def unit_terms(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, list[str]]:
    """The analysed terms of some units (their own column, not their neighbours')."""
    found: dict[int, list[str]] = {}
    rows = _rows_in(
        conn,
        "SELECT rowid, terms FROM search_fts WHERE rowid IN ({marks})",
        ids,
    )
    found.update((r[0], r[1].split()) for r in rows)
    return found
