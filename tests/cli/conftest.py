"""Run the real CLI against real vaults in temporary directories, and inspect them read-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import Invoke
from click.testing import Result
from typer.testing import CliRunner

from pasi.cli.main import app


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def pasi(vault_dir: Path) -> Invoke:
    """``pasi(*args, input=...)`` runs the CLI on this test's vault, lexical search only."""

    def invoke(*args: str, input: bytes | str | None = None, vault: Path | None = None) -> Result:
        argv = ["--vault", str(vault or vault_dir), "--embedder", "none", *args]
        runner = CliRunner(env={"COLUMNS": "250"})  # wide enough that table cells do not wrap
        return runner.invoke(app, argv, input=input, catch_exceptions=False)

    return invoke
