"""BM25 over postings held in NumPy arrays: FTS5's ``bm25()`` formula, without its per-row cost.

FTS5 stays the durable index (it stores every unit's analysed terms), but scoring in it costs
~1.2 µs per matching row and it must score every match to sort by rank: 8 ms mean and 17 ms
p95 at 100k memories, most of a recall (docs/benchmarks.md). Here each term's postings are
arrays, and a query is a few vectorised operations per term.

The formula is FTS5's: for each query term, ``idf = ln((N - n + 0.5) / (n + 0.5))`` (at least
1e-6), ``w = sum of column weight x occurrences in that column``, and the term adds
``idf * w * (k1 + 1) / (w + k1 * (1 - b + b * dl / avgdl))``, where ``dl`` counts the unit's
tokens in all columns. Kept in step like the vector index: new units are appended, units whose
context was rewritten (``search_vector_log``) are re-added with the old entry marked dead, and a
deletion anywhere triggers a full reload.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence

import numpy as np

from pasi.vault.vectors import unit_watermark

K1 = 1.2
B = 0.75
LOAD_CHUNK = 20_000


class _Postings:
    """One term's entries: unit positions and occurrences per column, in parts merged on use."""

    __slots__ = ("parts",)

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if len(self.parts) > 1:
            positions = np.concatenate([p for p, _ in self.parts])
            occurrences = np.concatenate([o for _, o in self.parts])
            self.parts = [(positions, occurrences)]
        return self.parts[0]


class LexicalIndex:
    def __init__(self) -> None:
        self._seen_version: object = None
        self._clear()

    def _clear(self) -> None:
        self._postings: dict[str, _Postings] = {}
        # By position, in buffers that grow by doubling (a chat turn appends without copying):
        self._count = 0
        self._ids = np.zeros(0, dtype=np.int64)
        self._lengths = np.zeros(0, dtype=np.float32)  # tokens in all columns
        self._memory = np.zeros(0, dtype=bool)  # a memory, not an episode
        self._alive = np.zeros(0, dtype=bool)  # False once a unit was rewritten at a new position
        self._where: dict[int, int] = {}  # unit id -> its live position
        self._live_tokens = 0
        self._normalisers: np.ndarray | None = None  # BM25's k1 x length term, by position
        self._max_unit = 0
        self._deletions_seen = -1
        self._log_seen = 0

    @property
    def size(self) -> int:
        return len(self._where)

    # -- keeping in step with the vault --------------------------------------------------------

    def refresh(self, conn: sqlite3.Connection, version: object) -> None:
        if version == self._seen_version:
            return
        max_unit, deletions = unit_watermark(conn)
        (last_log,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM search_vector_log").fetchone()
        if deletions != self._deletions_seen:
            self._clear()
            self._log_seen = last_log  # a full load reads current terms: nothing to re-read
        self._reread_rewritten(conn, last_log)
        self._load(conn, self._max_unit, max_unit)
        self._deletions_seen, self._max_unit = deletions, max_unit
        self._seen_version = version

    def _load(self, conn: sqlite3.Connection, after_id: int, up_to: int) -> None:
        while True:
            rows = conn.execute(
                "SELECT f.rowid, f.terms, f.context, u.kind FROM search_fts f"
                " JOIN search_units u ON u.id = f.rowid WHERE f.rowid > ? AND f.rowid <= ?"
                " ORDER BY f.rowid LIMIT ?",
                (after_id, up_to, LOAD_CHUNK),
            ).fetchall()
            if not rows:
                return
            self._add(rows)
            after_id = rows[-1][0]

    def _reread_rewritten(self, conn: sqlite3.Connection, up_to_seq: int) -> None:
        if up_to_seq <= self._log_seen:
            return
        logged = conn.execute(
            "SELECT DISTINCT unit_id FROM search_vector_log WHERE seq > ? AND seq <= ?"
            " AND unit_id <= ?",
            (self._log_seen, up_to_seq, self._max_unit),
        ).fetchall()
        # One FTS5 lookup by rowid per unit: joined to the log, SQLite scans the FTS table.
        rows = [
            row
            for (unit_id,) in logged
            for row in conn.execute(
                "SELECT f.rowid, f.terms, f.context, u.kind FROM search_fts f"
                " JOIN search_units u ON u.id = f.rowid WHERE f.rowid = ?",
                (unit_id,),
            )
        ]
        self._log_seen = up_to_seq
        for unit_id, *_ in rows:
            old = self._where.pop(unit_id, None)
            if old is not None:
                self._alive[old] = False
                self._live_tokens -= int(self._lengths[old])
        self._add(rows)

    def _add(self, rows: Sequence[tuple[int, str, str, str]]) -> None:
        """Append units (id, terms, context, kind) at the next positions."""
        entries: dict[str, list[tuple[int, int, int]]] = {}
        lengths = []
        for offset, (unit_id, terms, context, _) in enumerate(rows):
            position = self._count + offset
            own, around = Counter(terms.split()), Counter(context.split())
            for term in own.keys() | around.keys():
                entries.setdefault(term, []).append((position, own[term], around[term]))
            lengths.append(own.total() + around.total())
            self._where[unit_id] = position
        self._append_columns(rows, lengths)
        for term, found in entries.items():
            table = np.array(found, dtype=np.int64)
            postings = self._postings.get(term)
            if postings is None:
                postings = self._postings[term] = _Postings()
            postings.parts.append((table[:, 0], table[:, 1:].astype(np.float32)))

    def _append_columns(
        self, rows: Sequence[tuple[int, str, str, str]], lengths: list[int]
    ) -> None:
        end = self._count + len(rows)
        if end > len(self._ids):
            capacity = max(end, 2 * len(self._ids), 1024)
            for name in ("_ids", "_lengths", "_memory", "_alive"):
                old = getattr(self, name)
                grown = np.zeros(capacity, dtype=old.dtype)
                grown[: self._count] = old[: self._count]
                setattr(self, name, grown)
        self._ids[self._count : end] = [row[0] for row in rows]
        self._lengths[self._count : end] = lengths
        self._memory[self._count : end] = [row[3] == "memory" for row in rows]
        self._alive[self._count : end] = True
        self._live_tokens += sum(lengths)
        self._count = end
        self._normalisers = None

    # -- searching -----------------------------------------------------------------------------

    def search(
        self,
        terms: Sequence[str],
        limit: int,
        *,
        weights: tuple[float, float] = (1.0, 0.5),
        kind: str | None = None,
    ) -> list[tuple[int, float]]:
        """Top ``limit`` unit ids by BM25, best first (the scores FTS5's bm25() gives)."""
        found = [self._postings[t] for t in dict.fromkeys(terms) if t in self._postings]
        if not found or not self.size:
            return []
        count, alive = self._count, self._alive
        units = float(self.size)
        if self._normalisers is None:  # the average length moves with every change
            average = self._live_tokens / units or 1.0
            self._normalisers = K1 * (1 - B + B * self._lengths[:count] / average)
        k = self._normalisers
        column_weights = np.array(weights, dtype=np.float32)
        scores = np.zeros(count, dtype=np.float32)
        for postings in found:
            positions, occurrences = postings.arrays()
            live = alive[positions]
            positions, occurrences = positions[live], occurrences[live]
            hits = len(positions)
            if not hits:
                continue
            idf = max(float(np.log((units - hits + 0.5) / (hits + 0.5))), 1e-6)
            w = occurrences @ column_weights
            scores[positions] += idf * w * (K1 + 1) / (w + k[positions])
        matched = np.flatnonzero(scores > 0)
        if kind is not None:
            matched = matched[self._memory[matched] == (kind == "memory")]
        if not len(matched):
            return []
        limit = min(limit, len(matched))
        best = matched[np.argpartition(-scores[matched], limit - 1)[:limit]]
        best = best[np.argsort(-scores[best], kind="stable")]
        return list(zip(self._ids[best].tolist(), scores[best].astype(float).tolist(), strict=True))
