"""Dense search: every unit vector held in memory and scored by matrix-vector products.

The index is loaded lazily from ``search_units`` and kept in step by appending rows added since
the last look, and by patching rows whose vector was rewritten in place (``search_vector_log``);
a deletion triggers a full reload. The check for changes runs on the first recall after every
write, so it reads the highest unit id and a deletion counter kept by a trigger (both O(1)),
never the vector column (about 100 ms at 100k units). Rows are read in chunks into buffers that
grow by doubling, so loading 1M vectors needs the matrix plus one chunk, and an append copies nothing.

Large indexes are searched in two stages. Matryoshka-trained embedders (WordLlama, OpenAI's
text-embedding-3) put most of the meaning in the first dimensions, so a scan of the first
``prefix_dims`` dimensions, renormalised, picks a shortlist that is then scored exactly with all
dimensions. Measured with WordLlama at 100k x 256 on 2 cores, for a top 100 (the retriever's
candidate count): a 64-dimension scan with a shortlist of 1,000 keeps 97.5% of the exact top 100
in 2.2 ms, against 99.7% in 4.6 ms for 128 dimensions and 6.8 ms for the exact search
(docs/benchmarks.md). The rows it loses rank near 100, where they barely move a fused ranking.
Below ``exact_below`` rows every search is exact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np

PREFIX_DIMS = 64
EXACT_BELOW = 50_000
SHORTLIST = 1_000
LOAD_CHUNK = 20_000


def unit_watermark(conn: sqlite3.Connection) -> tuple[int, int]:
    """(the highest unit id, how many units were ever deleted): both O(1) to read.

    Ids only grow, so a cache holding every unit up to the first number, with the second
    unchanged, needs only the units above it.
    """
    (max_unit,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM search_units").fetchone()
    (deletions,) = conn.execute("SELECT count FROM search_deletions WHERE id = 1").fetchone()
    return int(max_unit), int(deletions)


class VectorIndex:
    """Cosine search over unit vectors (stored normalised, so a dot product is the cosine)."""

    def __init__(
        self,
        prefix_dims: int = PREFIX_DIMS,
        exact_below: int = EXACT_BELOW,
        shortlist: int = SHORTLIST,
    ) -> None:
        self.prefix_dims = prefix_dims
        self.exact_below = exact_below
        self.shortlist = shortlist
        self._seen_version: object = None
        self._clear()

    def _clear(self) -> None:
        self.size = 0
        self._ids = np.zeros(0, dtype=np.int64)
        self._head = np.zeros((0, 0), dtype=np.float32)  # first dims, each row renormalised
        self._head_norm = np.zeros(0, dtype=np.float32)  # to turn a head row back into raw
        self._tail = np.zeros((0, 0), dtype=np.float32)  # the remaining dims, raw
        self._deletions_seen = -1  # units ever deleted, at the last refresh
        self._max_unit = 0
        self._log_seen = 0  # the last search_vector_log entry applied

    @property
    def ids(self) -> np.ndarray:
        return self._ids[: self.size]

    # -- keeping in step with the vault --------------------------------------------------------

    def refresh(self, conn: sqlite3.Connection, version: object) -> None:
        if version == self._seen_version:
            return
        max_unit, deletions = unit_watermark(conn)
        (last_log,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM search_vector_log").fetchone()
        if deletions != self._deletions_seen:  # a unit was removed
            self._clear()
        if self.size == 0:
            self._log_seen = last_log  # a full load reads current vectors: nothing to patch
        self._patch(conn, last_log)
        max_unit = max_unit or 0
        self._load(conn, self._max_unit, max_unit)  # rows written meanwhile wait for next time
        self._deletions_seen, self._max_unit = deletions, max_unit
        self._seen_version = version

    def _patch(self, conn: sqlite3.Connection, up_to_seq: int) -> None:
        """Overwrite loaded rows whose vector changed since the last refresh."""
        if up_to_seq <= self._log_seen:
            return
        rows = conn.execute(
            "SELECT DISTINCT u.id, u.vector FROM search_vector_log l JOIN search_units u"
            " ON u.id = l.unit_id WHERE l.seq > ? AND l.seq <= ? AND u.vector IS NOT NULL",
            (self._log_seen, up_to_seq),
        ).fetchall()
        self._log_seen = up_to_seq
        if not rows or self.size == 0:
            return
        ids, positions = self._positions(np.array([r[0] for r in rows], dtype=np.int64))
        vectors = {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in rows}
        head_dims = self._head.shape[1]
        for unit_id, row in zip(ids.tolist(), positions.tolist(), strict=True):
            vector = vectors[unit_id]
            norm = float(np.linalg.norm(vector[:head_dims])) or 1.0
            self._head[row] = vector[:head_dims] / norm
            self._head_norm[row] = norm
            self._tail[row] = vector[head_dims:]

    def _load(self, conn: sqlite3.Connection, after_id: int, up_to: int) -> None:
        while True:
            rows = conn.execute(
                "SELECT id, vector FROM search_units WHERE vector IS NOT NULL AND id > ?"
                " AND id <= ? ORDER BY id LIMIT ?",
                (after_id, up_to, LOAD_CHUNK),
            ).fetchall()
            if not rows:
                return
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            dim = len(rows[0][1]) // 4
            block = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
            self._append(ids, block.reshape(-1, dim))
            after_id = int(ids[-1])

    def _append(self, ids: np.ndarray, block: np.ndarray) -> None:
        if self.size == 0:
            self._allocate(len(ids), block.shape[1])
        elif self.size + len(ids) > len(self._ids):
            self._grow(self.size + len(ids))
        head_dims = self._head.shape[1]
        head = block[:, :head_dims]
        norms = np.linalg.norm(head, axis=1)
        end = self.size + len(ids)
        self._ids[self.size : end] = ids
        self._head_norm[self.size : end] = norms
        self._head[self.size : end] = head / np.where(norms > 0, norms, 1.0)[:, None]
        self._tail[self.size : end] = block[:, head_dims:]
        self.size = end

    def _allocate(self, capacity: int, dim: int) -> None:
        head_dims = min(self.prefix_dims, dim)
        self._ids = np.zeros(capacity, dtype=np.int64)
        self._head = np.zeros((capacity, head_dims), dtype=np.float32)
        self._head_norm = np.zeros(capacity, dtype=np.float32)
        self._tail = np.zeros((capacity, dim - head_dims), dtype=np.float32)

    def _grow(self, needed: int) -> None:
        capacity = max(needed, 2 * len(self._ids))
        self._ids = np.resize(self._ids, capacity)
        self._head_norm = np.resize(self._head_norm, capacity)
        self._head = np.resize(self._head, (capacity, self._head.shape[1]))
        self._tail = np.resize(self._tail, (capacity, self._tail.shape[1]))

    # -- searching -----------------------------------------------------------------------------

    def _split(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q = np.asarray(query, dtype=np.float32)
        head_dims = self._head.shape[1]
        return q[:head_dims], q[head_dims:]

    def _exact(self, query: np.ndarray, rows: np.ndarray | slice) -> np.ndarray:
        """Full dot products for the given row positions."""
        qh, qt = self._split(query)
        return (self._head[rows] @ qh) * self._head_norm[rows] + self._tail[rows] @ qt

    def search(
        self, query: np.ndarray, limit: int, among: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top ``limit`` unit ids by dot product, best first; ``among`` restricts the ids."""
        if self.size == 0 or limit <= 0:
            return []
        if among is not None:
            rows = self._positions(np.asarray(among, dtype=np.int64))[1]
        elif self.size < self.exact_below or self._tail.shape[1] == 0:
            # A slice, not np.arange: fancy indexing would copy the whole matrix first
            # (10 ms of a 10k-unit search on a busy 2-core machine, against ~1 ms).
            scores = self._exact(query, slice(0, self.size))
            return self._top(np.arange(self.size), scores, limit)
        else:
            rows = self._shortlist(query, max(self.shortlist, 5 * limit))
        scores = self._exact(query, rows)
        return self._top(rows, scores, limit)

    def _shortlist(self, query: np.ndarray, count: int) -> np.ndarray:
        qh, _ = self._split(query)
        norm = float(np.linalg.norm(qh)) or 1.0
        coarse = self._head[: self.size] @ (qh / norm)
        count = min(count, self.size)
        return np.argpartition(-coarse, count - 1)[:count]

    def _top(self, rows: np.ndarray, scores: np.ndarray, limit: int) -> list[tuple[int, float]]:
        limit = min(limit, len(scores))
        if limit == 0:
            return []
        best = np.argpartition(-scores, limit - 1)[:limit]
        best = best[np.argsort(-scores[best])]
        ids = self._ids[rows[best]]
        return list(zip(ids.tolist(), scores[best].tolist(), strict=True))

    def _positions(self, unit_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the given ids that are loaded, their row positions)."""
        ids = self.ids
        positions = np.clip(np.searchsorted(ids, unit_ids), 0, max(self.size - 1, 0))
        found = ids[positions] == unit_ids
        return unit_ids[found], positions[found]

    def scores_for(self, query: np.ndarray, unit_ids: Sequence[int]) -> dict[int, float]:
        if self.size == 0 or not unit_ids:
            return {}
        ids, rows = self._positions(np.asarray(unit_ids, dtype=np.int64))
        return dict(zip(ids.tolist(), self._exact(query, rows).tolist(), strict=True))
