"""SQL for items (typed records), the people they link to, sync errors and per-table views."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pasi.clock import to_iso

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def insert_item(
    conn: sqlite3.Connection,
    source_id: int,
    kind: str,
    title: str | None,
    at: datetime | None,
    fields: dict[str, Any],
) -> int:
    cur = conn.execute(
        "INSERT INTO items (source_id, kind, title, at, fields) VALUES (?, ?, ?, ?, ?)",
        (source_id, kind, title, to_iso(at), json.dumps(fields, ensure_ascii=False, default=str)),
    )
    return int(cur.lastrowid)  # type: ignore[arg-type]


def delete_source_items(conn: sqlite3.Connection, source_id: int) -> int:
    """Remove a source's items and entity links (the links cascade from items and source)."""
    conn.execute("DELETE FROM entity_links WHERE source_id = ?", (source_id,))
    return conn.execute("DELETE FROM items WHERE source_id = ?", (source_id,)).rowcount


def source_id(conn: sqlite3.Connection, uri: str) -> int | None:
    row = conn.execute("SELECT id FROM sources WHERE uri = ?", (uri,)).fetchone()
    return int(row[0]) if row else None


def source_episode_ids(conn: sqlite3.Connection, source_id: int) -> dict[str, int]:
    rows = conn.execute(
        "SELECT external_id, id FROM episodes WHERE source_id = ?", (source_id,)
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def link_entity(
    conn: sqlite3.Connection,
    entity_id: int,
    source_id: int,
    item_id: int | None,
    role: str,
    at: datetime | None,
) -> None:
    conn.execute(
        "INSERT INTO entity_links (entity_id, source_id, item_id, role, at) VALUES (?, ?, ?, ?, ?)",
        (entity_id, source_id, item_id, role, to_iso(at)),
    )


def people_entities(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT id, name, aliases, attributes FROM entities WHERE kind = 'person'"
    ).fetchall()


def insert_entity(
    conn: sqlite3.Connection, name: str, aliases: Sequence[str], attributes: dict[str, Any]
) -> int:
    cur = conn.execute(
        "INSERT INTO entities (name, kind, aliases, attributes) VALUES (?, 'person', ?, ?)",
        (name, json.dumps(list(aliases), ensure_ascii=False), json.dumps(attributes)),
    )
    return int(cur.lastrowid)  # type: ignore[arg-type]


def update_entity(
    conn: sqlite3.Connection,
    entity_id: int,
    name: str,
    aliases: Sequence[str],
    attributes: dict[str, Any],
) -> None:
    conn.execute(
        "UPDATE entities SET name = ?, aliases = ?, attributes = ? WHERE id = ?",
        (name, json.dumps(list(aliases), ensure_ascii=False), json.dumps(attributes), entity_id),
    )


def drop_unlinked_ingested_entities(conn: sqlite3.Connection) -> int:
    """Entities pasi made from files and no file names any more (never ones made otherwise)."""
    return conn.execute(
        "DELETE FROM entities WHERE kind = 'person'"
        " AND json_extract(attributes, '$.origin') = 'ingest'"
        " AND NOT EXISTS (SELECT 1 FROM entity_links l WHERE l.entity_id = entities.id)"
    ).rowcount


def record_error(conn: sqlite3.Connection, path: str, root: str | None, reason: str, at) -> None:
    conn.execute(
        "INSERT INTO sync_errors (path, root, reason, at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (path) DO UPDATE SET root = excluded.root, reason = excluded.reason,"
        " at = excluded.at",
        (path, root, reason, to_iso(at)),
    )


def clear_errors(conn: sqlite3.Connection, paths: Iterable[str]) -> None:
    conn.executemany("DELETE FROM sync_errors WHERE path = ?", [(p,) for p in paths])


def table_view_name(table: str) -> str:
    return f"csv_{table}"


def create_table_view(conn: sqlite3.Connection, table: str, columns: Sequence[str]) -> str:
    """A view ``csv_<table>`` over the rows of one CSV file, one SQL column per CSV column.

    Names come from the user's files, so they are checked against a strict pattern (the CSV
    connector already produced identifiers) before they reach SQL.
    """
    for name in (table, *columns):
        if not _IDENT.match(name):
            raise ValueError(f"not a safe SQL identifier: {name!r}")
    view = table_view_name(table)
    # quoted: a column may be called "when" or "order"
    selected = ", ".join(f'json_extract(fields, \'$."{c}"\') AS "{c}"' for c in columns)
    conn.execute(f"DROP VIEW IF EXISTS {view}")
    conn.execute(
        f"CREATE VIEW {view} AS SELECT id, source_id, at, {selected}"
        f" FROM items WHERE kind = 'row:{table}'"
    )
    return view


def drop_table_view_if_unused(conn: sqlite3.Connection, table: str) -> None:
    row = conn.execute("SELECT 1 FROM items WHERE kind = ? LIMIT 1", (f"row:{table}",)).fetchone()
    if row is None and _IDENT.match(table):
        conn.execute(f"DROP VIEW IF EXISTS {table_view_name(table)}")


def people_summary(conn: sqlite3.Connection, now: datetime, limit: int) -> list[sqlite3.Row]:
    """People with how often files name them (a contact card does not count) and when last,
    up to ``now`` (a planned meeting is not a contact yet)."""
    return conn.execute(
        "SELECT e.id, e.name, e.aliases, e.attributes,"
        " COUNT(DISTINCT l.item_id) FILTER (WHERE l.role != 'contact' AND l.at <= :now)"
        "   + COUNT(*) FILTER (WHERE l.item_id IS NULL AND l.at <= :now) AS times,"
        " MAX(l.at) FILTER (WHERE l.role != 'contact' AND l.at <= :now) AS last,"
        " COUNT(DISTINCT l.source_id) AS sources"
        " FROM entities e LEFT JOIN entity_links l ON l.entity_id = e.id"
        " WHERE e.kind = 'person' GROUP BY e.id"
        " ORDER BY last IS NULL, last DESC, e.name LIMIT :limit",
        {"now": to_iso(now), "limit": limit},
    ).fetchall()


def source_summaries(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every file and folder source with what it holds: files, episodes, items, last sync."""
    return conn.execute(
        "SELECT s.id, s.kind, s.uri, s.title, s.trust, s.synced_at,"
        " (SELECT COUNT(*) FROM episodes e WHERE e.source_id = s.id) AS episodes,"
        " (SELECT COUNT(*) FROM items i WHERE i.source_id = s.id) AS items"
        " FROM sources s WHERE s.kind IN ('file', 'folder') ORDER BY s.uri"
    ).fetchall()


def sync_errors(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT path, reason, at FROM sync_errors ORDER BY path").fetchall()


def get_items(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, sqlite3.Row]:
    """Items by id with their source's uri: what a citation such as [i42] resolves to."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = conn.execute(  # a JSON list, not one placeholder per id: no limit on how many
        "SELECT i.id, i.kind, i.title, i.at, s.uri FROM items i"
        " LEFT JOIN sources s ON s.id = i.source_id"
        " WHERE i.id IN (SELECT value FROM json_each(?))",
        (json.dumps(wanted),),
    )
    return {row["id"]: row for row in rows}


def table_column_types(conn: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """The inferred column types of each CSV table, as the writer kept them with its source."""
    found: dict[str, dict[str, str]] = {}
    rows = conn.execute(
        "SELECT cursor FROM sources WHERE cursor LIKE '%\"tables\"%' ORDER BY synced_at, id"
    )
    for row in rows:
        try:
            tables = json.loads(row[0]).get("tables", {})
        except (json.JSONDecodeError, AttributeError):
            continue
        found.update({name: dict(types) for name, types in tables.items()})
    return found


def describe_item(row: sqlite3.Row) -> str:
    """One line for an item in ``pasi why`` and citations: kind, title, time."""
    kind = str(row["kind"]).removeprefix("row:")
    return f"{kind}: {row['title'] or '(untitled)'}" + (f" ({row['at']})" if row["at"] else "")


def entity_contacts(conn: sqlite3.Connection, entity_id: int, now: datetime) -> list[sqlite3.Row]:
    """The times a person was in touch up to ``now`` (not their contact card), newest first,
    each with its item and source."""
    return conn.execute(
        "SELECT l.at, l.role, l.item_id, i.kind, i.title, s.id AS source_id, s.uri"
        " FROM entity_links l JOIN sources s ON s.id = l.source_id"
        " LEFT JOIN items i ON i.id = l.item_id"
        " WHERE l.entity_id = ? AND l.role != 'contact' AND l.at IS NOT NULL AND l.at <= ?"
        " ORDER BY l.at DESC",
        (entity_id, to_iso(now)),
    ).fetchall()


def entity_birthday(conn: sqlite3.Connection, entity_id: int) -> sqlite3.Row | None:
    """The birthday on a person's contact card, with the card's item id and source."""
    return conn.execute(
        "SELECT i.id AS item_id, json_extract(i.fields, '$.birthday') AS birthday, s.uri"
        " FROM entity_links l JOIN items i ON i.id = l.item_id"
        " LEFT JOIN sources s ON s.id = i.source_id"
        " WHERE l.entity_id = ? AND i.kind = 'contact'"
        " AND json_extract(i.fields, '$.birthday') IS NOT NULL LIMIT 1",
        (entity_id,),
    ).fetchone()
