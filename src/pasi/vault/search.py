"""The search index inside the vault: FTS5 for lexical scores, float32 BLOBs for vectors.

The vault stores and searches; it never analyses text or calls a model. Callers hand it
analysed terms (already stemmed) and vectors, and get back unit ids with raw scores.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from pasi.clock import from_iso, to_iso


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


def session_embeddings(conn: sqlite3.Connection, session: str) -> dict[int, np.ndarray]:
    """Own embeddings of the episode units of a session, by episode id."""
    rows = conn.execute(
        "SELECT ref_id, COALESCE(embedding, vector) FROM search_units"
        " WHERE session = ? AND kind = 'episode' AND vector IS NOT NULL",
        (session,),
    )
    return {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in rows}


def remove_unit(conn: sqlite3.Connection, kind: str, ref_id: int) -> None:
    unit_id = unit_id_for(conn, kind, ref_id)
    if unit_id is not None:
        conn.execute("DELETE FROM search_fts WHERE rowid = ?", (unit_id,))
        conn.execute("DELETE FROM search_units WHERE id = ?", (unit_id,))


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
    among: Iterable[int] | None = None,
) -> list[tuple[int, float]]:
    """BM25 over the unit's own terms and its context; higher score is better.

    ``among`` restricts the result to those unit ids (e.g. the units of a time period). It is
    applied after matching: FTS5 evaluates ``rowid IN (...)`` one row at a time, which is
    far slower than scoring every match once.
    """
    query = fts_query(terms)
    if not query:
        return []
    rank = f"bm25(search_fts, {weights[0]}, {weights[1]})"
    sql = f"SELECT search_fts.rowid, -{rank} FROM search_fts"
    args: list[object] = [query]
    if kind is not None:
        sql += " JOIN search_units u ON u.id = search_fts.rowid WHERE search_fts MATCH ? AND u.kind = ?"
        args.append(kind)
    else:
        sql += " WHERE search_fts MATCH ?"
    if among is None:
        rows = conn.execute(f"{sql} ORDER BY {rank} LIMIT ?", (*args, limit))
        return [(r[0], float(r[1])) for r in rows]
    wanted = set(among)
    found = [(r[0], float(r[1])) for r in conn.execute(sql, args) if r[0] in wanted]
    return sorted(found, key=lambda hit: -hit[1])[:limit]


def get_units(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, Unit]:
    wanted = list(dict.fromkeys(ids))
    found: dict[int, Unit] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT id, kind, ref_id, session, speaker, at FROM search_units"
            f" WHERE id IN ({marks})",
            chunk,
        )
        for r in rows:
            found[r[0]] = Unit(r[0], r[1], r[2], r[3], r[4], from_iso(r[5]))
    return found


def count_units(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM search_units").fetchone()[0]


class VectorIndex:
    """All unit vectors as one matrix in memory; cosine by a matrix-vector product.

    Refreshed lazily: new rows are appended by id; any deletion triggers a full reload.
    Brute force is 2-8 ms per query at 100k x 256 on this machine (DESIGN.md).
    """

    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self._seen_version: object = None

    def refresh(self, conn: sqlite3.Connection, version: object) -> None:
        if version == self._seen_version:
            return
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM search_units WHERE vector IS NOT NULL"
        ).fetchone()
        last = int(self.ids[-1]) if len(self.ids) else 0
        if count < len(self.ids) or (
            len(self.ids)
            and conn.execute(
                "SELECT COUNT(*) FROM search_units WHERE vector IS NOT NULL AND id <= ?", (last,)
            ).fetchone()[0]
            != len(self.ids)
        ):
            self.ids = np.zeros(0, dtype=np.int64)
            self.matrix = np.zeros((0, 0), dtype=np.float32)
            last = 0
        self._append(conn, last)
        self._seen_version = version

    def _append(self, conn: sqlite3.Connection, after_id: int) -> None:
        rows = conn.execute(
            "SELECT id, vector FROM search_units WHERE vector IS NOT NULL AND id > ? ORDER BY id",
            (after_id,),
        ).fetchall()
        if not rows:
            return
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        dim = len(rows[0][1]) // 4
        block = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(-1, dim)
        if self.matrix.size == 0:
            self.ids, self.matrix = ids, block.copy()
        else:
            self.ids = np.concatenate([self.ids, ids])
            self.matrix = np.vstack([self.matrix, block])

    def search(
        self, query: np.ndarray, limit: int, among: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top ``limit`` unit ids by dot product (vectors are stored normalised)."""
        if self.matrix.size == 0:
            return []
        scores = self.matrix @ np.asarray(query, dtype=np.float32)
        if among is not None:
            mask = np.isin(self.ids, among)
            scores = np.where(mask, scores, -np.inf)
        limit = min(limit, len(scores))
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]

    def scores_for(self, query: np.ndarray, unit_ids: Sequence[int]) -> dict[int, float]:
        if self.matrix.size == 0 or not unit_ids:
            return {}
        positions = np.searchsorted(self.ids, np.asarray(unit_ids, dtype=np.int64))
        positions = np.clip(positions, 0, len(self.ids) - 1)
        result = {}
        q = np.asarray(query, dtype=np.float32)
        for unit_id, pos in zip(unit_ids, positions, strict=True):
            if self.ids[pos] == unit_id:
                result[unit_id] = float(self.matrix[pos] @ q)
        return result
