"""Every command, option and setting is documented: a test fails when one is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from pasi.cli.main import app
from pasi.config import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _commands(group: Any, prefix: str = "pasi") -> list[tuple[str, Any]]:
    """(full name, command) for every command and sub-group, walking groups recursively."""
    found = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        found.append((path, command))
        if hasattr(command, "commands"):
            found.extend(_commands(command, path))
    return found


def test_every_cli_command_and_option_is_in_docs_cli() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    missing = []
    for path, command in [("pasi", root), *_commands(root)]:
        if f"`{path}" not in text:
            missing.append(path)
        for param in command.params:
            for option in param.opts if param.param_type_name == "option" else []:
                if option.startswith("--") and option != "--help" and option not in text:
                    missing.append(f"{path} {option}")
    assert len(_commands(root)) >= 14
    assert missing == []


def test_every_setting_is_in_docs_configuration() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in Settings.model_fields
        if f"`{name}`" not in text or f"PASI_{name.upper()}" not in text
    ]
    assert missing == []
    assert "config.toml" in text and "PASI_CONFIG" in text
