"""Write the whole vault as an open JSON Lines file the user owns (docs/formats.md).

The export is the user's guarantee that their data is not locked in: every stored field is
written verbatim (times as the ISO-8601 text the vault holds), so ``pasi import`` can rebuild an
identical vault. Besides the typed records (sources, episodes, memories, entities), every
other table the vault keeps (items, entity links, sync errors, goals, reminders, the audit log,
and tables added later) is written row by row, so nothing stored is left behind. Derived data
(the search index) is left out because import rebuilds it.
A footer repeats the counts, so a truncated file is detected instead of half-imported.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pasi.clock import Clock, system_clock, to_iso
from pasi.errors import PasiError
from pasi.ingest.export_jsonl import (
    BYTES_KEY,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    RECORD_TYPES,
    columns,
)
from pasi.privacy.sealed import sealing_text_stream, unseal_chunks
from pasi.vault.migrations import SCHEMA_VERSION
from pasi.vault.sqlite import SQLiteVault


def _rows(conn: sqlite3.Connection, table: str, fields: tuple[str, ...]) -> Iterator[sqlite3.Row]:
    yield from conn.execute(f"SELECT {', '.join(fields)} FROM {table} ORDER BY id")


def _evidence(conn: sqlite3.Connection) -> dict[int, list[int]]:
    evidence: dict[int, list[int]] = {}
    for memory_id, episode_id in conn.execute(
        "SELECT memory_id, episode_id FROM memory_evidence ORDER BY memory_id, episode_id"
    ):
        evidence.setdefault(memory_id, []).append(episode_id)
    return evidence


def iter_records(vault: SQLiteVault) -> Iterator[dict[str, Any]]:
    """Every exported record in file order, without header and footer."""
    conn = vault.read()
    for row in _rows(conn, "sources", columns("source")):
        yield {"type": "source", **dict(row), "remote_ok": bool(row["remote_ok"])}
    for row in _rows(conn, "episodes", columns("episode")):
        yield {"type": "episode", **dict(row)}
    evidence = _evidence(conn)
    for row in _rows(conn, "memories", columns("memory")):
        yield {"type": "memory", **dict(row), "evidence": evidence.get(row["id"], [])}
    for row in _rows(conn, "entities", columns("entity")):
        record = dict(row)
        record["aliases"] = json.loads(record["aliases"])
        record["attributes"] = json.loads(record["attributes"])
        yield {"type": "entity", **record}
    for table in row_tables(conn):
        for row in _all_rows(conn, table):
            yield {"type": "row", "table": table, "values": _json_values(row)}


# Exported as typed records, or derived (rebuilt on import), or SQLite's own.
_NOT_ROWS = {"sources", "episodes", "memories", "memory_evidence", "entities"}
_DERIVED_PREFIXES = ("search_", "sqlite_")


def row_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables exported as "row" records, in creation order (referenced tables come first)."""
    tables = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
    ).fetchall()
    virtual = [name for name, sql in tables if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [
        name
        for name, _sql in tables
        if name not in _NOT_ROWS
        and not name.startswith(_DERIVED_PREFIXES)
        and name not in virtual
        and not any(name.startswith(f"{v}_") for v in virtual)  # a virtual table's storage
    ]


def _all_rows(conn: sqlite3.Connection, table: str) -> Iterator[sqlite3.Row]:
    try:
        yield from conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
    except sqlite3.OperationalError:  # a WITHOUT ROWID table: its key order
        yield from conn.execute(f'SELECT * FROM "{table}"')


def _json_values(row: sqlite3.Row) -> dict[str, Any]:
    return {
        name: {BYTES_KEY: base64.b64encode(value).decode()} if isinstance(value, bytes) else value
        for name, value in zip(row.keys(), tuple(row), strict=True)
    }


def header(clock: Clock = system_clock) -> dict[str, Any]:
    from pasi import __version__

    return {
        "type": "header",
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": to_iso(clock()),
        "pasi_version": __version__,
        "schema_version": SCHEMA_VERSION,
    }


def write_export(vault: SQLiteVault, out: IO[str], clock: Clock = system_clock) -> dict[str, int]:
    """Write header, records and footer to ``out``; return the count of each record type."""
    counts = dict.fromkeys(RECORD_TYPES, 0)
    out.write(_line(header(clock)))
    for record in iter_records(vault):
        counts[record["type"]] += 1
        out.write(_line(record))
    out.write(_line({"type": "footer", "counts": counts}))
    return counts


def export_to_path(vault: SQLiteVault, path: Path, clock: Clock = system_clock) -> dict[str, int]:
    """Write to a temporary file beside ``path`` and rename, so a failure leaves no half file."""
    with _atomic_file(path) as out:
        return write_export(vault, out, clock)


def write_sealed_export(
    vault: SQLiteVault, out: IO[bytes], clock: Clock = system_clock
) -> dict[str, int]:
    """The export of an encrypted vault, encrypted under its passphrase (pasi.privacy.sealed)."""
    if vault.key is None:
        raise PasiError(f"the vault {vault.directory} is not encrypted: its export cannot be")
    text = sealing_text_stream(out, vault.key)
    counts = write_export(vault, text, clock)
    text.close()  # writes the last chunk; ``out`` stays open
    return counts


def sealed_export_to_path(
    vault: SQLiteVault, path: Path, clock: Clock = system_clock
) -> dict[str, int]:
    with _atomic_file(path, binary=True) as out:
        return write_sealed_export(vault, out, clock)


def write_unsealed(sealed: Path, passphrase: str, path: Path | None, stdout: IO[bytes]) -> None:
    """Decrypt an encrypted export to ``path`` (atomically: all or nothing) or to ``stdout``."""
    if path is None:
        for chunk in unseal_chunks(sealed, passphrase):
            stdout.write(chunk)
        stdout.flush()
        return
    with _atomic_file(path, binary=True) as out:
        for chunk in unseal_chunks(sealed, passphrase):
            out.write(chunk)


@contextmanager
def _atomic_file(path: Path, *, binary: bool = False) -> Iterator[Any]:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise PasiError(f"cannot write the export to {path}: {error.strerror}") from None
    try:
        opened = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        )
        with opened as out:
            yield out
        os.replace(temp, path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise PasiError(f"cannot write the export to {path}: {error.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
