"""The charter in an encrypted vault: sealed like every vault file, read back through the CLI."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from pasi.vault.files import is_sealed
from vault.crypto_helpers import Run, cli_on

SECRET = "Marguerite and the quiet garden"
PASSPHRASE = "correct horse"


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return cli_on(tmp_path / "vault")


def _plaintext_files(directory: Path, text: str) -> list[str]:
    needle = text.encode()
    return [
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and needle in p.read_bytes()
    ]


def _charter_json(run: Run) -> dict:
    shown = run("charter", "--json", PASI_PASSPHRASE=PASSPHRASE)
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.stdout)


def test_charter_set_in_an_encrypted_vault_is_sealed_and_reads_back(
    run: Run, tmp_path: Path
) -> None:
    assert run("init", "--encrypt", PASI_PASSPHRASE=PASSPHRASE).exit_code == 0
    changed = run("charter", "set", "values", SECRET, PASI_PASSPHRASE=PASSPHRASE)
    assert changed.exit_code == 0, changed.output
    people = run("charter", "set", "people", "Marguerite; Anselm", PASI_PASSPHRASE=PASSPHRASE)
    assert people.exit_code == 0, people.output

    vault = tmp_path / "vault"
    assert _plaintext_files(vault, "Marguerite") == []
    assert is_sealed((vault / "charter.toml").read_bytes())
    charter = _charter_json(run)
    assert charter["values"] == SECRET and charter["people"] == ["Marguerite", "Anselm"]
    shown = run("charter", PASI_PASSPHRASE=PASSPHRASE)
    assert shown.exit_code == 0 and SECRET in shown.stdout and "# Your charter" in shown.stdout


def test_charter_edit_in_an_encrypted_vault_seals_the_edited_text(run: Run, tmp_path: Path) -> None:
    assert run("init", "--encrypt", PASI_PASSPHRASE=PASSPHRASE).exit_code == 0
    editor_script = tmp_path / "editor.py"
    editor_script.write_text(  # an "editor" that changes two lines of the file it is given
        "import pathlib, sys\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "text = p.read_text().replace('daily_budget_minutes = 60', 'daily_budget_minutes = 25')\n"
        "p.write_text(text.replace('never = []', 'never = [\"mention Marguerite\"]'))\n"
    )
    editor = f"{shlex.quote(sys.executable)} {shlex.quote(str(editor_script))}"
    edited = run("charter", "edit", PASI_PASSPHRASE=PASSPHRASE, EDITOR=editor, VISUAL="")
    assert edited.exit_code == 0, edited.output

    assert _plaintext_files(tmp_path / "vault", "Marguerite") == []
    charter = _charter_json(run)
    assert charter["daily_budget_minutes"] == 25 and charter["never"] == ["mention Marguerite"]


def test_vault_encrypt_keeps_an_existing_charter_readable(run: Run, tmp_path: Path) -> None:
    assert run("init").exit_code == 0
    assert run("charter", "set", "values", SECRET).exit_code == 0
    vault = tmp_path / "vault"
    assert _plaintext_files(vault, "Marguerite") == ["charter.toml"]  # a plain vault: plain

    encrypted = run("vault", "encrypt", PASI_PASSPHRASE=PASSPHRASE)
    assert encrypted.exit_code == 0, encrypted.output
    assert _plaintext_files(vault, "Marguerite") == []
    assert _charter_json(run)["values"] == SECRET
    changed = run("charter", "set", "quiet_start", "23:00", PASI_PASSPHRASE=PASSPHRASE)
    assert changed.exit_code == 0, changed.output
    after = _charter_json(run)
    assert after["quiet_start"] == "23:00" and after["values"] == SECRET
    assert _plaintext_files(vault, "Marguerite") == []
