from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pasi.errors import VaultError, VaultNotWritableError, VaultVersionError
from pasi.vault.migrations import SCHEMA_VERSION
from pasi.vault.sqlite import DB_FILE, SQLiteVault


def test_new_vault_has_every_table_and_uses_wal(tmp_path: Path) -> None:
    with SQLiteVault(tmp_path / "v") as vault:
        conn = vault.read()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    expected = {
        "sources",
        "episodes",
        "memories",
        "entities",
        "items",
        "goals",
        "reminders",
        "audit",
    }
    assert expected <= tables
    assert {"search_units", "search_fts", "search_times"} <= tables
    assert mode == "wal"
    assert version == SCHEMA_VERSION


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    with SQLiteVault(tmp_path / "v") as vault, vault.write() as conn:
        conn.execute("INSERT INTO goals (title, created_at) VALUES ('run', '2024-01-01')")
    with SQLiteVault(tmp_path / "v") as again:
        assert again.found_version == SCHEMA_VERSION
        assert again.read().execute("SELECT title FROM goals").fetchone()[0] == "run"


def test_a_failed_write_rolls_back_the_whole_batch(tmp_path: Path) -> None:
    with SQLiteVault(tmp_path / "v") as vault:
        with pytest.raises(sqlite3.IntegrityError), vault.write() as conn:
            conn.execute("INSERT INTO goals (title, created_at) VALUES ('a', 'x')")
            conn.execute("INSERT INTO goals (title, created_at) VALUES (NULL, 'x')")
        assert vault.read().execute("SELECT COUNT(*) FROM goals").fetchone()[0] == 0


def test_vault_from_a_newer_pasi_is_refused_untouched(tmp_path: Path) -> None:
    with SQLiteVault(tmp_path / "v") as vault, vault.write() as conn:
        conn.execute("INSERT INTO goals (title, created_at) VALUES ('keep me', 'x')")
    raw = sqlite3.connect(tmp_path / "v" / DB_FILE)
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.close()
    before = (tmp_path / "v" / DB_FILE).read_bytes()
    with pytest.raises(VaultVersionError, match="upgrade pasi"):
        SQLiteVault(tmp_path / "v")
    assert (tmp_path / "v" / DB_FILE).read_bytes() == before
    raw = sqlite3.connect(tmp_path / "v" / DB_FILE)
    assert raw.execute("SELECT title FROM goals").fetchone()[0] == "keep me"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 5


def test_vault_path_that_is_a_file_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(VaultError, match="not a directory"):
        SQLiteVault(blocker)
    with pytest.raises(VaultNotWritableError, match="cannot create"):
        SQLiteVault(blocker / "inside")


def test_a_corrupt_database_file_is_reported_not_overwritten(tmp_path: Path) -> None:
    directory = tmp_path / "v"
    directory.mkdir()
    (directory / DB_FILE).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(VaultError, match="cannot open the vault database"):
        SQLiteVault(directory)
    assert (directory / DB_FILE).read_bytes().startswith(b"this is not sqlite")


def test_readers_see_committed_writes_from_the_writer(tmp_path: Path) -> None:
    with SQLiteVault(tmp_path / "v") as vault:
        reader = vault.read()
        before = vault.data_version()
        with vault.write() as conn:
            conn.execute("INSERT INTO goals (title, created_at) VALUES ('x', 'y')")
        assert reader.execute("SELECT COUNT(*) FROM goals").fetchone()[0] == 1
        assert vault.data_version() != before
        assert vault.integrity_check() == "ok"


def test_closing_runs_the_stops_first_and_refuses_later_use(tmp_path: Path) -> None:
    vault = SQLiteVault(tmp_path / "v")
    order: list[str] = []
    vault.before_close(lambda: order.append("thread stopped"))
    vault.close()
    vault.close()  # twice is harmless
    assert order == ["thread stopped"]
    with pytest.raises(sqlite3.ProgrammingError, match="is closed"):
        vault.read()
    with pytest.raises(sqlite3.ProgrammingError, match="is closed"), vault.write():
        pass
