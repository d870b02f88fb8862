"""Both vault backends for parametrised tests (tests/conftest.py runs tests/vault and
tests/memory on each): SQLite in a temporary directory, PostgreSQL on the session's server."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pasi.vault.sqlite import SQLiteVault

if TYPE_CHECKING:
    from pasi.vault.postgres import PostgresVault

    Vault = SQLiteVault | PostgresVault

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
_USERS = itertools.count(1)


def open_backend(backend: str, request: pytest.FixtureRequest, directory: Path) -> Vault:
    """A new empty vault on ``backend``: a SQLite directory, or a new database on the session's
    PostgreSQL (copied from a migrated template: a test may rely on ids starting at 1, which
    users sharing one database do not have)."""
    if backend == "sqlite":
        return SQLiteVault(directory)
    from pasi.vault.postgres import PostgresVault

    server = request.getfixturevalue("postgres")
    url = server.new_database(request.getfixturevalue("postgres_template"))
    return PostgresVault(url, f"user-{next(_USERS)}", directory)
