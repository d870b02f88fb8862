"""The charter over REST on encrypted vaults: sealed on disk, read back through the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pasi.server.users import UserRegistry
from pasi.vault.files import is_sealed
from pasi.vault.sqlite import open_vault
from server.rest_app import RestApp, rest_app

PASSPHRASE = "server passphrase"


def _encrypt_alices_vault(registry: UserRegistry) -> None:
    open_vault(registry.require("alice").vault, PASSPHRASE, encrypt=True).close()


@pytest.fixture
def api(tmp_path: Path, embedder) -> Iterator[RestApp]:
    with rest_app(tmp_path, embedder, prepare=_encrypt_alices_vault, passphrase=PASSPHRASE) as app:
        yield app


def _files_containing(directory: Path, text: str) -> list[str]:
    return [p.name for p in directory.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def test_charter_and_profile_on_an_encrypted_vault_are_sealed(api: RestApp) -> None:
    changed = api.patch("/api/charter", json={"values": "Time with Ottilie", "never": "nag me"})
    assert changed.status_code == 200, changed.text
    profile = api.put("/api/profile", json={"time_zone": "Pacific/Chatham"})
    assert profile.status_code == 200, profile.text
    assert profile.json()["time_zone_setting"] == "Pacific/Chatham"

    vault = api.vault_dir()
    assert is_sealed((vault / "charter.toml").read_bytes())
    assert _files_containing(vault, "Ottilie") == []
    assert _files_containing(vault, "Pacific/Chatham") == []
    charter = api.get("/api/charter").json()
    assert charter["values"] == "Time with Ottilie" and charter["never"] == ["nag me"]
    assert charter["timezone"] == "Pacific/Chatham"
    assert api.get("/api/profile").json()["time_zone_setting"] == "Pacific/Chatham"
