"""Helpers shared by the encryption tests (a module, not a conftest: tests import it)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


def file_bytes(directory: Path) -> dict[str, bytes]:
    """The bytes of every file under ``directory``, by relative path."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }
