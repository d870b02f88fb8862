"""Helpers the CLI tests import by name (a conftest is not importable reliably: there are several)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

Invoke = Callable[..., Result]


def snapshot(vault: Path) -> dict[str, Any]:
    """Everything a failed command must leave untouched, read without the pasi code."""
    conn = sqlite3.connect(f"file:{vault / 'vault.db'}?mode=ro", uri=True)
    try:
        return {
            "episodes": conn.execute("SELECT id, text FROM episodes ORDER BY id").fetchall(),
            "memories": conn.execute(
                "SELECT id, text, superseded_by FROM memories ORDER BY id"
            ).fetchall(),
            "sources": conn.execute("SELECT uri FROM sources ORDER BY id").fetchall(),
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
        }
    finally:
        conn.close()


def write_conversation(path: Path, sessions: list[list[str]], source: str | None = None) -> Path:
    """A file in pasi's conversation format (docs/formats.md), one list of texts per session."""
    data: dict[str, Any] = {
        "format": "pasi.conversation",
        "version": 1,
        "title": "test chat",
        "sessions": [
            {
                "id": f"s{s}",
                "date": f"2024-01-{s + 1:02d}T10:00:00Z",
                "turns": [
                    {"speaker": "Ana" if t % 2 == 0 else "Ben", "text": text}
                    for t, text in enumerate(texts)
                ],
            }
            for s, texts in enumerate(sessions)
        ],
    }
    if source:
        data["source"] = source
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def assert_one_error_line(result: Result, *fragments: str) -> None:
    """A user error: non-zero exit, one 'error:' line naming the problem, no traceback."""
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
