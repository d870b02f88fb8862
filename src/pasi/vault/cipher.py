"""Encryption at rest: the vault key, and SQLCipher connections that behave like sqlite3 ones.

One passphrase protects everything in an encrypted vault. It is stretched once per process
with scrypt (about 32 MiB of memory and a tenth of a second, so guessing is slow) over the
16-byte salt SQLCipher keeps in plaintext at the start of ``vault.db``; the result is the
master key, and HKDF turns it into one key per use (the database, vault files, exports).
SQLCipher gets the database key raw (``x'...'``), so opening a reader per thread costs no
further key stretching.

SQLCipher's driver (``sqlcipher3``) raises its own exception classes. The rest of pasi catches
``sqlite3.IntegrityError`` and friends, so every error from an encrypted connection is
re-raised as the stdlib class of the same name: an encrypted vault fails the same way a plain
one does.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"
SALT_BYTES = 16
KEY_BYTES = 32
# scrypt cost, fixed for format version 1 (the vault has nowhere else to record it).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


def is_encrypted(db_path: Path) -> bool:
    """True when the file exists and does not start with SQLite's plaintext header.

    Unreadable paths count as not encrypted: opening the vault then reports them plainly.
    """
    try:
        with db_path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError:
        return False
    return len(head) == len(SQLITE_MAGIC) and head != SQLITE_MAGIC


def read_salt(db_path: Path) -> bytes:
    with db_path.open("rb") as handle:
        return handle.read(SALT_BYTES)


def stretch(passphrase: str, salt: bytes) -> bytes:
    """The master key: scrypt of the passphrase (UTF-8) over the salt."""
    return hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=128 * 1024 * 1024,
        dklen=KEY_BYTES,
    )


@dataclass(frozen=True)
class VaultKey:
    """The master key of one encrypted vault and the salt it was stretched over."""

    master: bytes
    salt: bytes

    @classmethod
    def from_passphrase(cls, passphrase: str, salt: bytes | None = None) -> VaultKey:
        salt = salt if salt is not None else os.urandom(SALT_BYTES)
        return cls(stretch(passphrase, salt), salt)

    def subkey(self, purpose: str, salt: bytes = b"") -> bytes:
        """A key for one purpose (``database``, ``files``, ``export``), independent of others."""
        from cryptography.hazmat.primitives import hashes  # ~40 ms: only for encrypted vaults
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        hkdf = HKDF(hashes.SHA256(), KEY_BYTES, salt=salt or None, info=purpose.encode())
        return hkdf.derive(self.master)

    def key_id(self) -> bytes:
        """8 bytes naming this key in file headers, so a file sealed with another is told apart."""
        return self.subkey("key id")[:8]

    def sqlcipher_key(self) -> str:
        """The value of ``PRAGMA key``: the raw database key followed by the salt, in hex."""
        return f"x'{self.subkey('database').hex()}{self.salt.hex()}'"


def _translated(error: Exception) -> sqlite3.Error:
    standard = getattr(sqlite3, type(error).__name__, sqlite3.DatabaseError)
    translated = standard(*error.args)
    for name in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(error, name):
            setattr(translated, name, getattr(error, name))
    return translated


def _driver() -> Any:
    import sqlcipher3.dbapi2 as driver  # imported only when an encrypted vault is opened

    return driver


def _classes() -> tuple[type, type, type[Exception]]:
    """A Connection and a Cursor class whose errors are the stdlib's (built once per process)."""
    global _CLASSES
    if _CLASSES is not None:
        return _CLASSES
    driver = _driver()
    errors = driver.Error

    def translating(method: Any) -> Any:
        def call(self: Any, *args: Any) -> Any:
            try:
                return method(self, *args)
            except errors as error:
                raise _translated(error) from error

        return call

    # Every call that runs SQL or steps a statement raises the stdlib's classes.
    steps = ("execute", "executemany", "executescript", "fetchone", "fetchmany", "fetchall",
             "__next__")  # fmt: skip
    Cursor = type("Cursor", (driver.Cursor,),
                  {name: translating(getattr(driver.Cursor, name)) for name in steps})  # fmt: skip

    class Connection(driver.Connection):  # type: ignore[misc,name-defined]
        def cursor(self, factory: Any = Cursor) -> Any:
            return super().cursor(factory)

        def execute(self, *args: Any) -> Any:
            return self.cursor().execute(*args)

        def executemany(self, *args: Any) -> Any:
            return self.cursor().executemany(*args)

        def executescript(self, *args: Any) -> Any:
            return self.cursor().executescript(*args)

        commit = translating(driver.Connection.commit)
        rollback = translating(driver.Connection.rollback)

    _CLASSES = (Connection, driver.Row, errors)
    return _CLASSES


_CLASSES: tuple[type, type, type[Exception]] | None = None


def connect_encrypted(target: str, key: VaultKey | None, **options: Any) -> sqlite3.Connection:
    """A SQLCipher connection keyed with ``key`` (none: a plaintext file opened by SQLCipher).

    The key is applied before anything reads the file; a wrong key shows only at the first
    read, as "file is not a database" (a ``sqlite3.DatabaseError``).
    """
    connection_class, row_class, errors = _classes()
    try:
        conn = _driver().connect(target, factory=connection_class, **options)
    except errors as error:
        raise _translated(error) from error
    conn.row_factory = row_class
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is reported by pasi, once
    if key is not None:
        conn.execute(f'PRAGMA key = "{key.sqlcipher_key()}"')
    conn.execute("PRAGMA temp_store = MEMORY")  # sorts and temp tables never touch the disk
    return conn  # type: ignore[no-any-return]
