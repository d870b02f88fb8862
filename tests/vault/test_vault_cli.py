"""pasi init --encrypt, pasi vault encrypt|decrypt|rekey|keyring|status, through the real CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from memory_keyring import MemoryKeyring
from pasi.vault.cipher import is_encrypted
from pasi.vault.sqlite import DB_FILE
from vault.crypto_helpers import Run, cli_on


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return cli_on(tmp_path / "vault")


def test_init_encrypt_then_every_command_needs_the_passphrase(run: Run, tmp_path: Path) -> None:
    created = run("init", "--encrypt", PASI_PASSPHRASE="pw one")
    assert created.exit_code == 0, created.output
    assert is_encrypted(tmp_path / "vault" / DB_FILE)
    assert run("remember", "My bike lock code is 3141", PASI_PASSPHRASE="pw one").exit_code == 0

    locked = run("recall", "bike lock")
    assert locked.exit_code == 1
    assert "is encrypted" in locked.output and str(tmp_path / "vault") in locked.output
    wrong = run("recall", "bike lock", PASI_PASSPHRASE="pw two")
    assert wrong.exit_code == 1 and "wrong passphrase" in wrong.output
    found = run("recall", "bike lock", PASI_PASSPHRASE="pw one")
    assert "3141" in found.output


def test_init_refuses_to_encrypt_an_existing_plain_vault(run: Run) -> None:
    assert run("remember", "plain fact").exit_code == 0
    refused = run("init", "--encrypt", PASI_PASSPHRASE="pw")
    assert refused.exit_code == 1 and "pasi vault encrypt" in refused.output


def test_encrypt_rekey_decrypt_through_the_cli(run: Run, tmp_path: Path) -> None:
    assert run("remember", "The user's locker is number 12").exit_code == 0
    assert run("vault", "encrypt", PASI_PASSPHRASE="first").exit_code == 0
    assert is_encrypted(tmp_path / "vault" / DB_FILE)
    status = json.loads(run("vault", "status", "--json").stdout)
    assert status["encrypted"] is True and status["exists"] is True

    rekeyed = run("vault", "rekey", PASI_PASSPHRASE="first", PASI_NEW_PASSPHRASE="second")
    assert rekeyed.exit_code == 0, rekeyed.output
    assert "locker" in run("recall", "locker", PASI_PASSPHRASE="second").output
    assert run("recall", "locker", PASI_PASSPHRASE="first").exit_code == 1

    assert run("vault", "decrypt", PASI_PASSPHRASE="second").exit_code == 0
    assert not is_encrypted(tmp_path / "vault" / DB_FILE)
    assert "locker" in run("recall", "locker").output


def test_a_rekey_with_the_wrong_current_passphrase_changes_nothing(
    run: Run, tmp_path: Path
) -> None:
    run("init", "--encrypt", PASI_PASSPHRASE="right")
    before = (tmp_path / "vault" / DB_FILE).read_bytes()
    refused = run("vault", "rekey", PASI_PASSPHRASE="wrong", PASI_NEW_PASSPHRASE="new")
    assert refused.exit_code == 1 and "wrong passphrase" in refused.output
    assert (tmp_path / "vault" / DB_FILE).read_bytes() == before


def test_the_keyring_holds_the_passphrase_and_follows_rekey_and_decrypt(
    run: Run, memory_keyring: MemoryKeyring
) -> None:
    assert run("init", "--encrypt", "--keyring", PASI_PASSPHRASE="kept").exit_code == 0
    assert list(memory_keyring.entries.values()) == ["kept"]
    assert run("remember", "The user's gate code is 8080").exit_code == 0  # no passphrase given
    assert json.loads(run("vault", "status", "--json").stdout)["passphrase_saved"] is True

    assert run("vault", "rekey", PASI_NEW_PASSPHRASE="newer").exit_code == 0
    assert list(memory_keyring.entries.values()) == ["newer"]
    assert "8080" in run("recall", "gate code").output

    assert run("vault", "keyring", "--forget").exit_code == 0
    assert memory_keyring.entries == {}
    assert run("recall", "gate code").exit_code == 1
    assert run("vault", "keyring", PASI_PASSPHRASE="wrong").exit_code == 1
    assert memory_keyring.entries == {}  # a wrong passphrase is never saved
    assert run("vault", "keyring", PASI_PASSPHRASE="newer").exit_code == 0
    assert run("vault", "decrypt").exit_code == 0
    assert memory_keyring.entries == {}


def test_without_a_keyring_backend_keyring_is_refused_before_anything_changes(
    run: Run, tmp_path: Path, no_keyring: None
) -> None:
    refused = run("init", "--encrypt", "--keyring", PASI_PASSPHRASE="pw")
    assert refused.exit_code == 2 and "no OS keyring is available" in refused.output
    assert not (tmp_path / "vault").exists()
    status = run("vault", "status")
    assert "keyring: none available" in status.output


def test_a_new_passphrase_must_come_from_somewhere(run: Run, tmp_path: Path) -> None:
    refused = run("init", "--encrypt")
    assert refused.exit_code == 2 and "PASI_NEW_PASSPHRASE" in refused.output
    assert not (tmp_path / "vault" / DB_FILE).exists()
