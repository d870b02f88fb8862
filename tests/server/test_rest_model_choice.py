"""Choosing each tier's model in Settings: written to the config file (comments and other
settings kept), used at once by the running server, and read back by pasi's own loader; only
the server's own user may do it. A real pasi server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from live_server import RunningServer

from pasi.config import load_settings

CONFIG = '# my pasi\nembedder = "none"  # offline\nmodel = "none"\n'


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    path.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("PASI_CONFIG", str(path))
    for name in ("PASI_FAST_MODEL", "PASI_STRONG_MODEL", "PASI_MODEL", "PASI_EMBEDDER"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_the_owner_saves_a_tier_and_it_is_used_and_read_back(
    start_server: Callable[..., RunningServer], config_file: Path
) -> None:
    server = start_server()
    owner = server.http(server.token("local"))
    saved = owner.put("/api/settings/tiers", json={"strong_model": "ollama:qwen2.5:0.5b"})
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"saved": {"strong_model": "ollama:qwen2.5:0.5b"},
                            "config_file": str(config_file), "overridden_by": []}  # fmt: skip
    text = config_file.read_text(encoding="utf-8")
    assert text.startswith(CONFIG) and 'strong_model = "ollama:qwen2.5:0.5b"' in text
    assert config_file.stat().st_mode & 0o777 == 0o600
    assert load_settings().strong_model == "ollama:qwen2.5:0.5b"
    settings = owner.get("/api/settings").json()
    assert settings["strong_model"] == "ollama:qwen2.5:0.5b"
    strong = next(t for t in settings["tiers"] if t["tier"] == "strong")
    assert strong["setting"] == "strong_model" and strong["resolved"] == "ollama:qwen2.5:0.5b"
    alice = server.http(server.token("alice"))  # a vault opened after the change
    assert alice.get("/api/settings").json()["strong_model"] == "ollama:qwen2.5:0.5b"
    cleared = owner.put("/api/settings/tiers", json={"strong_model": ""}).json()
    assert cleared["saved"] == {"strong_model": ""} and load_settings().strong_model == ""


def test_only_the_owner_may_choose_and_only_a_spec_pasi_reads(
    start_server: Callable[..., RunningServer], config_file: Path
) -> None:
    server = start_server()
    alice = server.http(server.token("alice"))
    refused = alice.put("/api/settings/tiers", json={"fast_model": "ollama:x"})
    assert refused.status_code == 403 and "only its own user" in refused.json()["error"]["message"]
    owner = server.http(server.token("local"))
    bad = owner.put("/api/settings/tiers", json={"fast_model": "bogus:x"})
    assert bad.status_code == 422 and bad.json()["error"]["param"] == "fast_model"
    assert owner.put("/api/settings/tiers", json={}).status_code == 422
    assert config_file.read_text(encoding="utf-8") == CONFIG
