"""Helpers shared by the encryption tests (a module, not a conftest: tests import it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from pasi.cli.main import app

Run = Callable[..., Result]


def cli_on(vault: Path) -> Run:
    """``run(*args, **env)`` runs the real CLI on ``vault``, lexical search only; environment
    variables (``PASI_PASSPHRASE=...``) go as keywords, one command at a time."""

    def run(*args: str, **env: str) -> Result:
        argv = ["--vault", str(vault), "--embedder", "none", *args]
        return CliRunner(env={"COLUMNS": "200", **env}).invoke(app, argv, catch_exceptions=False)

    return run


def file_bytes(directory: Path) -> dict[str, bytes]:
    """The bytes of every file under ``directory``, by relative path."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }
