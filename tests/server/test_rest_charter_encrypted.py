"""The charter over REST on encrypted vaults: sealed on disk, read back through the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pasi.vault.files import is_sealed
from server.rest_app import RestApp, encrypted_alice_app, files_containing

PASSPHRASE = "server passphrase"


@pytest.fixture
def api(tmp_path: Path, embedder) -> Iterator[RestApp]:
    with encrypted_alice_app(tmp_path, embedder, PASSPHRASE) as app:
        yield app


def test_charter_and_profile_on_an_encrypted_vault_are_sealed(api: RestApp) -> None:
    changed = api.patch("/api/charter", json={"values": "Time with Ottilie", "never": "nag me"})
    assert changed.status_code == 200, changed.text
    profile = api.put("/api/profile", json={"time_zone": "Pacific/Chatham"})
    assert profile.status_code == 200, profile.text
    assert profile.json()["time_zone_setting"] == "Pacific/Chatham"

    vault = api.vault_dir()
    assert is_sealed((vault / "charter.toml").read_bytes())
    assert files_containing(vault, "Ottilie") == []
    assert files_containing(vault, "Pacific/Chatham") == []
    charter = api.get("/api/charter").json()
    assert charter["values"] == "Time with Ottilie" and charter["never"] == ["nag me"]
    assert charter["timezone"] == "Pacific/Chatham"
    assert api.get("/api/profile").json()["time_zone_setting"] == "Pacific/Chatham"
