"""pasi erase --all: afterwards a scan of the directory finds nothing of the user's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from pasi.cli.main import app
from pasi.config import config_file_path
from pasi.vault.sqlite import open_vault
from vault.crypto_helpers import file_bytes

SECRET = b"heliotrope8812"


def _run(vault: Path, *args: str, **env: str) -> Result:
    argv = ["--vault", str(vault), "--embedder", "none", *args]
    return CliRunner(env=env).invoke(app, argv, catch_exceptions=False)


def _filled(vault: Path, passphrase: str | None = None) -> Path:
    env = {"PASI_PASSPHRASE": passphrase} if passphrase else {}
    assert _run(vault, "init", *(["--encrypt"] if passphrase else []), **env).exit_code == 0
    assert _run(vault, "remember", f"My safe code is {SECRET.decode()}", **env).exit_code == 0
    with open_vault(vault, passphrase) as opened:
        opened.files.write_text("charter.toml", f"never = ['{SECRET.decode()}']")
        opened.files.write_bytes("attachments/scan.png", b"\x89PNG" + SECRET)
    (vault / ".vault.db.converting").write_bytes(b"left by an interrupted conversion")
    (vault / "models").mkdir()
    (vault / "models" / "tiny.gguf").write_bytes(b"GGUF public weights")
    config = config_file_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('embedder = "none"\n')
    return config


@pytest.mark.parametrize("passphrase", [None, "erase me"], ids=["plain", "encrypted"])
def test_erase_all_leaves_only_the_downloaded_models_and_the_config(
    tmp_path: Path, passphrase: str | None
) -> None:
    vault = tmp_path / "vault"
    config = _filled(vault, passphrase)
    result = _run(vault, "erase", "--all", "--yes")  # no passphrase needed
    assert result.exit_code == 0, result.output
    assert sorted(file_bytes(vault)) == ["models/tiny.gguf"]
    assert [p.name for p in vault.iterdir()] == ["models"]
    assert config.exists()
    assert not any(SECRET in content for content in file_bytes(tmp_path).values())


def test_erase_all_with_models_and_config_removes_the_directory_and_the_config(
    tmp_path: Path,
) -> None:
    vault = tmp_path / "vault"
    config = _filled(vault)
    result = _run(vault, "erase", "--all", "--yes", "--models", "--config")
    assert result.exit_code == 0, result.output
    assert not vault.exists() and not config.exists()


def test_erase_asks_first_and_a_no_changes_nothing(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    _filled(vault)
    before = file_bytes(vault)
    refused = _run(vault, "erase", "--all")  # not a terminal, no --yes
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert _run(vault, "erase").exit_code == 2  # --all is required
    assert file_bytes(vault) == before


def test_a_directory_without_a_vault_is_never_erased(tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.tex").write_text("years of work")
    refused = _run(documents, "erase", "--all", "--yes")
    assert refused.exit_code == 2 and "holds no pasi vault" in refused.output
    assert (documents / "thesis.tex").read_text() == "years of work"
