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
Below ``exact_below`` rows every search is exact. Above ``graph_above`` rows (1M) the scan
itself is replaced by an approximate graph over the same heads when one has been built
(:mod:`pasi.vault.graph`), and the shortlist is still scored exactly.

A plain vault keeps the matrix on disk (``index/``, checked against the vault by
:mod:`pasi.vault.index_files`) in files with room to grow: a new process maps them copy-on-write
(nothing is read until searched), appends new rows into the mapping, and a save writes the new
and rewritten rows into the files in place, or whole files when the room runs out. The tail of
saved rows is read with ``pread``, not through the mapping (see :meth:`VectorIndex._tail_rows`).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from pasi.vault import graph as graphs
from pasi.vault import index_files as files

PREFIX_DIMS = 64
EXACT_BELOW = 50_000
SHORTLIST = 1_000
GRAPH_SHORTLIST = 1_000  # rows the graph shortlists for exact scoring (docs/benchmarks.md)
LOAD_CHUNK = 20_000
NAME = "vectors"
PREFIX = "vec"
WRITE_BLOCK = 65_536  # rows per write when a new file set is written
ROOM = 65_536  # rows of room a new file set gets beyond what it holds (plus a quarter)


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
        graph_above: int = graphs.GRAPH_ABOVE,
        graph_shortlist: int = GRAPH_SHORTLIST,
    ) -> None:
        self.prefix_dims = prefix_dims
        self.exact_below = exact_below
        self.shortlist = shortlist
        self.graph_above = graph_above
        self.graph_shortlist = graph_shortlist
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
        self._saved: tuple[str, int, int] | None = None  # (file set, its capacity, rows in it)
        self._tail_file: BinaryIO | None = None  # the saved tail, read row by row
        self._stem: Path | None = None  # the mapped file set (its path without the suffix)
        self._saved_rows = 0
        self._dirty: set[int] = set()  # rows rewritten since the last save
        self._graph: graphs.HeadGraph | None = None  # above graph_above rows (pasi.vault.graph)
        self._graph_stale: set[int] = set()  # graph rows rewritten since it was built
        self._unsaved = 0

    @property
    def unsaved(self) -> int:
        return self._unsaved

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
            self._dirty.add(row)
            if self._graph is not None and row < self._graph.rows:
                self._graph_stale.add(row)
        self._unsaved += len(rows)

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
        self._unsaved += len(ids)

    def _allocate(self, capacity: int, dim: int) -> None:
        head_dims = min(self.prefix_dims, dim)
        self._ids = np.zeros(capacity, dtype=np.int64)
        self._head = np.zeros((capacity, head_dims), dtype=np.float32)
        self._head_norm = np.zeros(capacity, dtype=np.float32)
        self._tail = np.zeros((capacity, dim - head_dims), dtype=np.float32)

    def _grow(self, needed: int) -> None:
        if self._saved is not None and self._stem is not None:
            try:
                self._grow_files(needed)
                return
            except OSError:  # the files were replaced by another process: copy, save anew
                pass
        self._saved = None  # copied out of the mapped files: the next save writes new ones
        self._tail_file, self._saved_rows, self._stem = None, 0, None
        capacity = max(needed, 2 * len(self._ids))
        self._ids = np.resize(self._ids, capacity)
        self._head_norm = np.resize(self._head_norm, capacity)
        self._head = np.resize(self._head, (capacity, self._head.shape[1]))
        self._tail = np.resize(self._tail, (capacity, self._tail.shape[1]))

    def _grow_files(self, needed: int) -> None:
        """Lengthen the saved files in place and map them again, rather than copying the
        matrix into memory (at 10M units a doubled copy would be 20 GB): rows not yet saved
        are carried over from the old mapping's private pages."""
        assert self._saved is not None and self._stem is not None
        name, capacity, saved_rows = self._saved
        capacity = max(needed, capacity + max(ROOM, capacity // 4))
        dirty = np.array(sorted(self._dirty), dtype=np.int64)
        pending = {
            suffix: (np.array(array[saved_rows : self.size]), np.array(array[dirty]))
            for suffix, array in self._arrays().items()
        }
        dim = self._head.shape[1] + self._tail.shape[1]
        for suffix, array in self._arrays().items():
            path = Path(f"{self._stem}.{suffix}")
            wanted = capacity * (array[:1].nbytes if array.ndim > 1 else 4)
            if path.stat().st_size < wanted:  # never shorten: another process may map more
                os.truncate(path, wanted)
        self._map(self._stem.parent, name, capacity, dim, self._head.shape[1])
        for suffix, array in self._arrays().items():
            fresh, rewritten = pending[suffix]
            array[saved_rows : self.size] = fresh
            array[dirty] = rewritten
        self._ids = np.resize(self._ids, capacity)
        self._saved = (name, capacity, saved_rows)

    # -- searching -----------------------------------------------------------------------------

    def _split(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q = np.asarray(query, dtype=np.float32)
        head_dims = self._head.shape[1]
        return q[:head_dims], q[head_dims:]

    def _exact(self, query: np.ndarray, rows: np.ndarray | slice) -> np.ndarray:
        """Full dot products for the given row positions."""
        qh, qt = self._split(query)
        tail = self._tail[rows] if isinstance(rows, slice) else self._tail_rows(rows)
        return (self._head[rows] @ qh) * self._head_norm[rows] + tail @ qt

    def _tail_rows(self, rows: np.ndarray) -> np.ndarray:
        """The tail of some rows. Rows as saved are read from the file, not through the
        mapping: a few hundred scattered rows per search would otherwise map, over a session,
        most of a file three times the head's size into this process (the kernel maps whole
        large pages of a freshly written file around each row read: 1.1 GB resident at 1M)."""
        if self._tail_file is None or not len(rows):
            return self._tail[rows]
        width = self._tail.shape[1] * 4
        from_file = rows < self._saved_rows
        if self._dirty:
            from_file &= ~np.isin(rows, np.fromiter(self._dirty, dtype=np.int64))
        out = np.empty((len(rows), self._tail.shape[1]), dtype=np.float32)
        handle = self._tail_file.fileno()
        picked = rows[from_file].tolist()
        data = b"".join([os.pread(handle, width, row * width) for row in picked])
        out[from_file] = np.frombuffer(data, dtype=np.float32).reshape(len(picked), width // 4)
        if not from_file.all():
            out[~from_file] = self._tail[rows[~from_file]]
        return out

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
        qh = qh / (float(np.linalg.norm(qh)) or 1.0)
        graph = self._graph
        if graph is None or graph.rows > self.size:
            return self._scan(qh, 0, count)
        # The graph's rows, the rows added since (scanned) and the rows rewritten since
        # (always shortlisted): the exact scores that follow decide among them.
        parts = [graph.search(qh, min(self.graph_shortlist, graph.rows))]
        if graph.rows < self.size:
            parts.append(self._scan(qh, graph.rows, count))
        if self._graph_stale:
            parts.append(np.fromiter(self._graph_stale, dtype=np.int64))
        return np.unique(np.concatenate(parts))

    def _scan(self, qh: np.ndarray, start: int, count: int) -> np.ndarray:
        """The ``count`` best rows from ``start`` by the head alone."""
        coarse = self._head[start : self.size] @ qh
        count = min(count, len(coarse))
        return start + np.argpartition(-coarse, count - 1)[:count]

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

    # -- on disk -------------------------------------------------------------------------------

    def load(
        self, folder: Path, conn: sqlite3.Connection, now: files.Watermark | None = None
    ) -> bool:
        """Map the saved matrix if it still describes the vault; False leaves the index empty."""
        manifest = files.read_manifest(folder, NAME)
        if manifest is None:
            return False
        mark = files.manifest_mark(manifest)
        if manifest["head_dims"] != min(self.prefix_dims, manifest["dim"]):
            return False
        if not files.still_valid(conn, mark, now):
            return False
        self._clear()
        rows, capacity = manifest["rows"], manifest["capacity"]
        if rows:
            try:
                self._map(folder, manifest["set"], capacity, manifest["dim"], manifest["head_dims"])
                self._ids = np.zeros(capacity, dtype=np.int64)
                self._ids[:rows] = np.load(folder / f"{PREFIX}-{manifest['set']}.ids.npy")
            except (OSError, ValueError):
                self._clear()
                return False
            self._saved, self._saved_rows = (manifest["set"], capacity, rows), rows
        self.size = rows
        self._max_unit, self._deletions_seen, self._log_seen = (
            mark.max_unit,
            mark.deletions,
            mark.log_seq,
        )
        if rows >= self.graph_above:
            self._load_graph(folder, conn, now)
        return True

    def _load_graph(
        self, folder: Path, conn: sqlite3.Connection, now: files.Watermark | None
    ) -> None:
        found = graphs.HeadGraph.load(folder, conn, self.ids, now)
        if found is None:
            return
        self._graph, built_at = found
        _, rows = self._positions(graphs.rewritten_since(conn, built_at))
        self._graph_stale = set(rows[rows < self._graph.rows].tolist())

    def _map(self, folder: Path, name: str, capacity: int, dim: int, head_dims: int) -> None:
        stem = folder / f"{PREFIX}-{name}"

        def mapped(suffix: str, shape: tuple[int, ...]) -> np.ndarray:
            return np.memmap(f"{stem}.{suffix}", dtype=np.float32, mode="c", shape=shape)

        self._head = mapped("head", (capacity, head_dims))  # not yet read: pages come on use
        self._head_norm = mapped("norm", (capacity,))
        self._tail = mapped("tail", (capacity, dim - head_dims))  # new rows are written here
        if self._tail_file is not None:
            self._tail_file.close()
        self._tail_file = open(f"{stem}.tail", "rb", buffering=0)  # noqa: SIM115 (kept open)
        self._stem = stem

    def save(
        self, folder: Path, conn: sqlite3.Connection, *, extend_graph: bool = False
    ) -> files.Watermark | None:
        """Write rows added or rewritten since the last save, if level with the vault;
        ``extend_graph`` (a bulk write): build or extend the graph of a large index too."""
        with files.save_lock(folder) as mine:
            if not mine:
                return None
            seen = (self._max_unit, self._deletions_seen, self._log_seen)
            level = files.level_for_save(conn, folder, NAME, seen)
            if level is None:
                return None
            mark, on_disk = level
            saved = self._saved
            if self.size == 0:
                name, capacity = "none", 0
            elif saved and on_disk and on_disk["set"] == saved[0] and self.size <= saved[1]:
                name, capacity = saved[0], saved[1]
                self._write_in_place(folder, name, capacity)
            else:
                name, capacity = secrets.token_hex(6), self.size + max(ROOM, self.size // 4)
                self._write_new(folder, name, capacity)
            if self.size:
                np.save(folder / f"{PREFIX}-{name}.ids.npy", self._ids[: self.size])
            dim = self._head.shape[1] + self._tail.shape[1] if self.size else 0
            files.write_manifest(
                folder,
                NAME,
                mark,
                {"set": name, "rows": self.size, "capacity": capacity, "dim": dim,
                 "head_dims": self._head.shape[1] if self.size else 0},
            )  # fmt: skip
            stem = f"{PREFIX}-{name}"
            keep = {f"{stem}.{part}" for part in ("head", "norm", "tail", "ids.npy")}
            files.remove_unlisted(folder, PREFIX, keep)
            if extend_graph and self.size >= self.graph_above:
                self._save_graph(folder, mark)
        self._saved = (name, capacity, self.size) if self.size else None
        self._saved_rows = self.size if self._tail_file is not None else 0
        self._dirty, self._unsaved = set(), 0
        return mark

    def _save_graph(self, folder: Path, mark: files.Watermark) -> None:
        """Build the graph, or add the rows and rewrites since its last save when enough
        wait; rows left out are scanned, as before, until the next bulk save."""
        graph = self._graph
        head, ids = self._head[: self.size], self.ids
        if graph is None or len(self._graph_stale) > graph.rows // 10:
            graph = graphs.HeadGraph.build(head, ids)
        elif self.size - graph.rows >= graphs.EXTEND_EVERY or self._graph_stale:
            graph.writable()
            stale = np.array(sorted(self._graph_stale), dtype=np.int64)
            graph.replace(stale, head[stale])
            graph.extend(head, ids)
        else:
            return
        graph.save(folder, mark)
        self._graph, self._graph_stale = graph, set()

    def _arrays(self) -> dict[str, np.ndarray]:
        return {"head": self._head, "norm": self._head_norm, "tail": self._tail}

    def _write_new(self, folder: Path, name: str, capacity: int) -> None:
        for suffix, array in self._arrays().items():
            path = folder / f"{PREFIX}-{name}.{suffix}"
            with open(path, "wb") as out:  # in blocks: no copy of a whole matrix in memory
                for start in range(0, self.size, WRITE_BLOCK):
                    end = min(start + WRITE_BLOCK, self.size)
                    block = self._tail_block(start, end) if suffix == "tail" else array[start:end]
                    out.write(np.ascontiguousarray(block).tobytes())
                out.truncate(capacity * array[:1].nbytes if array.ndim > 1 else capacity * 4)
        if self.size:
            dim = self._head.shape[1] + self._tail.shape[1]
            self._map(folder, name, capacity, dim, self._head.shape[1])
            self._ids = np.resize(self._ids, capacity)

    def _tail_block(self, start: int, end: int) -> np.ndarray:
        """Rows start..end of the tail, the saved ones read from the file (see _tail_rows)."""
        saved_end = min(end, self._saved_rows) if self._tail_file is not None else start
        if saved_end <= start:
            return self._tail[start:end]
        width = self._tail.shape[1] * 4
        data = os.pread(self._tail_file.fileno(), (saved_end - start) * width, start * width)  # type: ignore[union-attr]
        block = np.frombuffer(data, dtype=np.float32).reshape(saved_end - start, width // 4).copy()
        for row in (r for r in self._dirty if start <= r < saved_end):
            block[row - start] = self._tail[row]
        return np.concatenate([block, self._tail[saved_end:end]]) if saved_end < end else block

    def _write_in_place(self, folder: Path, name: str, capacity: int) -> None:
        start = self._saved[2] if self._saved else 0
        rows = sorted(r for r in self._dirty if r < start)
        for suffix, array in self._arrays().items():
            shape = (capacity, *array.shape[1:])
            target = np.memmap(folder / f"{PREFIX}-{name}.{suffix}", np.float32, "r+", shape=shape)
            target[start : self.size] = array[start : self.size]
            if rows:
                target[rows] = array[rows]
            target.flush()
            del target
        # The rows just written sit in this process's private copies of the mapped pages:
        # mapping the files again hands them back to the page cache (an import would
        # otherwise hold every row it appended as anonymous memory).
        dim = self._head.shape[1] + self._tail.shape[1]
        self._map(folder, name, capacity, dim, self._head.shape[1])
