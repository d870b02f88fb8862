"""Files kept in the vault directory beside ``vault.db`` (the charter, attachments...).

In an encrypted vault they are sealed with AES-256-GCM under a key derived from the vault's
passphrase, so a file is as private as the database. The layout of a sealed file is

    b"PASI-FILE\\x01" | key id (8 bytes) | nonce (12 bytes) | ciphertext and 16-byte tag

with the magic, key id and the file's name as associated data: a file renamed or moved onto
another name fails to open instead of being read as the wrong thing. In a plain vault the same
calls read and write plain files, so callers never ask which kind of vault they have.
Every write goes to a temporary file in the directory and is renamed over the old one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath

from pasi.errors import InputError, VaultLockedError, VaultPassphraseError
from pasi.vault.cipher import VaultKey

MAGIC = b"PASI-FILE\x01"
NONCE_BYTES = 12
# Not vault files: the database and its journals, downloaded model weights (public data), and
# the log file (plain text appended to by the CLI's logging: pasi.cli.logs).
_NOT_FILES = ("vault.db", "vault.db-wal", "vault.db-shm", "vault.db-journal")
MODELS_DIR = "models"
LOGS_DIR = "logs"
INDEX_DIR = "index"  # the saved search indexes (pasi.vault.index_files): derived, not files
# Stores that encrypt their own secrets, with a key that is itself a (sealed) vault file: the
# Matrix bridge's Olm store (pasi.server.matrix_crypto). Sealing them would break their SQLite.
OWN_CIPHER = ("matrix/olm/",)


def is_sealed(data: bytes) -> bool:
    return data.startswith(MAGIC)


def seal(key: VaultKey, name: str, data: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key_id = key.key_id()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key.subkey("files")).encrypt(nonce, data, MAGIC + key_id + name.encode())
    return MAGIC + key_id + nonce + sealed


def unseal(key: VaultKey, name: str, data: bytes, where: Path) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    start = len(MAGIC)
    key_id, nonce = data[start : start + 8], data[start + 8 : start + 8 + NONCE_BYTES]
    if key_id != key.key_id():
        raise VaultPassphraseError(
            f"{where} was encrypted with another passphrase than the vault's (an interrupted "
            "`pasi vault rekey`?); it was left as it is"
        )
    try:
        return AESGCM(key.subkey("files")).decrypt(
            nonce, data[start + 8 + NONCE_BYTES :], MAGIC + key_id + name.encode()
        )
    except InvalidTag:
        raise VaultPassphraseError(
            f"{where} is damaged or was not written for this name: it cannot be decrypted"
        ) from None


class VaultFiles:
    """Read and write files by name (``charter.toml``, ``attachments/a.pdf``) in a vault."""

    def __init__(self, directory: Path, key: VaultKey | None) -> None:
        self.directory = directory
        self.key = key

    def path(self, name: str) -> Path:
        parts = PurePosixPath(name).parts
        if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
            raise InputError(f"a vault file name must be relative and stay in the vault: {name!r}")
        if parts[0] in (MODELS_DIR, LOGS_DIR) or name in _NOT_FILES:
            raise InputError(f"{name!r} is not a vault file that pasi encrypts")
        return self.directory.joinpath(*parts)

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def read_bytes(self, name: str) -> bytes:
        path = self.path(name)
        data = path.read_bytes()
        if not is_sealed(data):
            return data  # written by hand, or before the vault was encrypted
        if self.key is None:
            raise VaultLockedError(f"{path} is encrypted but the vault is open without a key")
        return unseal(self.key, name, data, path)

    def read_text(self, name: str) -> str:
        return self.read_bytes(name).decode("utf-8")

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.path(name)
        stored = data if self.key is None else seal(self.key, name, data)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(stored)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return path

    def write_text(self, name: str, text: str) -> Path:
        return self.write_bytes(name, text.encode("utf-8"))

    def delete(self, name: str) -> bool:
        path = self.path(name)
        existed = path.is_file()
        path.unlink(missing_ok=True)
        return existed

    def names(self) -> list[str]:
        """Every vault file, as names relative to the vault directory (sorted)."""
        found = []
        for path in sorted(self.directory.rglob("*")):
            relative = path.relative_to(self.directory)
            if not path.is_file() or relative.parts[0] in (MODELS_DIR, LOGS_DIR, INDEX_DIR):
                continue
            if str(relative) in _NOT_FILES or path.name.startswith("."):
                continue
            if relative.as_posix().startswith(OWN_CIPHER):
                continue
            found.append(relative.as_posix())
        return found
