"""Marking sources as fit for cloud models or not (``sources.remote_ok``), by id, path or URI.

Email is kept off cloud models when it is imported, and so are notes marked private; any
other source can be marked either way here. A folder stands for every file synced from it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pasi.errors import NotFoundError
from pasi.ingest.document import file_uri
from pasi.ingest.sync import ROOT_PREFIX
from pasi.vault.sqlite import SQLiteVault


@dataclass(frozen=True)
class SourcePolicy:
    id: int
    kind: str
    uri: str
    remote_ok: bool
    episodes: int
    items: int

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "kind": self.kind, "uri": self.uri, "remote_ok": self.remote_ok,
            "episodes": self.episodes, "items": self.items,
        }  # fmt: skip


def source_policies(conn: sqlite3.Connection) -> list[SourcePolicy]:
    rows = conn.execute(
        "SELECT s.id, s.kind, s.uri, s.remote_ok,"
        " (SELECT COUNT(*) FROM episodes e WHERE e.source_id = s.id),"
        " (SELECT COUNT(*) FROM items i WHERE i.source_id = s.id)"
        " FROM sources s ORDER BY s.id"
    )
    return [SourcePolicy(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in rows]


def matching_sources(conn: sqlite3.Connection, target: str) -> list[int]:
    """Source ids that ``target`` names: a number, a URI, or a path (a folder: all under it)."""
    if target.isdigit():
        found = conn.execute("SELECT id FROM sources WHERE id = ?", (int(target),)).fetchall()
        return [r[0] for r in found]
    path = Path(target).expanduser()
    uris = {target, file_uri(path), f"{ROOT_PREFIX}{path.resolve()}"}
    marks = ", ".join("?" * len(uris))
    found = conn.execute(f"SELECT id FROM sources WHERE uri IN ({marks})", list(uris)).fetchall()
    under = conn.execute(
        "SELECT id FROM sources WHERE substr(uri, 1, ?) = ?",
        (len(file_uri(path)) + 1, file_uri(path) + "/"),
    ).fetchall()
    return sorted({r[0] for r in found + under})


def set_remote_ok(vault: SQLiteVault, targets: list[str], allowed: bool) -> list[SourcePolicy]:
    """Mark every source the targets name; nothing changes if one of them names none."""
    conn = vault.read()
    ids: set[int] = set()
    for target in targets:
        found = matching_sources(conn, target)
        if not found:
            raise NotFoundError(
                f"no source is '{target}': give a source number, a file or folder you "
                "ingested, or its URI (`pasi privacy sources` lists them); nothing was changed"
            )
        ids.update(found)
    marks = ", ".join("?" * len(ids))
    with vault.write() as writer:
        writer.execute(
            f"UPDATE sources SET remote_ok = ? WHERE id IN ({marks})", [int(allowed), *ids]
        )
    return [p for p in source_policies(vault.read()) if p.id in ids]
