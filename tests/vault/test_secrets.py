"""Model keys kept in an encrypted vault (no OS keyring on the machine): sealed on disk, read
back by pasi's settings from a closed vault, refused by a plain vault, removed rather than
decrypted. Real encrypted vaults in temporary directories."""

from __future__ import annotations

from pathlib import Path

import pytest
from crypto_helpers import cli_on
from pydantic import SecretStr

from pasi.app import Pasi
from pasi.config import Settings
from pasi.errors import ConfigError, VaultError, VaultLockedError
from pasi.vault.files import is_sealed
from pasi.vault.secrets import SECRETS_FILE, SecretStore, stored_secret
from pasi.vault.sqlite import open_vault

PASSPHRASE = "correct horse battery staple"
KEY = "sk-test-kept-in-the-vault-0123456789"


def _files_holding(directory: Path, text: str) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    directory = tmp_path / "vault"
    with open_vault(directory, PASSPHRASE, encrypt=True) as vault:
        SecretStore(vault.files).set("openai_api_key", KEY)
    return directory


def test_a_key_is_sealed_in_an_encrypted_vault_and_read_back_when_closed(encrypted: Path) -> None:
    assert is_sealed((encrypted / SECRETS_FILE).read_bytes())
    assert _files_holding(encrypted, KEY) == []
    assert stored_secret(encrypted, PASSPHRASE, "openai_api_key") == KEY
    assert stored_secret(encrypted, PASSPHRASE, "model_api_key") is None
    with pytest.raises(VaultLockedError):
        stored_secret(encrypted, None, "openai_api_key")
    with open_vault(encrypted, PASSPHRASE) as vault:
        store = SecretStore(vault.files)
        assert store.names() == ["openai_api_key"]
        assert store.delete("openai_api_key") and not (encrypted / SECRETS_FILE).exists()


def test_a_plain_vault_keeps_no_keys(tmp_path: Path) -> None:
    with open_vault(tmp_path / "plain") as vault:
        store = SecretStore(vault.files)
        assert not store.usable and store.get("openai_api_key") is None
        with pytest.raises(VaultError, match="not encrypted"):
            store.set("openai_api_key", KEY)
    assert _files_holding(tmp_path / "plain", KEY) == []
    with pytest.raises(VaultError, match="not encrypted"):
        stored_secret(tmp_path / "plain", None, "openai_api_key")


def test_settings_read_a_vault_reference_with_the_passphrase(encrypted: Path) -> None:
    given = Settings(vault=encrypted, passphrase=PASSPHRASE, openai_api_key="vault:", model="none")
    assert given.openai_api_key.get_secret_value() == KEY
    with pytest.raises(ConfigError, match=r"model_api_key.*holds no such key"):
        Settings(vault=encrypted, passphrase=PASSPHRASE, model_api_key="vault:", model="none")


def test_a_passphrase_given_after_loading_reads_the_key_when_the_vault_opens(
    encrypted: Path,
) -> None:
    loaded = Settings(vault=encrypted, openai_api_key="vault:", model="none", embedder="none")
    assert loaded.openai_api_key.get_secret_value() == "vault:"  # not at hand yet: asked later
    unlocked = loaded.model_copy(update={"passphrase": SecretStr(PASSPHRASE)})
    with Pasi(unlocked) as pasi:
        assert pasi.settings.openai_api_key.get_secret_value() == KEY


def test_decrypting_a_vault_removes_its_keys_rather_than_write_them_in_plaintext(
    encrypted: Path,
) -> None:
    run = cli_on(encrypted)
    done = run("vault", "decrypt", PASI_PASSPHRASE=PASSPHRASE)
    assert done.exit_code == 0, done.output
    assert not (encrypted / SECRETS_FILE).exists() and _files_holding(encrypted, KEY) == []
