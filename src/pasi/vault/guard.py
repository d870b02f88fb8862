"""Statements allowed to fail inside a write, on either backend.

Code that catches a constraint error and goes on in the same transaction (a restored row whose
reference this vault cannot satisfy is skipped) relies on SQLite undoing only the failed
statement. PostgreSQL aborts the whole transaction instead, unless the statement ran inside a
savepoint: :func:`may_fail` opens one there (the PostgreSQL connection's ``savepoint``) and
nothing on SQLite. Only these statements pay for it: a savepoint and a wait for the answer,
where every other statement of a PostgreSQL write is pipelined.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def may_fail(conn: Any) -> Iterator[None]:
    """Run the statements inside so that an error they raise leaves the write usable."""
    savepoint = getattr(conn, "savepoint", None)
    if savepoint is None:  # sqlite3: a failed statement is undone alone
        yield
        return
    with savepoint():
        yield
