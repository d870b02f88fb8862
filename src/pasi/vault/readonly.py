"""Run a user's (or a model's) SQL on the vault safely: read-only, time-limited, row-limited.

The connection is opened read-only at the file level (``mode=ro``) and with ``query_only``,
so no statement can change the vault, whatever it says. A progress handler stops a runaway
query (a cross join of the whole index) when its time is up, and at most ``max_rows`` rows
come back. The typed views over items (``emails``, ``events``, ``contacts``, ``csv_<table>``)
are what such queries are meant to read.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pasi.errors import InputError

if TYPE_CHECKING:
    from pasi.vault.sqlite import SQLiteVault

STEPS_BETWEEN_CHECKS = 1000  # SQLite VM instructions between two looks at the clock

# sqlite3's authorizer: (action, arg1, arg2, database, trigger or view) -> SQLITE_OK / _DENY
Authorizer = Callable[[int, str | None, str | None, str | None, str | None], int]


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more rows existed than ``max_rows``


def typed_views(db_path: Path | SQLiteVault) -> list[str]:
    """The views a query tool may read: the fixed ones and one ``csv_<table>`` per CSV file."""
    with closing(_open(db_path)) as conn:  # a sqlite3 connection's own `with` does not close it
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
        return [r[0] for r in rows]


def _open(db_path: Path | SQLiteVault) -> sqlite3.Connection:
    """A read-only connection; give the vault rather than its file when it may be encrypted."""
    try:
        if isinstance(db_path, Path):
            conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        else:
            conn = db_path.connect_readonly()
    except sqlite3.Error as error:
        where = db_path if isinstance(db_path, Path) else db_path.path
        raise InputError(f"cannot open {where} read-only: {error}") from None
    conn.execute("PRAGMA query_only = ON")
    return conn


def run_readonly_query(
    db_path: Path | SQLiteVault,
    sql: str,
    params: tuple[Any, ...] | dict[str, Any] = (),
    *,
    max_rows: int = 1000,
    timeout_seconds: float = 2.0,
    authorizer: Authorizer | None = None,
) -> QueryResult:
    """Execute one SQL statement on a read-only connection with a time and a row limit.

    ``authorizer`` narrows what the statement may touch further (e.g. only some views); a
    statement it denies fails with "not authorized" as an :class:`InputError`.
    """
    conn = _open(db_path)
    if getattr(conn, "dialect", "sqlite") == "postgres":
        # Free SQL there could call set_config('pasi.user_id', ...) and read another user's
        # rows, and it has no authorizer to keep it to the typed views: refused until it does.
        conn.close()
        raise InputError("SQL queries over the vault are not available on a PostgreSQL vault yet")
    if authorizer is not None:
        conn.set_authorizer(authorizer)
    deadline = time.monotonic() + timeout_seconds
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), STEPS_BETWEEN_CHECKS)
    try:
        cursor = conn.execute(sql, params)
        rows = cursor.fetchmany(max_rows + 1)
        columns = [d[0] for d in cursor.description or []]
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            raise InputError(
                f"the query was stopped after {timeout_seconds:g} s (time limit); narrow it"
            ) from None
        raise InputError(f"the query failed: {error}") from None
    except (sqlite3.DatabaseError, sqlite3.Warning, ValueError) as error:
        raise InputError(f"the query failed: {error}") from None
    finally:
        conn.close()
    return QueryResult(columns, [tuple(r) for r in rows[:max_rows]], len(rows) > max_rows)
