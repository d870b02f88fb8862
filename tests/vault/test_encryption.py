"""Encrypted vaults: SQLCipher underneath, the same behaviour on top, nothing changed on refusal."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from frozen_time import NOW
from pasi.clock import fixed_clock
from pasi.errors import InputError, VaultError, VaultLockedError, VaultPassphraseError
from pasi.memory.store import MemoryStore, Turn
from pasi.vault import convert
from pasi.vault.cipher import VaultKey, is_encrypted, read_salt
from pasi.vault.convert import convert_vault
from pasi.vault.readonly import run_readonly_query
from pasi.vault.sqlite import DB_FILE, open_vault, vault_key
from vault.crypto_helpers import file_bytes

PASSPHRASE = "correct horse battery staple"


def _store(directory: Path, passphrase: str | None = PASSPHRASE, **flags) -> MemoryStore:
    return MemoryStore(open_vault(directory, passphrase, **flags), None, fixed_clock(NOW))


def test_an_encrypted_vault_stores_and_finds_like_a_plain_one(tmp_path: Path) -> None:
    store = _store(tmp_path / "v", encrypt=True)
    store.record_turns([Turn("I moved to Lisbon in May", speaker="me")])
    store.remember("The user lives in Lisbon")
    assert [r.text for r in store.recall("where do I live", k=1)] == ["The user lives in Lisbon"]
    store.vault.close()

    assert is_encrypted(tmp_path / "v" / DB_FILE)
    with open_vault(tmp_path / "v", PASSPHRASE) as reopened:
        assert reopened.encrypted and reopened.integrity_check() == "ok"
        count = reopened.read().execute("SELECT count(*) FROM memories").fetchone()[0]
        assert count == 1


def test_errors_from_an_encrypted_vault_are_the_stdlib_sqlite3_ones(tmp_path: Path) -> None:
    with open_vault(tmp_path / "v", PASSPHRASE, encrypt=True) as vault:
        with pytest.raises(sqlite3.IntegrityError), vault.write() as conn:
            conn.execute("INSERT INTO memories (text, kind, recorded_at) VALUES ('x', 'bad', 't')")
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            vault.read().execute("SELECT * FROM no_such_table").fetchall()


def test_read_only_queries_open_the_encrypted_file_with_its_key(tmp_path: Path) -> None:
    store = _store(tmp_path / "v", encrypt=True)
    store.remember("The user likes figs")
    result = run_readonly_query(store.vault, "SELECT text FROM memories")
    assert result.rows == [("The user likes figs",)]
    with pytest.raises(InputError):
        run_readonly_query(store.vault, "DELETE FROM memories")
    assert store.vault.read().execute("SELECT count(*) FROM memories").fetchone()[0] == 1
    store.vault.close()


_WRITER = """
import sys
from pasi.vault.sqlite import open_vault
vault = open_vault(sys.argv[1], sys.argv[2], encrypt=True)
with vault.write() as conn:
    conn.execute("INSERT INTO memories (text, kind, recorded_at) VALUES ('PIN 2468', 'fact', 't')")
vault.files.write_text("charter.toml", "values = ['honesty']")
print("ready", flush=True)
sys.stdin.readline()
vault.close()
"""


@pytest.mark.parametrize("passphrase", [None, "wrong passphrase"])
@pytest.mark.parametrize("open_in", ["this process", "another process"])
def test_a_missing_or_wrong_passphrase_names_the_vault_and_changes_no_byte(
    tmp_path: Path, passphrase: str | None, open_in: str
) -> None:
    directory = tmp_path / "v"
    writer = None
    if open_in == "this process":
        store = _store(directory, encrypt=True)
        store.remember("The user's PIN is 2468")
        store.vault.files.write_text("charter.toml", "values = ['honesty']")
        writer_vault = store.vault
    else:
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(directory), PASSPHRASE],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    try:
        # the vault stays open, so its -wal and -shm files exist too
        before = file_bytes(directory)
        assert {"vault.db", "vault.db-wal", "vault.db-shm", "charter.toml"} <= set(before)
        expected = VaultLockedError if passphrase is None else VaultPassphraseError
        with pytest.raises(expected, match=str(directory)):
            open_vault(directory, passphrase)
        assert file_bytes(directory) == before
    finally:
        if writer is None:
            writer_vault.close()
        else:
            writer.communicate("done\n", timeout=30)


def test_creating_an_encrypted_vault_needs_a_passphrase_and_a_new_directory(
    tmp_path: Path,
) -> None:
    with pytest.raises(VaultLockedError):
        open_vault(tmp_path / "new", None, encrypt=True)
    open_vault(tmp_path / "plain").close()
    with pytest.raises(VaultError, match="pasi vault encrypt"):
        open_vault(tmp_path / "plain", PASSPHRASE, encrypt=True)
    with open_vault(tmp_path / "plain", PASSPHRASE) as plain:  # a plain vault ignores it
        assert not plain.encrypted


def _memories(directory: Path, passphrase: str | None) -> list[str]:
    with open_vault(directory, passphrase) as vault:
        return [r[0] for r in vault.read().execute("SELECT text FROM memories ORDER BY id")]


def test_encrypt_rekey_and_decrypt_keep_every_row_and_the_vault_files(tmp_path: Path) -> None:
    directory = tmp_path / "v"
    store = _store(directory, None)
    store.record_turns([Turn(f"turn {n} about the garden", speaker="me") for n in range(50)])
    store.remember("The user grows tomatoes")
    store.vault.files.write_text("charter.toml", "never = ['sell my data']")
    store.vault.close()

    convert_vault(directory, None, VaultKey.from_passphrase("first"))
    assert is_encrypted(directory / DB_FILE)
    assert not (directory / "charter.toml").read_bytes().startswith(b"never")
    assert _memories(directory, "first") == ["The user grows tomatoes"]

    old = vault_key(directory, "first")
    convert_vault(directory, old, VaultKey.from_passphrase("second"))
    with pytest.raises(VaultPassphraseError):
        open_vault(directory, "first")
    with open_vault(directory, "second") as vault:
        assert vault.files.read_text("charter.toml") == "never = ['sell my data']"
        assert vault.read().execute("SELECT count(*) FROM episodes").fetchone()[0] == 50
        store = MemoryStore(vault, None, fixed_clock(NOW))
        assert store.recall("tomatoes", k=1)[0].text == "The user grows tomatoes"

    convert_vault(directory, vault_key(directory, "second"), None)
    assert not is_encrypted(directory / DB_FILE)
    assert (directory / "charter.toml").read_text() == "never = ['sell my data']"
    assert _memories(directory, None) == ["The user grows tomatoes"]
    assert sorted(p.name for p in directory.iterdir()) == ["charter.toml", "vault.db"]


_HOLD_OPEN = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT count(*) FROM memories").fetchone()
print("ready", flush=True)
sys.stdin.readline()
"""


def test_a_conversion_refuses_a_vault_another_process_has_open(tmp_path: Path) -> None:
    directory = tmp_path / "v"
    store = _store(directory, None)
    store.remember("The user likes rain")
    store.vault.close()
    other = subprocess.Popen(
        [sys.executable, "-c", _HOLD_OPEN, str(directory / DB_FILE)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "ready"
        before = file_bytes(directory)
        with pytest.raises(VaultError, match="in use by another pasi process"):
            convert_vault(directory, None, VaultKey.from_passphrase("x"))
        assert file_bytes(directory)["vault.db"] == before["vault.db"]
    finally:
        other.communicate("done\n", timeout=30)
    assert not is_encrypted(directory / DB_FILE)
    assert _memories(directory, None) == ["The user likes rain"]


def test_a_copy_that_does_not_verify_leaves_the_old_vault_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "v"
    _store(directory, None).remember("The user likes rain")
    original_counts = convert._table_counts

    def one_row_lost(conn: sqlite3.Connection) -> dict[str, int]:
        counts = original_counts(conn)
        if conn.execute("PRAGMA database_list").fetchone()[2].endswith(convert.CONVERTING):
            counts["memories"] -= 1  # as if the copy had lost a row
        return counts

    monkeypatch.setattr(convert, "_table_counts", one_row_lost)
    with pytest.raises(VaultError, match="did not verify"):
        convert_vault(directory, None, VaultKey.from_passphrase("x"))
    assert not is_encrypted(directory / DB_FILE)
    assert not (directory / convert.CONVERTING).exists()
    assert _memories(directory, None) == ["The user likes rain"]


def test_the_salt_in_the_file_header_is_the_one_the_key_was_stretched_over(
    tmp_path: Path,
) -> None:
    with open_vault(tmp_path / "v", PASSPHRASE, encrypt=True) as vault:
        assert vault.key is not None
        assert read_salt(vault.path) == vault.key.salt
        assert VaultKey.from_passphrase(PASSPHRASE, vault.key.salt) == vault.key


def test_the_assistant_queries_and_recalls_on_an_encrypted_vault(tmp_path: Path) -> None:
    """query_data opens its own read-only connection: on an encrypted vault it needs the key."""
    from agent.test_data_questions import _analyst, _write_calendar
    from pasi.agent.assistant import Assistant
    from pasi.ingest.sync import Syncer
    from pasi.models.chat import ScriptedModel

    store = _store(tmp_path / "v", encrypt=True)
    calendar = _write_calendar(tmp_path / "calendar.ics")
    assert not Syncer(store, max_bytes=10_000_000).ingest([calendar]).failed
    store.remember("Anna and I discussed redesigning her garden", subject="Anna")
    answer = Assistant(store, ScriptedModel(_analyst), clock=store.clock).ask(
        "How many times did I meet Anna last quarter and what did we discuss?"
    )
    counted, recalled = answer.tool_calls
    assert counted.ok and counted.content.splitlines()[1].startswith("3 | ")
    assert recalled.ok and "garden" in recalled.content
    store.vault.close()
    assert b"Anna" not in (tmp_path / "v" / DB_FILE).read_bytes()
