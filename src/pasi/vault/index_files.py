"""The search indexes kept on disk beside the vault, and how they are known to be current.

The BM25 postings (:mod:`pasi.vault.lexical`) and the vectors (:mod:`pasi.vault.vectors`) are
derived from the vault's ``search_units`` and ``search_fts``; rebuilding them takes seconds at
100k units and most of a minute at 1M, so a plain vault keeps them in ``index/`` next to
``vault.db`` as NumPy arrays that a new process memory-maps. Each index writes a manifest that
records the vault state it reflects (a :class:`Watermark`); on open the manifest is checked
against the vault and an index that does not match is rebuilt, never used:

- units ever deleted (a trigger counts them) must be unchanged: a deletion means a rebuild;
- the highest unit id and the last rewrite logged may only have grown: what was added or
  rewritten since is read from the vault, as a running process does after each write;
- the number of units must be the saved number plus those added since, and the unit at the
  saved highest id must still be the same unit (a vault swapped for another, or rolled back).

An older pasi, or a crash between a commit and a save, leaves the files behind the vault, which
these checks see. An encrypted vault keeps no index on disk (the postings hold the user's words
and vectors can be inverted to text): its indexes are built in memory, as before.
Erasing a unit removes the directory (:func:`drop`), so erased words do not outlive the erasure.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

INDEX_DIR = "index"
FORMAT = 1


@dataclass(frozen=True)
class Watermark:
    """The state of the vault's search units an index reflects."""

    max_unit: int
    deletions: int
    log_seq: int
    units: int
    last: int  # a checksum of the unit at max_unit


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Run reads in one transaction, so the figures describe one state of the vault."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _unit_checksum(conn: sqlite3.Connection, unit_id: int) -> int:
    row = conn.execute(
        "SELECT u.kind, u.ref_id, f.terms FROM search_units u JOIN search_fts f"
        " ON f.rowid = u.id WHERE u.id = ? AND f.rowid = ?",
        (unit_id, unit_id),
    ).fetchone()
    return zlib.crc32(f"{unit_id}:{row[0]}:{row[1]}:{row[2]}".encode()) if row else 0


def read_watermark(conn: sqlite3.Connection) -> Watermark:
    with _snapshot(conn):
        (max_unit,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM search_units").fetchone()
        (deletions,) = conn.execute("SELECT count FROM search_deletions WHERE id = 1").fetchone()
        (log_seq,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM search_vector_log").fetchone()
        (units,) = conn.execute("SELECT COUNT(*) FROM search_units").fetchone()
        last = _unit_checksum(conn, max_unit)
    return Watermark(int(max_unit), int(deletions), int(log_seq), int(units), last)


def still_valid(conn: sqlite3.Connection, saved: Watermark, now: Watermark | None = None) -> bool:
    """Can an index saved at ``saved`` be brought up to date by reading what came after?
    ``now``: the vault's watermark, when the caller has just read it."""
    with _snapshot(conn):
        now = now or read_watermark(conn)
        if now.deletions != saved.deletions or now.max_unit < saved.max_unit:
            return False
        if now.log_seq < saved.log_seq:
            return False
        (added,) = conn.execute(
            "SELECT COUNT(*) FROM search_units WHERE id > ?", (saved.max_unit,)
        ).fetchone()
        if now.units != saved.units + added:
            return False
        return _unit_checksum(conn, saved.max_unit) == saved.last


def index_dir(conn: sqlite3.Connection) -> Path | None:
    """The index directory of the vault ``conn`` is open on (None for an in-memory database)."""
    for row in conn.execute("PRAGMA database_list"):
        if row[1] == "main" and row[2]:
            return Path(row[2]).parent / INDEX_DIR
    return None


def drop(conn: sqlite3.Connection) -> None:
    """Remove the saved indexes of the vault ``conn`` is open on (an erasure), waiting for a
    save in progress so that it cannot land after the removal."""
    folder = index_dir(conn)
    if folder is None or not folder.is_dir():
        return
    with open(folder / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for path in folder.iterdir():
                if path.name != ".lock":
                    path.unlink(missing_ok=True)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_manifest(folder: Path, name: str) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / f"{name}.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("format") != FORMAT:
        return None
    return manifest


def manifest_mark(manifest: dict[str, Any]) -> Watermark:
    return Watermark(**manifest["watermark"])


def write_manifest(folder: Path, name: str, mark: Watermark, fields: dict[str, Any]) -> None:
    """Written last, by rename: a crash before it leaves the previous manifest in force."""
    body = json.dumps({"format": FORMAT, "watermark": asdict(mark), **fields})
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    with os.fdopen(fd, "w") as out:
        out.write(body)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, folder / f"{name}.json")


def remove_unlisted(folder: Path, prefix: str, keep: set[str]) -> None:
    """Delete files of an index that its manifest no longer names."""
    for path in folder.glob(f"{prefix}-*"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def behind(mark: Watermark, other: Watermark) -> bool:
    """Is ``mark`` an older state than ``other`` (so a save at ``mark`` would go backwards)?"""
    return (mark.deletions, mark.max_unit, mark.log_seq) < (
        other.deletions,
        other.max_unit,
        other.log_seq,
    )


def level_for_save(
    conn: sqlite3.Connection, folder: Path, name: str, seen: tuple[int, int, int]
) -> tuple[Watermark, dict[str, Any] | None] | None:
    """The vault's watermark and the manifest on disk, when an index that has seen ``seen``
    (max unit, deletions, log sequence) may save now; None when the vault was written to
    meanwhile (saved after the next refresh) or the files on disk are newer. Call it under
    :func:`save_lock`: an erasure drops the files under the lock after its commit."""
    mark = read_watermark(conn)
    if (mark.max_unit, mark.deletions, mark.log_seq) != seen:
        return None
    on_disk = read_manifest(folder, name)
    if on_disk is not None and behind(mark, manifest_mark(on_disk)):
        return None
    return mark, on_disk


@contextmanager
def save_lock(folder: Path) -> Iterator[bool]:
    """Yield True when this process may write the index now (another may be saving it)."""
    folder.mkdir(mode=0o700, exist_ok=True)
    with open(folder / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
