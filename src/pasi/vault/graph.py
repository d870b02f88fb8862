"""Approximate dense search for large vaults: an HNSW graph (usearch) over the vector heads.

Below :data:`GRAPH_ABOVE` rows :mod:`pasi.vault.vectors` scans every row's head (the first 64
dimensions, renormalised) to pick the shortlist it scores exactly; the scan grows with the vault
(13 ms per question at 1M on a quiet core, 90-160 ms on the loaded one). Above it the shortlist
comes from a graph over the same heads, quantised to int8 (6 / 21 ms p50 / p95 at 1M on the
loaded machine, recall of the exact top 10 0.889 against the scan's 0.912), and the shortlist is
still scored exactly with all dimensions. The graph is the seam's other side: same
input (the query's head), same output (row positions), measured against the exact search in
docs/benchmarks.md (usearch, hnswlib and faiss-cpu compared there).

The graph covers rows ``0 .. rows``; rows added since are scanned as before, and rows whose
vector was rewritten since it was built are always shortlisted (their exact score decides).
It is saved in ``index/`` beside the vectors, with a manifest of the vault state it was built
at, and mapped (not read) by a new process; a deletion, or another unit at its last row, makes
it stale and it is dropped. It is built and extended only by a process that made a bulk write (an import), never
inside a question: building it for 1M rows takes minutes.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from pasi.vault import index_files as files

GRAPH_ABOVE = 1_000_000  # rows: below, the head scan is fast enough and exact (benchmarks.md)
EXTEND_EVERY = 50_000  # rows above the graph before a bulk save adds them
CONNECTIVITY = 16
EXPANSION_ADD = 100
NAME = "graph"
PREFIX = "graph"


def _usearch() -> Any:
    from usearch.index import Index  # imported on use: only large vaults need it

    return Index


class HeadGraph:
    """An HNSW graph over head rows ``0 .. rows``, keyed by row position."""

    def __init__(
        self, index: Any, rows: int, last_id: int, name: str, viewed: Path | None = None
    ) -> None:
        self.index = index
        self.rows = rows
        self.last_id = last_id  # the unit id at row rows - 1: positions must not have moved
        self.name = name
        self.viewed = viewed  # the file mapped read-only, until a change reads it into memory

    def writable(self) -> None:
        if self.viewed is not None:
            self.index = _usearch().restore(str(self.viewed), view=False)
            self.viewed = None

    @classmethod
    def build(cls, head: np.ndarray, ids: np.ndarray) -> HeadGraph:
        index = _usearch()(
            ndim=head.shape[1],
            metric="ip",
            dtype="i8",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
        )
        graph = cls(index, 0, 0, "")
        graph.extend(head, ids)
        return graph

    def extend(self, head: np.ndarray, ids: np.ndarray) -> None:
        """Add rows ``self.rows .. len(head)`` (``head`` holds all rows, ``ids`` their units)."""
        step = 65_536  # in blocks: no copy of the whole head in memory
        for start in range(self.rows, len(head), step):
            end = min(start + step, len(head))
            block = np.ascontiguousarray(head[start:end], dtype=np.float32)
            self.index.add(np.arange(start, end, dtype=np.uint64), block, threads=0)
        if len(head) > self.rows:
            self.rows, self.last_id = len(head), int(ids[len(head) - 1])

    def replace(self, rows: np.ndarray, head: np.ndarray) -> None:
        """Re-insert rows whose vector was rewritten (``head``: their new head rows)."""
        if len(rows):
            keys = rows.astype(np.uint64)
            self.index.remove(keys)
            self.index.add(keys, np.ascontiguousarray(head, dtype=np.float32), threads=0)

    def search(self, query_head: np.ndarray, count: int) -> np.ndarray:
        self.index.expansion_search = max(count, 64)
        found = self.index.search(np.asarray(query_head, dtype=np.float32), count, threads=1)
        return np.asarray(found.keys, dtype=np.int64)

    def save(self, folder: Path, mark: files.Watermark) -> None:
        """A new file, then the manifest by rename; the previous file is removed after."""
        name = secrets.token_hex(6)
        self.writable()
        self.index.save(str(folder / f"{PREFIX}-{name}.usearch"))
        fields = {"file": name, "rows": self.rows, "last_id": self.last_id}
        files.write_manifest(folder, NAME, mark, fields)
        files.remove_unlisted(folder, PREFIX, {f"{PREFIX}-{name}.usearch"})
        self.name = name

    @classmethod
    def load(
        cls,
        folder: Path,
        conn: sqlite3.Connection,
        ids: np.ndarray,
        now: files.Watermark | None = None,
        *,
        view: bool = True,
    ) -> tuple[HeadGraph, int] | None:
        """The saved graph (mapped, when ``view``) if it still fits the vault and the loaded
        rows, with the vector log sequence it was built at; None when stale or absent."""
        manifest = files.read_manifest(folder, NAME)
        if manifest is None:
            return None
        mark = files.manifest_mark(manifest)
        rows = int(manifest["rows"])
        if rows == 0 or rows > len(ids) or int(ids[rows - 1]) != manifest["last_id"]:
            return None
        if not files.still_valid(conn, mark, now):
            return None
        path = folder / f"{PREFIX}-{manifest['file']}.usearch"
        try:
            index = _usearch().restore(str(path), view=view)
        except (OSError, RuntimeError, ValueError):
            return None
        if index is None or len(index) != rows:
            return None
        graph = cls(index, rows, int(manifest["last_id"]), manifest["file"], path if view else None)
        return graph, mark.log_seq


def rewritten_since(conn: sqlite3.Connection, log_seq: int) -> np.ndarray:
    """Units whose vector was rewritten after the vector log reached ``log_seq``."""
    rows = conn.execute(
        "SELECT DISTINCT unit_id FROM search_vector_log WHERE seq > ?", (log_seq,)
    ).fetchall()
    return np.array(sorted(r[0] for r in rows), dtype=np.int64)


def drop(folder: Path) -> None:
    (folder / f"{NAME}.json").unlink(missing_ok=True)
    files.remove_unlisted(folder, PREFIX, set())
