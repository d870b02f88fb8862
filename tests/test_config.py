from __future__ import annotations

from pathlib import Path

import pytest

from pasi.config import load_settings
from pasi.errors import ConfigError


def test_precedence_is_defaults_then_file_then_env_then_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('vault = "/from/file"\nembedder = "none"\nrecall_k = 7\n')
    monkeypatch.setenv("PASI_CONFIG", str(config))
    from_file = load_settings()
    assert (str(from_file.vault), from_file.embedder, from_file.recall_k) == (
        "/from/file",
        "none",
        7,
    )
    monkeypatch.setenv("PASI_VAULT", "/from/env")
    assert str(load_settings().vault) == "/from/env"
    assert str(load_settings(vault="/from/flag").vault) == "/from/flag"
    assert load_settings(vault=None).recall_k == 7  # an unset flag does not hide the file


def test_default_vault_lives_in_the_users_data_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert load_settings().vault == tmp_path / "data" / "pasi"


def test_bad_values_name_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("recall_k = 0\n")
    monkeypatch.setenv("PASI_CONFIG", str(config))
    with pytest.raises(ConfigError, match="recall_k"):
        load_settings()
    config.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="colour"):
        load_settings()


def test_a_retired_setting_says_why_it_went(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('llamacpp_chat_format = "chatml-function-calling"\n')
    monkeypatch.setenv("PASI_CONFIG", str(config))
    with pytest.raises(ConfigError, match=r"'llamacpp_chat_format' is gone: .*chat template"):
        load_settings()


def test_a_broken_config_file_is_reported_with_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("vault = [unclosed\n")
    monkeypatch.setenv("PASI_CONFIG", str(config))
    with pytest.raises(ConfigError, match=str(config)):
        load_settings()
