"""The SQLite vault: one file in a directory the user owns, WAL mode, one writer.

All writes go through :meth:`SQLiteVault.write`, which serialises writers with a lock around a
single connection (the datasette pattern) and makes each call one transaction: a crash loses at
most the batch in flight. Reads use one connection per thread and run concurrently with writes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pasi.errors import VaultError, VaultNotWritableError
from pasi.vault.migrations import check_version, migrate

DB_FILE = "vault.db"
CACHE_KIB = 64 * 1024


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    # 64 MiB of page cache instead of SQLite's 2 MiB: a recall touches a few hundred scattered
    # rows and the FTS posting lists; re-reading them from the OS made up ~3 ms of a 100k recall.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if readonly:
        conn.execute("PRAGMA query_only = ON")
    return conn


def _prepare_directory(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise VaultError(f"the vault path {directory} exists but is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise VaultNotWritableError(
            f"cannot create the vault directory {directory}: {error.strerror}"
        ) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise VaultNotWritableError(
            f"the vault directory {directory} is not writable by this user; "
            "choose another with --vault or PASI_VAULT, or fix its permissions"
        )


class SQLiteVault:
    """A vault directory holding ``vault.db``. Create with :func:`open_vault`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / DB_FILE
        _prepare_directory(directory)
        try:
            self._writer = _connect(self.path, readonly=False)
        except sqlite3.DatabaseError as error:
            raise VaultError(f"cannot open the vault database {self.path}: {error}") from None
        try:
            check_version(self._writer, str(self.path))  # before WAL: a newer vault stays as is
            self._writer.execute("PRAGMA journal_mode = WAL")
            self._writer.execute("PRAGMA synchronous = NORMAL")
            self.found_version = migrate(self._writer, str(self.path))
        except sqlite3.DatabaseError as error:
            self._writer.close()
            raise VaultError(f"cannot open the vault database {self.path}: {error}") from None
        except VaultError:
            self._writer.close()
            raise
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self.generation = 0  # bumped on every commit made through this object

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the single writer connection; rolled back on any error."""
        with self._write_lock:
            conn = self._writer
            if conn.in_transaction:  # nested use joins the outer transaction
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
            self.generation += 1

    def read(self) -> sqlite3.Connection:
        """A read-only connection for the calling thread (WAL readers never block the writer)."""
        if self._write_lock._is_owned():  # type: ignore[attr-defined]  # inside write(): see own changes
            return self._writer
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path, readonly=True)
            self._local.conn = conn
            self._readers.append(conn)
        return conn

    def data_version(self) -> tuple[int, int]:
        """Changes when anyone (this process or another) commits: used to refresh caches."""
        other = self.read().execute("PRAGMA data_version").fetchone()[0]
        return (self.generation, other)

    def integrity_check(self) -> str:
        return self._writer.execute("PRAGMA integrity_check").fetchone()[0]

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.directory.glob(DB_FILE + "*") if p.is_file())

    def close(self) -> None:
        for conn in self._readers:
            conn.close()
        self._readers.clear()
        self._writer.close()

    def __enter__(self) -> SQLiteVault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_vault(directory: Path | str) -> SQLiteVault:
    return SQLiteVault(Path(directory).expanduser())
