"""Copy a vault between backends (SQLite ↔ PostgreSQL), every table, ids kept, then verified.

Every table the migrations create is copied row for row, with its ids, in one transaction on
the destination: a copy that is killed leaves the destination as it was, and running it again
starts over. Afterwards each table's row count and a SHA-256 of its rows (in key order, values
normalised so SQLite's and PostgreSQL's types agree) must be equal on both sides, or the copy
is reported as failed. The destination must be empty. Files beside the database (attachments,
the charter) are copied by :func:`copy_files`; saved search indexes are rebuilt, not copied.

Ids are global in a PostgreSQL database shared by many users (pasi.vault.pg_schema): a vault
copied into one keeps its ids, so it needs a database where those ids are free (its own, or the
first vault copied in); otherwise the copy stops with an error and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pasi.errors import VaultError
from pasi.vault.index_files import INDEX_DIR
from pasi.vault.migrations import MIGRATIONS

CHUNK = 2000
# Rows a memory points at may come later in id order: these columns are set after all rows.
LATER = {"memories": ("superseded_by",)}
_CREATED = re.compile(r"CREATE (?:VIRTUAL )?TABLE (\w+)", re.I)
Progress = Callable[[str, int, int], None]


def vault_tables() -> list[str]:
    """The vault's tables in the order the migrations create them (referenced ones first)."""
    return [name for script in MIGRATIONS for name in _CREATED.findall(script)]


def _columns(conn: Any, table: str) -> list[str]:
    if table == "search_fts":
        return ["rowid", "terms", "context"]
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _key(table: str, columns: list[str]) -> str:
    if "id" in columns:
        return "id"
    if table == "search_fts":
        return "rowid"
    return ", ".join(f'"{c}"' for c in columns)


def _normal(value: Any) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    return str(value)


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    sha256: str


def table_check(conn: Any, table: str) -> TableCheck:
    """Row count and content hash of one table, comparable across backends."""
    columns = _columns(conn, table)
    digest = hashlib.sha256()
    names = ", ".join(f'"{c}"' if c != "rowid" else "rowid" for c in columns)
    # Sorted here, not by ORDER BY: the two databases may collate text differently.
    rows = sorted("\x1f".join(_normal(v) for v in row) for row in conn.execute(
        f'SELECT {names} FROM "{table}"'
    ))  # fmt: skip
    for row in rows:
        digest.update(row.encode() + b"\x1e")
    return TableCheck(table, len(rows), digest.hexdigest())


def vault_checks(vault: Any) -> list[TableCheck]:
    conn = vault.read()
    return [table_check(conn, table) for table in vault_tables()]


def _empty(vault: Any) -> bool:
    conn = vault.read()
    return all(
        conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] == 0
        for t in ("sources", "episodes", "memories", "items", "goals", "reminders")
    )


def copy_vault(source: Any, target: Any, progress: Progress | None = None) -> list[TableCheck]:
    """Copy every table of ``source`` into the empty ``target``; return the verified checks."""
    if not _empty(target):
        raise VaultError("the destination vault is not empty: copy into a new vault")
    tables = vault_tables()
    reader = source.read()
    with target.write() as conn:
        for table in reversed(tables):  # the rows a new vault starts with (search_deletions)
            conn.execute(f'DELETE FROM "{table}"')
        for table in tables:
            _copy_table(reader, conn, table, progress)
        for table, columns in LATER.items():
            _set_later(reader, conn, table, columns)
        after_copy = getattr(target, "after_copy", None)
        if after_copy is not None:  # PostgreSQL: its id sequences continue past the copied ids
            after_copy(conn)
    return _verify(source, target)


def _copy_table(reader: Any, conn: Any, table: str, progress: Progress | None) -> None:
    columns = _columns(reader, table)
    later = LATER.get(table, ())
    names = ", ".join(f'"{c}"' if c != "rowid" else "rowid" for c in columns)
    total = reader.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    marks = ", ".join("?" * len(columns))
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    drop = [columns.index(c) for c in later]
    done = 0
    rows = reader.execute(f'SELECT {names} FROM "{table}" ORDER BY {_key(table, columns)}')
    rows = rows.fetchall()
    for start in range(0, len(rows), CHUNK):
        chunk = [
            [None if i in drop else v for i, v in enumerate(row)]
            for row in rows[start : start + CHUNK]
        ]
        try:
            conn.executemany(insert, chunk)
        except Exception as error:  # sqlite3.IntegrityError from either backend
            raise VaultError(
                f"cannot copy the table {table}: {error}. A PostgreSQL database shared with "
                "other users may already use these ids: copy into a database of its own"
            ) from None
        done += len(chunk)
        if progress:
            progress(table, done, total)
    if progress and not total:
        progress(table, 0, 0)


def _set_later(reader: Any, conn: Any, table: str, columns: tuple[str, ...]) -> None:
    for column in columns:
        rows = reader.execute(
            f'SELECT "{column}", id FROM "{table}" WHERE "{column}" IS NOT NULL'
        ).fetchall()
        conn.executemany(f'UPDATE "{table}" SET "{column}" = ? WHERE id = ?', rows)


def _verify(source: Any, target: Any) -> list[TableCheck]:
    before, after = vault_checks(source), vault_checks(target)
    wrong = [a.table for a, b in zip(before, after, strict=True) if a != b]
    if wrong:
        raise VaultError(f"the copy differs from the original in: {', '.join(wrong)}")
    return after


def copy_files(source: Path, target: Path) -> int:
    """Copy the files a vault keeps beside its database (attachments, recordings, the
    charter); not the database, nor the saved indexes, which the target rebuilds."""
    skipped = {INDEX_DIR, "vault.db", "vault.db-wal", "vault.db-shm", "vault.db-journal"}
    count = 0
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if relative.parts[0] in skipped or not path.is_file():
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        count += 1
    return count
