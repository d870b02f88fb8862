"""Restore the "row" records of an export: every table besides the typed records.

A table that is empty when the import starts gets its rows back with their ids. Into a table
that already holds rows, a row equal to an existing one (all columns but ``id``) is skipped, and
a new one gets a new id. Either way, every column the schema declares a foreign key (sources,
episodes, memories, entities, or another row table) follows the new id of what it points to,
and a row whose reference was not imported is skipped rather than pointed at the wrong record.
Tables whose rows hold ids the schema cannot describe (in JSON, or of several tables) are
restored only into an empty table. Before anything is written, every table and column of the
export must exist in the vault.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from pasi.errors import ImportFormatError
from pasi.ingest.export_jsonl import BYTES_KEY, ExportData
from pasi.vault import items as it
from pasi.vault.guard import may_fail

# Referenced tables whose records are typed export records, by the kind that names them.
TYPED_TABLES = {"sources": "source", "episodes": "episode", "memories": "memory",
                "entities": "entity"}  # fmt: skip
# episode_ids and evidence are JSON lists; ref_id is a goal's or a reminder's id depending on kind.
ONLY_INTO_EMPTY = {"extraction_jobs", "scheduled_jobs", "held_memories"}


def references(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    """Column -> the kind (typed record) or row table it points to, from the schema's keys."""
    found = {}
    for row in conn.execute(f'PRAGMA foreign_key_list("{table}")'):
        target, column, to = row[2], row[3], row[4]
        if to in (None, "id"):
            found[column] = TYPED_TABLES.get(target, target)
    return found


def check_tables(conn: sqlite3.Connection, data: ExportData) -> None:
    """Refuse, before any write, rows for tables or columns this vault does not have."""
    known: dict[str, set[str]] = {}
    for record in data.records["row"]:
        table = record["table"]
        if table not in known:
            known[table] = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        if not known[table]:
            raise ImportFormatError(
                f"{data.path}: rows for the table {table!r}, which this vault does not have "
                "(exported by a newer pasi?). Nothing was imported"
            )
        unknown = set(record["values"]) - known[table]
        if unknown:
            raise ImportFormatError(
                f"{data.path}: the table {table!r} has no column(s) {sorted(unknown)} in this "
                "vault (exported by a newer pasi?). Nothing was imported"
            )


class RowRestorer:
    """Places rows one by one; ``ids`` maps old to new ids, by record kind and by table."""

    def __init__(self, ids: dict[str, dict[int, int]]) -> None:
        self.ids = ids
        self.empty: dict[str, bool] = {}
        self.columns: dict[str, list[str]] = {}
        self.references: dict[str, dict[str, str]] = {}

    def place(self, conn: sqlite3.Connection, record: dict[str, Any]) -> bool:
        """Write one row; False when it was skipped (already present, or not restorable)."""
        table = record["table"]
        if table not in self.empty:
            self.empty[table] = conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is None
            self.columns[table] = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            self.references[table] = references(conn, table)
            self.ids.setdefault(table, {})  # rows pointing at a skipped one are skipped too
        values = self._followed(table, _decoded(record["values"]))
        if values is None:
            return False
        old_id = values.get("id")
        if self.empty[table]:
            new_id = self._insert(conn, table, values)
        elif table in ONLY_INTO_EMPTY:
            return False
        else:
            existing = self._existing(conn, table, values)
            if existing is not None:
                self._remember(table, old_id, existing)
                return False
            fresh = {k: v for k, v in values.items() if k != "id"}
            new_id = self._insert(conn, table, fresh)
        self._remember(table, old_id, new_id if "id" in values else None)
        return new_id is not None

    def _followed(self, table: str, values: dict[str, Any]) -> dict[str, Any] | None:
        """The values with references rewritten to new ids; None when one was not imported."""
        for column, target in self.references[table].items():
            old = values.get(column)
            if old is None or target not in self.ids:
                continue  # null, or a table the export does not carry: left as it is
            new = self.ids[target].get(old)
            if new is None:
                return None
            values[column] = new
        return values

    def _existing(self, conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> Any:
        compared = {k: v for k, v in values.items() if k != "id"}
        where = " AND ".join(f'"{k}" IS ?' for k in compared) or "1"
        key = "id" if "id" in self.columns[table] else "1"  # WITHOUT ROWID tables have no rowid
        row = conn.execute(
            f'SELECT {key} FROM "{table}" WHERE {where} LIMIT 1', list(compared.values())
        ).fetchone()
        return None if row is None else row[0]

    def _insert(self, conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int | None:
        """None when a unique key already holds the row (e.g. a sync error for the same path), or
        when a foreign key points at a record this vault lacks (the import goes on without it)."""
        names = ", ".join(f'"{k}"' for k in values)
        marks = ", ".join("?" * len(values))
        try:
            with may_fail(conn):  # PostgreSQL: a savepoint, so the import goes on after
                cursor = conn.execute(
                    f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})',
                    list(values.values()),
                )
                added = cursor.rowcount
        except sqlite3.IntegrityError:  # a reference this vault cannot satisfy: the row is skipped
            return None
        if not added:
            return None
        return 0 if cursor.lastrowid is None else int(cursor.lastrowid)  # PostgreSQL: no id

    def _remember(self, table: str, old_id: Any, new_id: Any) -> None:
        if isinstance(old_id, int) and new_id is not None:
            self.ids.setdefault(table, {})[old_id] = new_id


def _decoded(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: base64.b64decode(v[BYTES_KEY]) if isinstance(v, dict) and BYTES_KEY in v else v
        for k, v in values.items()
    }


def recreate_table_views(conn: sqlite3.Connection, restored: Sequence[dict[str, Any]]) -> None:
    """The ``csv_<table>`` views over restored CSV rows (views are not exported)."""
    done: set[str] = set()
    for record in restored:
        values = record["values"]
        kind = values.get("kind") or ""
        if record["table"] != "items" or not kind.startswith("row:") or kind in done:
            continue
        done.add(kind)
        fields = json.loads(values.get("fields") or "{}")
        try:
            columns = [name for name in fields if name != "pasi_raw"]  # raw cells: no column
            it.create_table_view(conn, kind.removeprefix("row:"), columns)
        except ValueError:
            continue  # a name that is not a safe identifier: the rows stay, without a view
