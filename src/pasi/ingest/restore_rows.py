"""Restore the "row" records of an export: every table besides the typed records.

A table that is empty when the import starts gets its rows back with their ids. Into a table
that already holds rows, a row equal to an existing one (all columns but ``id``) is skipped, and
a new one gets a new id; the columns listed in ``REFERENCES`` follow the new ids of what they
point to. Tables whose rows hold ids in a form this cannot follow (JSON lists) are restored only
into an empty table. Before anything is written, every table and column must exist in the vault.
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

# table -> column -> what it points to: a typed record kind or another row table.
REFERENCES: dict[str, dict[str, str]] = {
    "items": {"source_id": "source"},
    "entity_links": {"entity_id": "entity", "source_id": "source", "item_id": "items"},
    "answers": {
        "source_id": "source",
        "question_episode_id": "episode",
        "answer_episode_id": "episode",
    },
}
ONLY_INTO_EMPTY = {"extraction_jobs"}  # episode_ids is a JSON list of ids


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

    def place(self, conn: sqlite3.Connection, record: dict[str, Any]) -> bool:
        """Write one row; False when it was skipped (already present, or not restorable)."""
        table = record["table"]
        if table not in self.empty:
            self.empty[table] = conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is None
            self.columns[table] = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        values = self._followed(table, _decoded(record["values"]))
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

    def _followed(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        for column, target in REFERENCES.get(table, {}).items():
            if values.get(column) is not None:
                values[column] = self.ids.get(target, {}).get(values[column], values[column])
        return values

    def _existing(self, conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> Any:
        compared = {k: v for k, v in values.items() if k != "id"}
        where = " AND ".join(f'"{k}" IS ?' for k in compared) or "1"
        key = "id" if "id" in self.columns[table] else "rowid"
        row = conn.execute(
            f'SELECT {key} FROM "{table}" WHERE {where} LIMIT 1', list(compared.values())
        ).fetchone()
        return None if row is None else row[0]

    def _insert(self, conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int | None:
        """None when a unique key already holds the row (e.g. a sync error for the same path)."""
        names = ", ".join(f'"{k}"' for k in values)
        marks = ", ".join("?" * len(values))
        cursor = conn.execute(
            f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})', list(values.values())
        )
        return int(cursor.lastrowid) if cursor.rowcount else None  # type: ignore[arg-type]

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
            it.create_table_view(conn, kind.removeprefix("row:"), list(fields))
        except ValueError:
            continue  # a name that is not a safe identifier: the rows stay, without a view
