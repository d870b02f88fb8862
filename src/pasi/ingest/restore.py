"""Write a checked pasi export into a vault, rebuilding the search index as it goes.

Ids: into an empty vault every id is kept, so exporting again gives the same file. Into a vault
that already holds data, new ids are assigned and every reference (source_id, evidence,
superseded_by) follows the new ids. A record already present is skipped, not duplicated:
sources match by uri, episodes by (source, external_id) or, without one, by (source, session,
position, role, text), memories by (text, kind, subject, recorded_at), entities by (name, kind).
Rows of the other tables follow :mod:`pasi.ingest.restore_rows`.

The SQL lives here rather than in ``pasi.vault`` because the vault has no API that writes
records with their original times and positions yet; it belongs there once it does.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pasi.ingest.export_jsonl import RECORD_TYPES, ExportData, columns
from pasi.ingest.restore_rows import RowRestorer, check_tables, recreate_table_views
from pasi.memory.indexer import session_key
from pasi.memory.store import BATCH, MemoryStore
from pasi.vault import episodes as ep
from pasi.vault import memories as mem
from pasi.vault.records import Episode

Progress = Callable[[int], None]


@dataclass
class RestoreReport:
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECORD_TYPES, 0))
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECORD_TYPES, 0))


class _Restorer:
    def __init__(self, store: MemoryStore, data: ExportData, progress: Progress | None) -> None:
        self.store = store
        self.data = data
        self.progress = progress or (lambda _n: None)
        self.report = RestoreReport()
        self.keep_ids = _is_empty(store.vault.read())
        self.ids: dict[str, dict[int, int]] = {kind: {} for kind in RECORD_TYPES}

    def run(self) -> RestoreReport:
        check_tables(self.store.vault.read(), self.data)
        self._in_batches("source", self._source, lambda _conn, _new: None)
        self._in_batches("episode", self._episode, self._index_episodes)
        self._in_batches("memory", self._memory, self._index_memories)
        with self.store.vault.write() as conn:
            self._link_superseded(conn)
        self._in_batches("entity", self._entity, lambda _conn, _new: None)
        self._rows()
        return self.report

    def _rows(self) -> None:
        rows = RowRestorer(self.ids)
        records = self.data.records["row"]
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            with self.store.vault.write() as conn:
                for record in batch:
                    added = rows.place(conn, record)
                    self.report.added["row"] += added
                    self.report.skipped["row"] += not added
                recreate_table_views(conn, batch)
            self.progress(len(batch))

    def _in_batches(self, kind: str, write_one, index_new) -> None:
        records = self.data.records[kind]
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            with self.store.vault.write() as conn:
                new = [new_id for r in batch if (new_id := self._place(conn, kind, r, write_one))]
                index_new(conn, new)
            self.progress(len(batch))

    def _place(self, conn: sqlite3.Connection, kind: str, record: dict, write_one) -> int | None:
        """Map the record to an existing row or insert it; return its id only when inserted."""
        existing, new_id = write_one(conn, record)
        self.ids[kind][record["id"]] = existing or new_id
        self.report.skipped[kind] += existing is not None
        self.report.added[kind] += existing is None
        return None if existing is not None else new_id

    def _insert(self, conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
        if not self.keep_ids:
            values = {k: v for k, v in values.items() if k != "id"}
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        cur = conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())
        )
        return int(cur.lastrowid)  # type: ignore[arg-type]

    # -- one record of each type: (existing id or None, new id or None) -----------------------

    def _source(self, conn: sqlite3.Connection, r: dict) -> tuple[int | None, int | None]:
        row = conn.execute("SELECT id FROM sources WHERE uri = ?", (r["uri"],)).fetchone()
        if row:
            return row[0], None
        values = {f: r[f] for f in columns("source")} | {"remote_ok": int(r["remote_ok"])}
        return None, self._insert(conn, "sources", values)

    def _episode(self, conn: sqlite3.Connection, r: dict) -> tuple[int | None, int | None]:
        values = {f: r[f] for f in columns("episode")} | {
            "source_id": self.ids["source"][r["source_id"]]
        }
        if r["external_id"] is not None:
            row = conn.execute(
                "SELECT id FROM episodes WHERE source_id = ? AND external_id = ?",
                (values["source_id"], r["external_id"]),
            ).fetchone()
        else:
            row = conn.execute(
                "SELECT id FROM episodes WHERE source_id = ? AND external_id IS NULL"
                " AND session = ? AND position = ? AND role = ? AND text = ?",
                (values["source_id"], r["session"], r["position"], r["role"], r["text"]),
            ).fetchone()
        if row:
            return row[0], None
        return None, self._insert(conn, "episodes", values)

    def _memory(self, conn: sqlite3.Connection, r: dict) -> tuple[int | None, int | None]:
        row = conn.execute(
            "SELECT id FROM memories WHERE text = ? AND kind = ? AND subject = ? AND recorded_at = ?",
            (r["text"], r["kind"], r["subject"], r["recorded_at"]),
        ).fetchone()
        if row:
            return row[0], None
        source = r["source_id"]
        values = {f: r[f] for f in columns("memory")} | {
            "superseded_by": None,  # linked once every memory exists: it may point forward
            "source_id": None if source is None else self.ids["source"][source],
        }
        memory_id = self._insert(conn, "memories", values)
        conn.executemany(
            "INSERT OR IGNORE INTO memory_evidence (memory_id, episode_id) VALUES (?, ?)",
            [(memory_id, self.ids["episode"][e]) for e in r["evidence"]],
        )
        return None, memory_id

    def _entity(self, conn: sqlite3.Connection, r: dict) -> tuple[int | None, int | None]:
        row = conn.execute(
            "SELECT id FROM entities WHERE name = ? AND kind = ?", (r["name"], r["kind"])
        ).fetchone()
        if row:
            return row[0], None
        values = {
            "id": r["id"],
            "name": r["name"],
            "kind": r["kind"],
            "aliases": json.dumps(r["aliases"], ensure_ascii=False),
            "attributes": json.dumps(r["attributes"], ensure_ascii=False),
        }
        return None, self._insert(conn, "entities", values)

    def _link_superseded(self, conn: sqlite3.Connection) -> None:
        """Also fills links a crashed earlier import left empty; never overwrites a link."""
        ids = self.ids["memory"]
        conn.executemany(
            "UPDATE memories SET superseded_by = ? WHERE id = ? AND superseded_by IS NULL",
            [
                (ids[r["superseded_by"]], ids[r["id"]])
                for r in self.data.records["memory"]
                if r["superseded_by"] is not None
            ],
        )

    # -- the search index ---------------------------------------------------------------------

    def _index_episodes(self, conn: sqlite3.Connection, new_ids: Sequence[int]) -> None:
        episodes = list(ep.get_episodes(conn, new_ids).values())
        sessions: dict[str, list[Episode]] = {}
        for e in episodes:  # one query per session, not per turn
            if session_key(e) not in sessions:
                sessions[session_key(e)] = ep.session_episodes(conn, e.source_id, e.session)
        self.store.indexer.index_episodes(conn, episodes, sessions)

    def _index_memories(self, conn: sqlite3.Connection, new_ids: Sequence[int]) -> None:
        self.store.indexer.index_memories(conn, list(mem.get_memories(conn, new_ids).values()))


def _is_empty(conn: sqlite3.Connection) -> bool:
    tables = ("sources", "episodes", "memories", "entities")
    return not any(conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in tables)


def restore(
    store: MemoryStore, data: ExportData, progress: Progress | None = None
) -> RestoreReport:
    """Add the export's records to the vault behind ``store``; see the module doc for ids."""
    return _Restorer(store, data, progress).run()
