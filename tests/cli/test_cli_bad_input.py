"""Bad input: each case is one clear error line, a non-zero exit, and no stored data lost."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import Invoke, assert_one_error_line, snapshot, write_conversation
from typer.testing import CliRunner

from pasi.cli.main import app


@pytest.fixture
def stored(pasi: Invoke, vault_dir: Path, tmp_path: Path) -> dict:
    """A vault that already holds a memory and a conversation, and its snapshot."""
    pasi("remember", "I live in Berlin")
    pasi("import", str(write_conversation(tmp_path / "old.json", [["first turn", "second"]])))
    return snapshot(vault_dir)


def test_invalid_utf8_in_an_import_file(pasi: Invoke, tmp_path: Path, stored: dict, vault_dir):
    bad = tmp_path / "latin1.json"
    bad.write_bytes(
        b'{"format": "pasi.conversation", "version": 1,'
        b' "sessions": [{"turns": [{"text": "caf\xe9"}]}]}'
    )
    assert_one_error_line(pasi("import", str(bad)), "latin1.json", "UTF-8")
    assert snapshot(vault_dir) == stored


def test_invalid_utf8_on_stdin_and_in_an_argument(pasi: Invoke, stored: dict, vault_dir):
    assert_one_error_line(pasi("remember", "-", input=b"caf\xe9 au lait"), "stdin", "UTF-8")
    assert_one_error_line(pasi("remember", "caf\udce9"), "UTF-8")  # how Linux hands over bad argv
    assert_one_error_line(pasi("chat", input=b"fine line\nbad \xff line\n"), "line 2", "UTF-8")
    after = snapshot(vault_dir)
    assert after["memories"] == stored["memories"]
    assert [t for _, t in after["episodes"]] == [t for _, t in stored["episodes"]] + ["fine line"]


def test_empty_and_oversized_statements(pasi: Invoke, stored: dict, vault_dir):
    assert_one_error_line(pasi("remember", "   "), "empty")
    assert_one_error_line(pasi("remember", "-", input=b""), "empty")
    ten_mb = "word " * 2_000_000
    assert_one_error_line(pasi("remember", ten_mb), "9,999,999 characters", "100,000")
    assert_one_error_line(pasi("remember", "-", input=ten_mb.encode()), "limit")
    assert_one_error_line(pasi("recall", ten_mb), "limit")
    assert snapshot(vault_dir) == stored


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"format": "pasi.conversation", "version": 1, "sessions": [', "invalid JSON at line 1"),
        ('{"hello": "world"}', "not a conversation file"),
        ('{"format": "pasi.conversation", "version": 7, "sessions": []}', "version 7"),
        ('{"format": "pasi.conversation", "version": 1, "sessions": [{"turns": [{}]}]}', "'text'"),
        ('{"type":"header","format":"pasi.export","version":1}\n{"type":"memory"}\n', "line 2"),
        ('{"type":"header","format":"pasi.export","version":1}\nnot json\n', "invalid JSON"),
    ],
)
def test_malformed_import_files(pasi: Invoke, tmp_path: Path, stored, vault_dir, content, expected):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert_one_error_line(pasi("import", str(bad)), expected)
    assert snapshot(vault_dir) == stored


def test_a_bad_file_stops_the_import_before_any_file_is_written(
    pasi: Invoke, tmp_path: Path, stored: dict, vault_dir
):
    good = write_conversation(tmp_path / "good.json", [["a new turn", "another new turn"]])
    huge = write_conversation(tmp_path / "huge.json", [["x" * 100_001]])
    assert_one_error_line(pasi("import", str(good), str(huge)), "huge.json", "100,000")
    assert_one_error_line(pasi("import", str(good), str(tmp_path / "missing.json")), "no such file")
    assert snapshot(vault_dir) == stored


def test_a_vault_path_that_is_a_regular_file(pasi: Invoke, tmp_path: Path):
    not_a_dir = tmp_path / "vault-file"
    not_a_dir.write_text("my notes, not a vault", encoding="utf-8")
    assert_one_error_line(
        pasi("remember", "x y", vault=not_a_dir), str(not_a_dir), "not a directory"
    )
    assert not_a_dir.read_text(encoding="utf-8") == "my notes, not a vault"


def test_a_vault_written_by_a_newer_pasi_is_refused_untouched(
    pasi: Invoke, stored: dict, vault_dir: Path
):
    conn = sqlite3.connect(vault_dir / "vault.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert_one_error_line(pasi("remember", "a new fact"), "schema version 99", "upgrade pasi")
    assert_one_error_line(pasi("recall", "Berlin"), "schema version 99")
    assert snapshot(vault_dir) == stored
    conn = sqlite3.connect(vault_dir / "vault.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99


def test_an_invalid_setting_or_embedder_is_one_error_line(pasi: Invoke, vault_dir: Path):
    result = CliRunner(env={"PASI_RECALL_K": "0"}).invoke(
        app, ["--vault", str(vault_dir), "recall", "anything"]
    )
    assert_one_error_line(result, "recall_k")
    assert_one_error_line(
        CliRunner().invoke(app, ["--vault", str(vault_dir), "--embedder", "gpt9", "recall", "x"]),
        "gpt9",
    )


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A directory another user can enter (pytest's own tmp is private to root)."""
    directory = Path(tempfile.mkdtemp(prefix="pasi-perm-"))
    directory.chmod(0o755)
    yield directory
    for path in [directory, *directory.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(directory)


# Root ignores permission bits, so as root the CLI runs as 'nobody' after its modules are
# loaded: the interpreter, and maybe the checkout (a `mktemp -d` clone is mode 700), are not
# readable by 'nobody', so every module the command could import lazily is imported first.
_AS_NOBODY = """
import importlib, os, pkgutil, sys
import unicodedata
import typer, pasi.cli, pasi.memory, pasi.vault
for package in (typer, pasi.cli, pasi.memory, pasi.vault):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.endswith("__main__"):
            try:
                importlib.import_module(module.name)
            except Exception:  # a module for another platform (typer's Windows console)
                pass
os.setgid(65534)
os.setuid(65534)
sys.argv = ["pasi", *sys.argv[1:]]
pasi.cli.main.run()
"""


def _run_cli_unprivileged(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
    command = [sys.executable, "-c", _AS_NOBODY] if os.geteuid() == 0 else [
        sys.executable, "-m", "pasi"
    ]  # fmt: skip
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, cwd=home, timeout=60
    )


def test_a_vault_directory_that_is_not_writable(pasi: Invoke, shared_tmp: Path):
    vault = shared_tmp / "vault"
    assert pasi("remember", "I live in Berlin", vault=vault).exit_code == 0
    before = snapshot(vault)
    vault.chmod(0o500)  # readable and enterable by its owner, not writable
    if os.geteuid() == 0:
        os.chown(vault, 65534, 65534)  # owned by 'nobody', who runs the CLI below
    result = _run_cli_unprivileged(
        ["--vault", str(vault), "--embedder", "none", "remember", "new fact"], shared_tmp
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"error: the vault directory {vault} is not writable by this user; choose another with "
        "--vault or PASI_VAULT, or fix its permissions"
    ]
    vault.chmod(0o755)
    if os.geteuid() == 0:
        os.chown(vault, 0, 0)
    assert snapshot(vault) == before
    assert json.loads(pasi("memories", "list", "--json", vault=vault).stdout)[0]["text"] == (
        "I live in Berlin"
    )
