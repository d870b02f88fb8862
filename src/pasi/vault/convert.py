"""Encrypt, decrypt or re-key a vault in place without ever risking its data.

The database is copied with SQLCipher's ``sqlcipher_export`` into a new file beside it, the
copy is checked (integrity, schema version, row count of every table), and only then renamed
over ``vault.db`` in one atomic step. Until that rename the old file is untouched; after it,
the new one is complete. Before copying, the vault leaves WAL mode, which folds the ``-wal``
file into the database and fails at once if another process (``pasi serve``, a second
``pasi chat``) still has the vault open: converting under a live writer would lose its writes.
Vault files (:mod:`pasi.vault.files`) are re-written under the new key afterwards, and the
saved search indexes (:mod:`pasi.vault.index_files`) are removed: an encrypted vault keeps none
on disk, and a decrypted one rebuilds them on first use. Model keys kept in the vault
(:mod:`pasi.vault.secrets`) are removed when it is decrypted, never written out in plaintext.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path

from pasi.errors import VaultError
from pasi.vault.cipher import VaultKey, connect_encrypted
from pasi.vault.files import VaultFiles
from pasi.vault.index_files import INDEX_DIR
from pasi.vault.secrets import SECRETS_FILE
from pasi.vault.sqlite import DB_FILE

CONVERTING = ".vault.db.converting"
LOCK_WAIT_MS = 2000


def convert_vault(directory: Path, old: VaultKey | None, new: VaultKey | None) -> None:
    """Re-write the vault in ``directory`` from key ``old`` to key ``new`` (None: plaintext)."""
    path = directory / DB_FILE
    if not path.is_file():
        raise VaultError(f"there is no vault database at {path}")
    target = directory / CONVERTING
    target.unlink(missing_ok=True)  # left by a conversion that was interrupted
    source = connect_encrypted(str(path), old, isolation_level=None, check_same_thread=False)
    swapped = False
    try:
        _leave_wal(source, directory)
        _export(source, target, new)
        _verify(source, target, new)
        source.close()
        _fsync(target)
        os.replace(target, path)
        swapped = True
        _fsync(directory)
    finally:
        if not swapped:
            target.unlink(missing_ok=True)
            with contextlib.suppress(sqlite3.Error):  # else the vault sets WAL when opened
                source.execute("PRAGMA journal_mode = WAL")
            source.close()
    shutil.rmtree(directory / INDEX_DIR, ignore_errors=True)
    _convert_files(directory, old, new)


def _leave_wal(conn: sqlite3.Connection, directory: Path) -> None:
    conn.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError as error:
        raise VaultError(
            f"the vault {directory} is in use by another pasi process ({error}); stop it "
            "(pasi serve, pasi chat...) and try again. Nothing was changed"
        ) from None
    if str(mode).lower() != "delete":
        raise VaultError(
            f"the vault {directory} is in use by another pasi process; stop it and try again. "
            "Nothing was changed"
        )


def _export(source: sqlite3.Connection, target: Path, new: VaultKey | None) -> None:
    key = new.sqlcipher_key() if new is not None else ""
    source.execute("ATTACH DATABASE ? AS converted KEY ?", (str(target), key))
    try:
        source.execute("SELECT sqlcipher_export('converted')").fetchone()
        version = source.execute("PRAGMA main.user_version").fetchone()[0]
        source.execute(f"PRAGMA converted.user_version = {int(version)}")
    except sqlite3.Error as error:
        raise VaultError(
            f"copying the vault to {target} failed: {error}. Nothing was changed"
        ) from None
    finally:
        source.execute("DETACH DATABASE converted")


def _table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _verify(source: sqlite3.Connection, target: Path, new: VaultKey | None) -> None:
    copy = connect_encrypted(f"file:{target}?mode=ro", new, uri=True)
    try:
        problems = []
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            problems.append(f"integrity check: {check}")
        versions = [c.execute("PRAGMA user_version").fetchone()[0] for c in (source, copy)]
        if versions[0] != versions[1]:
            problems.append(f"schema version {versions[1]} instead of {versions[0]}")
        if _table_counts(source) != _table_counts(copy):
            problems.append("the tables' row counts differ")
    except sqlite3.Error as error:
        problems = [str(error)]
    finally:
        copy.close()
    if problems:
        raise VaultError(
            f"the converted copy of the vault did not verify ({'; '.join(problems)}); "
            "the vault was left as it was"
        )


def _convert_files(directory: Path, old: VaultKey | None, new: VaultKey | None) -> None:
    before, after = VaultFiles(directory, old), VaultFiles(directory, new)
    for name in before.names():
        if name == SECRETS_FILE and new is None:  # keys are never left in plaintext
            before.delete(name)
            continue
        after.write_bytes(name, before.read_bytes(name))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
