"""Files beside the database: sealed in an encrypted vault, plain in a plain one, same calls."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pasi.errors import InputError, VaultLockedError, VaultPassphraseError
from pasi.vault.files import MAGIC
from pasi.vault.sqlite import open_vault, vault_files

TEXT = "quiet_hours = ['22:00', '07:00']\nnever = ['call my ex']\n"


def test_an_encrypted_vault_seals_its_files_and_reads_them_back(tmp_path: Path) -> None:
    with open_vault(tmp_path / "v", "pw", encrypt=True) as vault:
        path = vault.files.write_text("charter.toml", TEXT)
        vault.files.write_bytes("attachments/receipt.pdf", b"%PDF receipt 77")
        assert path.read_bytes().startswith(MAGIC) and b"call my ex" not in path.read_bytes()
        assert vault.files.read_text("charter.toml") == TEXT
        assert vault.files.names() == ["attachments/receipt.pdf", "charter.toml"]
        assert vault_files(tmp_path / "v").read_text("charter.toml") == TEXT  # by path
    with pytest.raises(VaultLockedError, match="not open in this process"):
        vault_files(tmp_path / "v")


def test_a_plain_vault_keeps_plain_files(tmp_path: Path) -> None:
    with open_vault(tmp_path / "v") as vault:
        path = vault.files.write_text("charter.toml", TEXT)
        assert path.read_text() == TEXT
    assert vault_files(tmp_path / "v").read_text("charter.toml") == TEXT


def test_a_sealed_file_moved_to_another_name_does_not_open(tmp_path: Path) -> None:
    with open_vault(tmp_path / "v", "pw", encrypt=True) as vault:
        vault.files.write_text("a.toml", TEXT)
        os.replace(tmp_path / "v" / "a.toml", tmp_path / "v" / "b.toml")
        with pytest.raises(VaultPassphraseError, match=r"b\.toml"):
            vault.files.read_text("b.toml")


def test_a_file_sealed_under_another_passphrase_is_named_not_misread(tmp_path: Path) -> None:
    with open_vault(tmp_path / "one", "first", encrypt=True) as one:
        one.files.write_text("charter.toml", TEXT)
    with open_vault(tmp_path / "two", "second", encrypt=True) as two:
        (tmp_path / "two" / "charter.toml").write_bytes(
            (tmp_path / "one" / "charter.toml").read_bytes()
        )
        with pytest.raises(VaultPassphraseError, match="another passphrase"):
            two.files.read_text("charter.toml")


def test_a_hand_written_plaintext_file_is_still_read(tmp_path: Path) -> None:
    with open_vault(tmp_path / "v", "pw", encrypt=True) as vault:
        (tmp_path / "v" / "charter.toml").write_text(TEXT)
        assert vault.files.read_text("charter.toml") == TEXT


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/passwd", "models/x.gguf", "vault.db"])
def test_names_that_leave_the_vault_or_are_not_vault_files_are_refused(
    tmp_path: Path, name: str
) -> None:
    with open_vault(tmp_path / "v") as vault, pytest.raises(InputError):
        vault.files.write_text(name, "x")
    assert not (tmp_path / "outside.txt").exists()


def test_a_new_vault_directory_is_private_to_its_owner(tmp_path: Path) -> None:
    with open_vault(tmp_path / "new" / "vault"):
        pass
    assert (tmp_path / "new" / "vault").stat().st_mode & 0o777 == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    with open_vault(shared):
        pass
    assert shared.stat().st_mode & 0o777 == 0o755  # a directory the user chose keeps its mode
