"""The parsed charter is kept per file version, without weakening the vault's lock."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pasi.errors import VaultLockedError
from pasi.life.charter import load_charter, set_charter_field, write_charter_text
from pasi.vault.sqlite import open_vault


def test_an_edit_is_seen_at_the_next_load(tmp_path: Path) -> None:
    with open_vault(tmp_path / "v") as vault:
        first = load_charter(vault.directory)
        assert load_charter(vault.directory) is first  # unchanged file: the same parse
        set_charter_field(vault.directory, "goals", "Finish the shed")
        assert "Finish the shed" in load_charter(vault.directory).context_text()


def test_a_same_size_edit_within_the_same_second_is_seen(tmp_path: Path) -> None:
    with open_vault(tmp_path / "v") as vault:
        write_charter_text(vault.directory, 'goals = "aaaa"\n')
        before = load_charter(vault.directory)
        stat = (vault.directory / "charter.toml").stat()
        write_charter_text(vault.directory, 'goals = "bbbb"\n')  # replaced: a new inode
        os.utime(vault.directory / "charter.toml", ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert before.goals == "aaaa" and load_charter(vault.directory).goals == "bbbb"


def test_a_cached_charter_is_not_read_from_an_encrypted_vault_that_was_closed(
    tmp_path: Path,
) -> None:
    with open_vault(tmp_path / "v", "pw", encrypt=True) as vault:
        set_charter_field(vault.directory, "values", "Marguerite")
        assert load_charter(vault.directory).values == "Marguerite"
    with pytest.raises(VaultLockedError):
        load_charter(tmp_path / "v")
