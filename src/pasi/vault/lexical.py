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

A plain vault keeps the postings on disk (:mod:`pasi.vault.postings`, checked against the vault
by :mod:`pasi.vault.index_files`): a new process maps them and reads only what was written since.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pasi.vault import index_files as files
from pasi.vault.postings import PREFIX, Part, Segment, compact, write_segment
from pasi.vault.vectors import unit_watermark

K1 = 1.2
B = 0.75
LOAD_CHUNK = 20_000
NAME = "lexical"
UNITS_PREFIX = "lexunits"


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
        self._postings: dict[str, _Postings] = {}  # entries not yet in a saved segment
        self._segments: list[Segment] = []  # saved entries, memory-mapped
        self._lineage = secrets.token_hex(6)  # saved files extend only their own lineage
        self._saved_count = 0  # positions held by the saved segments
        self._unsaved = 0  # units added or rewritten since the last save
        # By position, in buffers that grow by doubling (a chat turn appends without copying):
        self._count = 0
        self._ids = np.zeros(0, dtype=np.int64)
        self._lengths = np.zeros(0, dtype=np.float32)  # tokens in all columns
        self._memory = np.zeros(0, dtype=bool)  # a memory, not an episode
        self._alive = np.zeros(0, dtype=bool)  # False once a unit was rewritten at a new position
        self._where_map: dict[int, int] | None = {}  # unit id -> its live position (lazy)
        self._live = 0
        self._live_tokens = 0
        self._normalisers: np.ndarray | None = None  # BM25's k1 x length term, by position
        self._max_unit = 0
        self._deletions_seen = -1
        self._log_seen = 0

    @property
    def size(self) -> int:
        return self._live

    @property
    def unsaved(self) -> int:
        return self._unsaved

    @property
    def _where(self) -> dict[int, int]:
        if self._where_map is None:  # built on the first rewrite after a load, not at open
            live = np.flatnonzero(self._alive[: self._count])
            self._where_map = dict(zip(self._ids[live].tolist(), live.tolist(), strict=True))
        return self._where_map

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
                self._live -= 1
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
            if self._where_map is not None:  # else the lazy map will find it in the arrays
                self._where_map[unit_id] = position
        self._live += len(rows)
        self._unsaved += len(rows)
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
        found = [p for t in dict.fromkeys(terms) if (p := self._parts(t))]
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
        for parts in found:
            positions, occurrences = _joined(parts)
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

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """How many live units say each term in their own words (not their neighbours'), for
        callers weighing how rare a term is."""
        alive = self._alive
        return {
            term: sum(int((alive[at] & (said[:, 0] > 0)).sum()) for at, said in self._parts(term))
            for term in dict.fromkeys(terms)
        }

    def _parts(self, term: str) -> list[Part]:
        """The term's entries in position order: from each saved segment, then unsaved."""
        parts = [p for s in self._segments if (p := s.part(term)) is not None]
        fresh = self._postings.get(term)
        if fresh is not None:
            parts.append(fresh.arrays())
        return parts

    # -- on disk -------------------------------------------------------------------------------

    def load(
        self, folder: Path, conn: sqlite3.Connection, now: files.Watermark | None = None
    ) -> bool:
        """Take the saved postings if they still describe the vault (the rest is read on the
        next refresh); False leaves the index empty, to be built from the vault."""
        manifest = files.read_manifest(folder, NAME)
        if manifest is None:
            return False
        mark = files.manifest_mark(manifest)
        if not files.still_valid(conn, mark, now):
            return False
        try:
            segments = [Segment(folder, name) for name in manifest["segments"]]
            with np.load(folder / manifest["units"]) as saved:
                ids, lengths = saved["ids"], saved["lengths"]
                memory, alive = saved["memory"], saved["alive"]
        except (OSError, ValueError, KeyError):
            return False  # a file went missing under us (another process rebuilt): rebuild
        self._clear()
        self._segments, self._lineage = segments, manifest["lineage"]
        self._count = self._saved_count = len(ids)
        self._ids, self._lengths, self._memory, self._alive = ids, lengths, memory, alive
        self._where_map = None
        self._live = int(alive.sum())
        self._live_tokens = int(manifest["live_tokens"])
        self._max_unit, self._deletions_seen, self._log_seen = (
            mark.max_unit,
            mark.deletions,
            mark.log_seq,
        )
        return True

    def save(self, folder: Path, conn: sqlite3.Connection) -> files.Watermark | None:
        """Write what changed since the last save, if the index is level with the vault."""
        with files.save_lock(folder) as mine:
            if not mine:
                return None
            seen = (self._max_unit, self._deletions_seen, self._log_seen)
            level = files.level_for_save(conn, folder, NAME, seen)
            if level is None:
                return None
            mark, on_disk = level
            if on_disk is None or on_disk["lineage"] != self._lineage:
                # Another lineage on disk (or none): write everything this index holds.
                self._segments = [write_segment(folder, self._all_terms(), self._alive)]
            elif self._postings:
                fresh = write_segment(folder, self._fresh_terms(), self._alive)
                self._segments = compact(folder, [*self._segments, fresh], self._alive)
            self._postings, self._saved_count = {}, self._count
            units = f"{UNITS_PREFIX}-{secrets.token_hex(6)}.npz"
            with open(folder / units, "wb") as out:
                np.savez(
                    out,
                    ids=self._ids[: self._count],
                    lengths=self._lengths[: self._count],
                    memory=self._memory[: self._count],
                    alive=self._alive[: self._count],
                )
            names = [s.name for s in self._segments]
            files.write_manifest(
                folder,
                NAME,
                mark,
                {"lineage": self._lineage, "segments": names, "units": units,
                 "live_tokens": self._live_tokens},
            )  # fmt: skip
            keep = {units} | set().union(*(s.files() for s in self._segments))
            files.remove_unlisted(folder, PREFIX, keep)
            files.remove_unlisted(folder, UNITS_PREFIX, keep)
        self._unsaved = 0
        return mark

    def _fresh_terms(self) -> list[tuple[str, list[Part]]]:
        return [(t, [self._postings[t].arrays()]) for t in sorted(self._postings)]

    def _all_terms(self) -> list[tuple[str, list[Part]]]:
        vocabulary = set(self._postings).union(*(s.terms for s in self._segments))
        return [(t, self._parts(t)) for t in sorted(vocabulary)]


def _joined(parts: list[Part]) -> Part:
    if len(parts) == 1:
        return parts[0]
    return np.concatenate([p for p, _ in parts]), np.concatenate([o for _, o in parts])
