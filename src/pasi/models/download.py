"""Downloading GGUF models: a small catalogue, and a download that keeps only verified files.

A download goes to ``NAME.part`` next to its destination, is hashed as it arrives, and is
renamed into place only when its SHA-256 matches; a mismatch or a broken connection deletes
the partial file. Offline, the first connection fails at once and says so.

The catalogue lists only files whose checksum comes with a pinned revision, so the URL always
serves the bytes that were hashed. Any other GGUF can be pulled with an explicit URL and
checksum (``pasi models pull NAME --url URL --sha256 HEX``).
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pasi.errors import InputError, ModelDownloadError, ModelNotFoundError

CHUNK = 1 << 20
READ_TIMEOUT = 30.0
Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes or None)


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    file: str
    url: str
    size: int  # bytes, approximate: for display before the server says
    sha256: str
    about: str


CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        name="smollm2-135m-instruct",
        file="SmolLM2-135M-Instruct-q8_0.gguf",
        url=(
            "https://huggingface.co/Mungert/SmolLM2-135M-Instruct-GGUF/resolve/"
            "980b4318b34b2f20e60c89d8f8a98283ec83cbd6/SmolLM2-135M-Instruct-q8_0.gguf"
        ),
        size=145_000_000,
        sha256="bc64cce8e1c11e4ed870633b557e04af718249c817c4cf8a6784116144ec3e28",
        about="SmolLM2 135M Instruct, Q8_0 (Apache-2.0): tiny and fast, for trying pasi out",
    ),
)


def find_entry(name: str) -> CatalogueEntry:
    for entry in CATALOGUE:
        if entry.name == name.strip().lower():
            return entry
    known = ", ".join(entry.name for entry in CATALOGUE)
    raise ModelNotFoundError(
        f"no model '{name}' in pasi's catalogue (known: {known}); for another GGUF give "
        "--url and --sha256"
    )


def check_sha256(value: str) -> str:
    digest = value.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise InputError(f"--sha256 must be 64 hexadecimal characters, not '{value}'")
    return digest


def download(url: str, dest: Path, sha256: str, *, progress: Progress | None = None) -> Path:
    """Fetch ``url`` to ``dest`` when its SHA-256 is ``sha256``; raise otherwise."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    try:
        digest = _fetch(url, partial, progress)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if digest != sha256.lower():
        partial.unlink(missing_ok=True)
        raise ModelDownloadError(
            f"the file downloaded from {url} has SHA-256 {digest}, not the expected {sha256}; "
            "it was deleted (a changed or corrupted file: try again, or check the checksum)"
        )
    os.replace(partial, dest)
    return dest


def _fetch(url: str, partial: Path, progress: Progress | None) -> str:
    """Stream ``url`` into ``partial``; the hex SHA-256 of what arrived."""
    hasher = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=READ_TIMEOUT) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            done = 0
            with partial.open("wb") as out:
                while block := response.read(CHUNK):
                    hasher.update(block)
                    out.write(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
    except urllib.error.HTTPError as error:
        raise ModelDownloadError(
            f"cannot download {url}: HTTP {error.code} {error.reason}"
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise ModelDownloadError(
            f"cannot download {url}: {reason}; check the network connection (offline?)"
        ) from None
    return hasher.hexdigest()
