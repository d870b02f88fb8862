"""Encrypted exports ("sealed" files): the export of an encrypted vault stays encrypted.

Format (docs/formats.md), version 1:

1. One line of JSON ending in ``\\n``: ``{"format": "pasi.sealed", "version": 1,
   "cipher": "AES-256-GCM", "kdf": {"name": "scrypt", "n": 32768, "r": 8, "p": 1,
   "salt": HEX}, "hkdf_salt": HEX, "chunk_bytes": 65536}``.
2. The content (the JSON Lines export) cut into chunks of ``chunk_bytes`` (the last one
   shorter, possibly empty), each encrypted with AES-256-GCM and written as ciphertext plus
   its 16-byte tag. Chunk ``i`` uses the 12-byte nonce ``i`` (11 bytes, big-endian) followed
   by ``0x01`` for the last chunk and ``0x00`` otherwise; the header line is the associated
   data of every chunk, so neither the parameters nor the order of chunks can be changed, and
   a file cut short is refused.

The key is ``HKDF-SHA256(scrypt(passphrase, salt), salt=hkdf_salt, info="pasi export")``.
``salt`` is the vault's own, so exporting costs no second key stretching, and the passphrase
alone decrypts the file anywhere (``pasi export --decrypt``).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pasi.errors import InputError, VaultPassphraseError
from pasi.vault.cipher import SCRYPT_N, SCRYPT_P, SCRYPT_R, VaultKey

SEALED_FORMAT = "pasi.sealed"
SEALED_VERSION = 1
CHUNK_BYTES = 64 * 1024
TAG_BYTES = 16
PURPOSE = "pasi export"
_HEADER_LIMIT = 4096


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def sealed_header(key: VaultKey, hkdf_salt: bytes) -> bytes:
    header = {
        "format": SEALED_FORMAT,
        "version": SEALED_VERSION,
        "cipher": "AES-256-GCM",
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                "salt": key.salt.hex()},
        "hkdf_salt": hkdf_salt.hex(),
        "chunk_bytes": CHUNK_BYTES,
    }  # fmt: skip
    return json.dumps(header, separators=(",", ":")).encode() + b"\n"


class SealingWriter(io.RawIOBase):
    """A binary stream that encrypts what is written to it, chunk by chunk, into ``out``."""

    def __init__(self, out: IO[bytes], key: VaultKey) -> None:
        hkdf_salt = os.urandom(16)
        self._out = out
        self._header = sealed_header(key, hkdf_salt)
        self._aead = AESGCM(key.subkey(PURPOSE, hkdf_salt))
        self._buffer = bytearray()
        self._index = 0
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:  # keep at least one byte for the last chunk
            self._emit(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _emit(self, chunk: bytes, last: bool) -> None:
        nonce = _nonce(self._index, last)
        self._out.write(self._aead.encrypt(nonce, chunk, self._header))
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._out.flush()
        super().close()


def sealing_text_stream(out: IO[bytes], key: VaultKey) -> IO[str]:
    """A text stream whose UTF-8 bytes are sealed into ``out``; closing it writes the end."""
    return io.TextIOWrapper(
        io.BufferedWriter(SealingWriter(out, key), CHUNK_BYTES), encoding="utf-8", newline="\n"
    )


def is_sealed(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return _parse_header(handle.readline(_HEADER_LIMIT)) is not None
    except OSError:
        return False


def _parse_header(line: bytes) -> dict[str, Any] | None:
    try:
        header = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or header.get("format") != SEALED_FORMAT:
        return None
    return header


def unseal_chunks(path: Path, passphrase: str) -> Iterator[bytes]:
    """The decrypted content of a sealed file, chunk by chunk; refuses damage and truncation."""
    with path.open("rb") as handle:
        line = handle.readline(_HEADER_LIMIT)
        header = _parse_header(line)
        if header is None:
            raise InputError(f"{path} is not an encrypted pasi export")
        if header.get("version") != SEALED_VERSION:
            raise InputError(
                f"{path}: encrypted export version {header.get('version')!r} is not supported "
                "(upgrade pasi to read it)"
            )
        kdf = header["kdf"]
        if (kdf.get("n"), kdf.get("r"), kdf.get("p")) != (SCRYPT_N, SCRYPT_R, SCRYPT_P):
            raise InputError(f"{path}: unsupported key-stretching parameters {kdf}")
        key = VaultKey.from_passphrase(passphrase, bytes.fromhex(kdf["salt"]))
        aead = AESGCM(key.subkey(PURPOSE, bytes.fromhex(header["hkdf_salt"])))
        size = int(header["chunk_bytes"]) + TAG_BYTES
        index, chunk = 0, handle.read(size)
        while True:
            following = handle.read(size) if len(chunk) == size else b""
            last = not following
            try:
                yield aead.decrypt(_nonce(index, last), chunk, line)
            except InvalidTag:
                if index == 0:
                    raise VaultPassphraseError(
                        f"wrong passphrase for the encrypted export {path} (or the file is damaged)"
                    ) from None
                raise InputError(
                    f"{path} is damaged or cut short (chunk {index + 1} does not decrypt)"
                ) from None
            if last:
                return
            index, chunk = index + 1, following
