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


def add_unit(
    conn: sqlite3.Connection,
    *,
    kind: str,
    ref_id: int,
    terms: str,
    context: str = "",
    session: str | None = None,
    speaker: str | None = None,
    at: datetime | None = None,
    vector: np.ndarray | None = None,
) -> int:
    blob = None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()
    cur = conn.execute(
        "INSERT INTO search_units (kind, ref_id, session, speaker, at, vector)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (kind, ref_id, session, speaker, to_iso(at), blob),
    )
    unit_id = int(cur.lastrowid)  # type: ignore[arg-type]
    conn.execute(
        "INSERT INTO search_fts (rowid, terms, context) VALUES (?, ?, ?)",
        (unit_id, terms, context),
    )
    return unit_id


def unit_id_for(conn: sqlite3.Connection, kind: str, ref_id: int) -> int | None:
    row = conn.execute(
        "SELECT id FROM search_units WHERE kind = ? AND ref_id = ?", (kind, ref_id)
    ).fetchone()
    return row[0] if row else None


def set_context(conn: sqlite3.Connection, unit_id: int, context: str) -> None:
    row = conn.execute("SELECT terms FROM search_fts WHERE rowid = ?", (unit_id,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM search_fts WHERE rowid = ?", (unit_id,))
    conn.execute(
        "INSERT INTO search_fts (rowid, terms, context) VALUES (?, ?, ?)",
        (unit_id, row[0], context),
    )


def remove_unit(conn: sqlite3.Connection, kind: str, ref_id: int) -> None:
    unit_id = unit_id_for(conn, kind, ref_id)
    if unit_id is not None:
        conn.execute("DELETE FROM search_fts WHERE rowid = ?", (unit_id,))
        conn.execute("DELETE FROM search_units WHERE id = ?", (unit_id,))


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
    """BM25 over the unit's own terms and its context; higher score is better."""
    query = fts_query(terms)
    if not query:
        return []
    weight_args = f"{weights[0]}, {weights[1]}"
    if kind is None:
        sql = (
            f"SELECT rowid, -bm25(search_fts, {weight_args}) AS score FROM search_fts"
            " WHERE search_fts MATCH ? ORDER BY bm25(search_fts, "
            f"{weight_args}) LIMIT ?"
        )
        rows = conn.execute(sql, (query, limit))
    else:
        sql = (
            f"SELECT f.rowid, -bm25(search_fts, {weight_args}) AS score FROM search_fts f"
            " JOIN search_units u ON u.id = f.rowid WHERE search_fts MATCH ? AND u.kind = ?"
            f" ORDER BY bm25(search_fts, {weight_args}) LIMIT ?"
        )
        rows = conn.execute(sql, (query, kind, limit))
    return [(r[0], float(r[1])) for r in rows]


def get_units(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, Unit]:
    wanted = list(dict.fromkeys(ids))
    found: dict[int, Unit] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT id, kind, ref_id, session, speaker, at FROM search_units WHERE id IN ({marks})",
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
