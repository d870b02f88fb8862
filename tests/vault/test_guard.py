"""A statement allowed to fail (pasi.vault.guard) leaves the write going, on both backends."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest

from pasi.vault.guard import may_fail

if TYPE_CHECKING:
    from backends import Vault

INSERT_SOURCE = "INSERT INTO sources (kind, uri, created_at) VALUES ('file', ?, '2024-03-10')"
INSERT_EPISODE = (
    "INSERT INTO episodes (source_id, position, role, text, occurred_at, recorded_at)"
    " VALUES (?, 0, 'user', 'hello', '2024-03-10', '2024-03-10')"
)


def _uris(vault: Vault) -> list[str]:
    return [r[0] for r in vault.read().execute("SELECT uri FROM sources ORDER BY uri")]


def test_a_caught_constraint_error_keeps_the_rest_of_the_write(vault: Vault) -> None:
    with vault.write() as conn:
        conn.execute(INSERT_SOURCE, ("a",))
        for uri in ("a", "b"):  # the duplicate fails, the write goes on
            try:
                with may_fail(conn):
                    conn.execute(INSERT_SOURCE, (uri,))
            except sqlite3.IntegrityError:
                pass
        with pytest.raises(sqlite3.IntegrityError), may_fail(conn):
            conn.execute(INSERT_EPISODE, (999_999,))  # a source that does not exist
        conn.execute(INSERT_SOURCE, ("c",))
    assert _uris(vault) == ["a", "b", "c"]


def test_rows_written_inside_a_guard_are_kept_and_their_ids_read(vault: Vault) -> None:
    with vault.write() as conn:
        with may_fail(conn):
            first = conn.execute(INSERT_SOURCE, ("x",)).lastrowid
            with may_fail(conn):  # nested
                second = conn.execute(INSERT_SOURCE, ("y",)).lastrowid
        conn.execute(INSERT_EPISODE, (second,))
    assert _uris(vault) == ["x", "y"]
    assert first != second
    assert vault.read().execute("SELECT COUNT(*) FROM episodes").fetchone()[0] == 1


def test_outside_a_write_the_guard_changes_nothing(vault: Vault) -> None:
    with may_fail(vault.read()):
        assert vault.read().execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 0
