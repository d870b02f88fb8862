"""Model keys set in Settings go to the OS keyring, never into the config file, are used at
once and read back by pasi's own loader; only the server's own user may set them. A real pasi
server on 127.0.0.1; the keyring is the keyring API with an in-memory backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from live_server import RunningServer

from memory_keyring import MemoryKeyring
from pasi.config import load_settings
from pasi.errors import ConfigError

KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('model = "none"\nopenai_api_key = "sk-old-plaintext"\n', encoding="utf-8")
    monkeypatch.setenv("PASI_CONFIG", str(path))
    return path


def test_a_key_is_kept_in_the_keyring_and_the_file_names_only_the_keyring(
    start_server: Callable[..., RunningServer], memory_keyring: MemoryKeyring, config_file: Path
) -> None:
    server = start_server()
    owner = server.http(server.token("local"))
    assert owner.get("/api/settings").json()["openai_api_key_set"] is False
    saved = owner.put("/api/settings/keys", json={"name": "openai_api_key", "value": KEY})
    assert saved.status_code == 200, saved.text
    assert saved.json()["set"] is True and saved.json()["stored_in"].endswith("MemoryKeyring")
    assert memory_keyring.entries == {("pasi", "setting:openai_api_key"): KEY}
    text = config_file.read_text(encoding="utf-8")
    assert 'openai_api_key = "keyring:"' in text and "sk-" not in text
    assert owner.get("/api/settings").json()["openai_api_key_set"] is True
    assert KEY not in owner.get("/api/settings").text
    assert load_settings().openai_api_key.get_secret_value() == KEY  # read back at start
    removed = owner.put("/api/settings/keys", json={"name": "openai_api_key", "value": ""})
    assert removed.json()["set"] is False and memory_keyring.entries == {}
    assert "openai_api_key" not in config_file.read_text(encoding="utf-8")
    assert owner.get("/api/settings").json()["openai_api_key_set"] is False


def test_without_a_keyring_nothing_is_saved_and_a_missing_entry_is_reported(
    start_server: Callable[..., RunningServer], config_file: Path
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        server = start_server()
        owner = server.http(server.token("local"))
        refused = owner.put("/api/settings/keys", json={"name": "model_api_key", "value": KEY})
        assert refused.status_code == 422 and "PASI_MODEL_API_KEY" in refused.text
        alice = server.http(server.token("alice"))
        body = {"name": "model_api_key", "value": KEY}
        assert alice.put("/api/settings/keys", json=body).status_code == 403
        assert "keyring" not in config_file.read_text(encoding="utf-8")
        config_file.write_text('model_api_key = "keyring:"\n', encoding="utf-8")
        with pytest.raises(ConfigError, match=r"model_api_key.*OS keyring"):
            load_settings()
    finally:
        keyring.set_keyring(previous)


def test_without_a_keyring_a_key_goes_into_the_encrypted_vault(
    start_server: Callable[..., RunningServer], server_settings, config_file: Path
) -> None:
    from pydantic import SecretStr

    from pasi.vault.secrets import SECRETS_FILE, SecretStore, stored_secret
    from pasi.vault.sqlite import open_vault
    from server.rest_app import files_containing

    passphrase = "server vault passphrase"
    open_vault(server_settings.vault, passphrase, encrypt=True).close()
    server = start_server(server_settings.model_copy(update={"passphrase": SecretStr(passphrase)}))
    server.users.ensure_local_user(server_settings.vault)  # as `pasi serve` binds it
    owner = server.http(server.token("local"))
    assert owner.get("/api/settings").json()["key_store"] == "the encrypted vault"
    saved = owner.put("/api/settings/keys", json={"name": "openai_api_key", "value": KEY})
    assert saved.status_code == 200, saved.text
    assert saved.json()["stored_in"] == "the encrypted vault"
    text = config_file.read_text(encoding="utf-8")
    assert 'openai_api_key = "vault:"' in text and "sk-" not in text
    assert files_containing(server_settings.vault, KEY) == []
    assert (server_settings.vault / SECRETS_FILE).exists()
    assert stored_secret(server_settings.vault, passphrase, "openai_api_key") == KEY
    assert owner.get("/api/settings").json()["openai_api_key_set"] is True
    server.token("alice")
    assert server.pasi("alice").settings.openai_api_key.get_secret_value() == KEY  # in use
    removed = owner.put("/api/settings/keys", json={"name": "openai_api_key", "value": ""})
    assert removed.json()["set"] is False
    assert SecretStore(server.pasi("local").vault.files).names() == []
    assert "openai_api_key" not in config_file.read_text(encoding="utf-8")


def test_without_a_keyring_or_an_encrypted_vault_a_key_is_refused_plainly(
    start_server: Callable[..., RunningServer], config_file: Path
) -> None:
    server = start_server()
    owner = server.http(server.token("local"))
    assert owner.get("/api/settings").json()["key_store"] is None
    refused = owner.put("/api/settings/keys", json={"name": "openai_api_key", "value": KEY})
    assert refused.status_code == 422
    message = refused.json()["error"]["message"]
    assert "not encrypted" in message and "pasi vault encrypt" in message
    assert "PASI_OPENAI_API_KEY" in message
    assert KEY not in config_file.read_text(encoding="utf-8")
