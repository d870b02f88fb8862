"""Write the whole vault as an open JSON Lines file the user owns (docs/formats.md).

The export is the user's guarantee that their data is not locked in: every stored field is
written verbatim (times as the ISO-8601 text the vault holds), so ``pasi import`` can rebuild an
identical vault. Derived data (the search index) is left out because import rebuilds it.
A footer repeats the counts, so a truncated file is detected instead of half-imported.
"""

from __future__ import annotations

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
from pasi.ingest.export_jsonl import EXPORT_FORMAT, EXPORT_VERSION, RECORD_TYPES, columns
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
    with _atomic_text_file(path) as out:
        return write_export(vault, out, clock)


@contextmanager
def _atomic_text_file(path: Path) -> Iterator[IO[str]]:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise PasiError(f"cannot write the export to {path}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
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
