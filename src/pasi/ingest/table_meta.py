"""What pasi knows about each table, kept with its source, and the user's corrections to it.

The writer stores each table's columns (header, type, role, decimal mark, date order) and its
currency in the source's ``cursor`` JSON under ``table_info``. A correction made with
``pasi sources set-column`` is stored there too, under ``corrections``, and survives a re-sync:
the rows are derived again from their raw cells (``pasi_raw``), so nothing is lost.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from pasi.errors import InputError
from pasi.ingest.table_roles import ROLES, TYPES, ColumnSpec
from pasi.ingest.tables import row_fields
from pasi.vault import items as it


@dataclass
class TableMeta:
    """One table as pasi read it: its view, columns, currency and how many rows it has."""

    name: str
    source_id: int
    uri: str
    columns: list[ColumnSpec]
    currency: str | None = None
    rows: int = 0
    header_row: int = 1
    corrections: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def view(self) -> str:
        return it.table_view_name(self.name)

    def role(self, role: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.role == role), None)

    def has_amounts(self) -> bool:
        return any(c.role in ("amount", "debit", "credit") for c in self.columns)


def _cursor(conn: sqlite3.Connection, source_id: int) -> dict[str, Any]:
    row = conn.execute("SELECT cursor FROM sources WHERE id = ?", (source_id,)).fetchone()
    try:
        found = json.loads(row[0]) if row and row[0] else {}
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}


def _specs(info: dict[str, Any], corrections: dict[str, dict[str, Any]]) -> list[ColumnSpec]:
    specs = []
    for column in info.get("columns", []):
        spec = ColumnSpec(**column)
        for key, value in corrections.get(spec.name, {}).items():
            setattr(spec, key, value)
            spec.corrected = True
        specs.append(spec)
    return specs


def tables(conn: sqlite3.Connection) -> list[TableMeta]:
    """Every table whose columns pasi inferred (files synced before that are left out)."""
    found = []
    rows = conn.execute(
        "SELECT id, uri, cursor FROM sources WHERE cursor LIKE '%\"table_info\"%' ORDER BY uri"
    )
    for source_id, uri, raw in rows.fetchall():
        try:
            cursor = json.loads(raw)
        except json.JSONDecodeError:
            continue
        for name, info in cursor.get("table_info", {}).items():
            fixes = cursor.get("corrections", {}).get(name, {})
            count = conn.execute(
                "SELECT COUNT(*) FROM items WHERE source_id = ? AND kind = ?",
                (source_id, f"row:{name}"),
            ).fetchone()[0]
            found.append(TableMeta(name, source_id, uri, _specs(info, fixes), info.get("currency"),
                                   count, info.get("header_row", 1), fixes))  # fmt: skip
    return found


def stored_cursor(
    conn: sqlite3.Connection, source_id: int, kinds: list[str], infos: dict[str, Any]
) -> dict[str, Any]:
    """The cursor to store for a re-synced source: new inference, the user's corrections kept
    (and applied to the rows just written)."""
    corrections = _cursor(conn, source_id).get("corrections", {})
    corrections = {t: c for t, c in corrections.items() if t in infos}
    cursor: dict[str, Any] = {"kinds": kinds}
    if infos:
        types = {}
        for name, info in infos.items():
            specs = _specs(info, corrections.get(name, {}))
            types[name] = {s.name: s.type for s in specs} | {
                "pasi_date": "date", "pasi_amount": "money", "pasi_currency": "text"
            }  # fmt: skip
            if corrections.get(name):
                rederive(conn, source_id, name, specs, info.get("currency"))
        cursor.update(tables=types, table_info=infos)
    if corrections:
        cursor["corrections"] = corrections
    return cursor


def rederive(
    conn: sqlite3.Connection, source_id: int, table: str, specs: list[ColumnSpec],
    currency: str | None,
) -> int:  # fmt: skip
    """Type every row of ``table`` again from its raw cells; returns how many rows changed."""
    rows = conn.execute(
        "SELECT id, fields FROM items WHERE source_id = ? AND kind = ?", (source_id, f"row:{table}")
    ).fetchall()
    for item_id, raw_fields in rows:
        raw = json.loads(raw_fields).get("pasi_raw", {})
        fields, title, at = row_fields(raw, specs, currency)
        conn.execute(
            "UPDATE items SET fields = ?, title = ?, at = ? WHERE id = ?",
            (json.dumps(fields, ensure_ascii=False, default=str), title,
             at.isoformat() if at else None, item_id),
        )  # fmt: skip
    return len(rows)


def find_table(conn: sqlite3.Connection, name_or_uri: str) -> TableMeta:
    """The table a user names: its view or table name, its file's path, or the file name."""
    wanted = name_or_uri.strip()
    candidates = tables(conn)
    for table in candidates:
        if wanted in (table.name, table.view) or table.uri in (wanted, f"file:{wanted}"):
            return table
    by_end = [t for t in candidates if t.uri.endswith("/" + wanted.lstrip("./"))]
    if len(by_end) == 1:
        return by_end[0]
    known = ", ".join(t.name for t in candidates) or "none yet"
    raise InputError(f"no table '{wanted}' (tables: {known}); give its file's path or name")


def set_column(
    conn: sqlite3.Connection, table: TableMeta, column: str, changes: dict[str, Any]
) -> TableMeta:
    """Correct one column's role, type, decimal mark or date order; re-derive the rows."""
    names = {c.name: c for c in table.columns}
    spec = names.get(column) or next((c for c in table.columns if c.header == column), None)
    if spec is None:
        raise InputError(f"'{table.name}' has no column '{column}' (columns: {', '.join(names)})")
    checks = {"role": ROLES, "type": TYPES, "decimal": (".", ","), "date_order": ("dmy", "mdy")}
    for key, value in changes.items():
        if value not in checks[key]:
            raise InputError(f"{key} must be one of {', '.join(checks[key])}, not '{value}'")
    cursor = _cursor(conn, table.source_id)
    fixes = cursor.setdefault("corrections", {}).setdefault(table.name, {})
    fixes.setdefault(spec.name, {}).update(changes)
    info = cursor["table_info"][table.name]
    specs = _specs(info, fixes)
    cursor["tables"][table.name] = {s.name: s.type for s in specs} | {
        k: v for k, v in cursor["tables"][table.name].items() if k.startswith("pasi_")
    }
    rederive(conn, table.source_id, table.name, specs, info.get("currency"))
    conn.execute("UPDATE sources SET cursor = ? WHERE id = ?", (json.dumps(cursor),
                                                                  table.source_id))  # fmt: skip
    return next(t for t in tables(conn) if t.name == table.name and t.source_id == table.source_id)
