"""The SQLite vault: one file in a directory the user owns, WAL mode, one writer.

All writes go through :meth:`SQLiteVault.write`, which serialises writers with a lock around a
single connection (the datasette pattern) and makes each call one transaction: a crash loses at
most the batch in flight. Reads use one connection per thread and run concurrently with writes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pasi.errors import VaultError, VaultLockedError, VaultNotWritableError, VaultPassphraseError
from pasi.vault.cipher import VaultKey, connect_encrypted, is_encrypted, read_salt
from pasi.vault.files import VaultFiles
from pasi.vault.keychain import saved_passphrase
from pasi.vault.migrations import check_version, migrate

DB_FILE = "vault.db"
CACHE_KIB = 64 * 1024
KEY_CHECKS = 3
# The vaults open in this process, by directory: how path-only callers find a vault's key.
_OPEN: weakref.WeakValueDictionary[Path, SQLiteVault] = weakref.WeakValueDictionary()


def _connect(path: Path, *, readonly: bool, key: VaultKey | None = None) -> sqlite3.Connection:
    if key is None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
    else:
        conn = connect_encrypted(str(path), key, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    # 64 MiB of page cache instead of SQLite's 2 MiB: a recall touches a few hundred scattered
    # rows and the FTS posting lists; re-reading them from the OS made up ~3 ms of a 100k recall.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if readonly:
        conn.execute("PRAGMA query_only = ON")
    return conn


def vault_key(directory: Path, passphrase: str | None) -> VaultKey | None:
    """The key of the vault in ``directory``: None when it is not encrypted.

    The passphrase comes from the caller (prompt, ``PASI_PASSPHRASE``) or else the OS keyring;
    a wrong one is found here, before any connection that could change a file is opened.
    """
    path = directory / DB_FILE
    opened = _OPEN.get(directory.resolve())
    # Already open here: ask that vault rather than open and close the file, which would drop
    # the POSIX locks SQLite holds on it for this process.
    encrypted = opened.encrypted if opened is not None else is_encrypted(path)
    if not encrypted:
        return None
    if passphrase is None:
        passphrase = saved_passphrase(directory)
    if passphrase is None:
        raise VaultLockedError(
            f"cannot open the vault database {path}: it is encrypted (or not a database at "
            "all); give its passphrase: set PASI_PASSPHRASE, save it with `pasi vault keyring`, "
            "or run pasi in a terminal to be asked"
        )
    if opened is not None and opened.key is not None:
        key = VaultKey.from_passphrase(passphrase, opened.key.salt)
        if key != opened.key:
            raise VaultPassphraseError(
                f"wrong passphrase for the encrypted vault {directory}; nothing was changed"
            )
        return key
    key = VaultKey.from_passphrase(passphrase, read_salt(path))
    check_key(path, key)
    return key


def check_key(path: Path, key: VaultKey) -> None:
    """Decrypt page 1 of the file itself: a wrong key fails here and no byte changes.

    ``immutable=1`` keeps SQLite away from the ``-wal`` and ``-shm`` files (a reader there
    would mark the shared-memory index); page 1 is always in the main file, so the check
    holds whatever the WAL contains. Without locks, a read can meet page 1 half rewritten by
    another process's checkpoint, so a failure is tried again before it counts.
    """
    for attempt in range(KEY_CHECKS):
        if _page_one_decrypts(path, key):
            return
        if attempt + 1 < KEY_CHECKS:
            time.sleep(0.05)
    raise VaultPassphraseError(
        f"wrong passphrase for the encrypted vault {path.parent}, or its database is "
        "damaged; nothing was changed"
    )


def _page_one_decrypts(path: Path, key: VaultKey) -> bool:
    try:
        probe = connect_encrypted(f"file:{path}?mode=ro&immutable=1", key, uri=True)
    except sqlite3.Error as error:
        raise VaultError(f"cannot open the vault database {path}: {error}") from None
    try:
        probe.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError:
        return False
    finally:
        probe.close()
    return True


def _prepare_directory(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise VaultError(f"the vault path {directory} exists but is not a directory")
    try:
        # A new vault directory is private to its owner (an existing one keeps its mode).
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
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
    """A vault directory holding ``vault.db``. Create with :func:`open_vault`.

    ``passphrase`` opens an encrypted vault (without one, the OS keyring is asked); a new vault
    is created encrypted only when ``encrypt`` is true. A plain vault ignores the passphrase.
    """

    def __init__(
        self, directory: Path, passphrase: str | None = None, *, encrypt: bool = False
    ) -> None:
        self.directory = directory
        self.path = directory / DB_FILE
        _prepare_directory(directory)
        self.key = _key_for(directory, passphrase, encrypt)
        self.files = VaultFiles(directory, self.key)
        try:
            self._writer = _connect(self.path, readonly=False, key=self.key)
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
        self._closed = False
        self._before_close: list[Callable[[], object]] = []
        self.generation = 0  # bumped on every commit made through this object
        _OPEN[directory.resolve()] = self

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the single writer connection; rolled back on any error."""
        with self._write_lock:
            self._check_open()
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
        self._check_open()
        if self._write_lock._is_owned():  # type: ignore[attr-defined]  # inside write(): see own changes
            return self._writer
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path, readonly=True, key=self.key)
            self._local.conn = conn
            self._readers.append(conn)
        return conn

    def data_version(self) -> tuple[int, int]:
        """Changes when anyone (this process or another) commits: used to refresh caches."""
        other = self.read().execute("PRAGMA data_version").fetchone()[0]
        return (self.generation, other)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def connect_readonly(self) -> sqlite3.Connection:
        """A new connection that cannot change the file (``mode=ro``), keyed like the vault's."""
        target = f"file:{self.path}?mode=ro"
        if self.key is None:
            return sqlite3.connect(target, uri=True, timeout=5)
        conn = connect_encrypted(target, self.key, uri=True, timeout=5)
        conn.row_factory = None  # plain tuples, as sqlite3.connect gives
        return conn

    def integrity_check(self) -> str:
        return self._writer.execute("PRAGMA integrity_check").fetchone()[0]

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.directory.glob(DB_FILE + "*") if p.is_file())

    def before_close(self, stop: Callable[[], object]) -> None:
        """Run ``stop`` when the vault closes, before its connections do.

        A background thread (the scheduler, the learner) registers its stop here, so closing
        the vault under it (a server releasing an erased user's vault) ends the thread first
        instead of pulling a connection out from under a running statement, which crashes
        the process.
        """
        self._before_close.append(stop)

    def _check_open(self) -> None:
        if self._closed:
            raise sqlite3.ProgrammingError(f"the vault {self.directory} is closed")

    def close(self) -> None:
        if self._closed:
            return
        for stop in reversed(self._before_close):
            stop()
        with self._write_lock:  # waits for a write in flight on another thread
            self._closed = True
            if _OPEN.get(self.directory.resolve()) is self:
                del _OPEN[self.directory.resolve()]
            for conn in self._readers:
                conn.close()
            self._readers.clear()
            self._writer.close()

    def __enter__(self) -> SQLiteVault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _key_for(directory: Path, passphrase: str | None, encrypt: bool) -> VaultKey | None:
    path = directory / DB_FILE
    if encrypt and not path.exists():
        if not passphrase:
            raise VaultLockedError(
                f"a passphrase is needed to create the encrypted vault {directory}"
            )
        return VaultKey.from_passphrase(passphrase)
    if encrypt and not is_encrypted(path):
        raise VaultError(
            f"the vault {directory} already exists unencrypted: encrypt it with `pasi vault encrypt`"
        )
    return vault_key(directory, passphrase)


def vault_files(directory: Path | str) -> VaultFiles:
    """The files of the vault in ``directory``, for code that has only the path.

    An encrypted vault's files need its key, which exists only while the vault is open in this
    process (through :func:`open_vault`, e.g. by ``Pasi``); otherwise this raises
    :class:`VaultLockedError`. A plain vault's files need nothing.
    """
    directory = Path(directory).expanduser()
    opened = _OPEN.get(directory.resolve())
    if opened is not None:
        return opened.files
    if is_encrypted(directory / DB_FILE):
        raise VaultLockedError(
            f"the vault {directory} is encrypted and not open in this process, so its files "
            "cannot be read; open the vault first"
        )
    return VaultFiles(directory, None)


def open_vault(
    directory: Path | str, passphrase: str | None = None, *, encrypt: bool = False
) -> SQLiteVault:
    return SQLiteVault(Path(directory).expanduser(), passphrase, encrypt=encrypt)
