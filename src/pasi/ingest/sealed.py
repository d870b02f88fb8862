"""Reading files an encrypted vault keeps sealed (uploads): from a private plaintext copy.

Connectors read paths (parsers such as pypdf, python-docx or tesseract want a file), but a
file sealed in the vault directory is ciphertext on disk. It is decrypted into a folder only
this user can open (mode 700), in memory-backed ``/dev/shm`` where the system has it so the
plaintext never reaches a disk, read there under its own name and deleted right after.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from pasi.ingest.document import Document
from pasi.vault.files import MAGIC, VaultFiles

SHM = Path("/dev/shm")


def private_folder(need: int = 0) -> Path:
    """A new folder only this user can open (``mkdtemp`` makes it mode 700): in RAM when
    ``/dev/shm`` exists and has room for ``need`` bytes (containers often give it 64 MiB),
    else in the system's temporary folder."""
    base = SHM if _has_room(SHM, need) else None
    return Path(tempfile.mkdtemp(prefix="pasi-", dir=base))


def _has_room(folder: Path, need: int) -> bool:
    try:
        usable = folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
        return usable and shutil.disk_usage(folder).free > need
    except OSError:
        return False


def sealed_name(files: VaultFiles | None, path: Path) -> str | None:
    """The vault-file name of ``path`` when it is a sealed file of this vault, else None."""
    if files is None or files.key is None:
        return None
    root = Path(files.directory).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    with path.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            return None
    return path.relative_to(root).as_posix()


@contextmanager
def plaintext_copy(files: VaultFiles, name: str) -> Iterator[Path]:
    """The decrypted file in a private folder under its own name, with its modification time;
    the folder is deleted on leaving, whatever happened."""
    sealed = files.path(name)
    folder = private_folder(sealed.stat().st_size)
    try:
        copy = folder / sealed.name
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(files.read_bytes(name))
        stat = sealed.stat()
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def relocate(documents: list[Document], copy: Path, original: Path) -> list[Document]:
    """The documents as if read from ``original``: the copy's folder never reaches the vault
    (in a document's uri or a record's ``path``)."""
    moves = {
        str(copy.parent.resolve()): str(original.parent),
        str(copy.parent): str(original.parent),
    }
    return [
        replace(
            doc,
            uri=_moved(doc.uri, moves),
            items=[replace(item, fields=_moved(item.fields, moves)) for item in doc.items],
        )
        for doc in documents
    ]


def _moved(value: Any, moves: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in moves.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {key: _moved(v, moves) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_moved(v, moves) for v in value)
    return value
