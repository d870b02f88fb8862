"""A PostgreSQL connection that looks like the ``sqlite3`` connection the code above uses.

``execute``/``executemany``/``fetchone``/``fetchall``, rows read by name or by index,
``lastrowid`` (from ``RETURNING id``), ``rowcount``, ``in_transaction`` and SQLite's errors
(``sqlite3.IntegrityError`` and the rest), so the layers above the vault keep one codebase.
Each statement is translated once (:mod:`pasi.vault.pg_sql`); the ``PRAGMA``\\s the code uses
are answered from PostgreSQL's catalog or the vault's own tables. The ``user_id`` column that
row-level security keys on is never shown: SQL above the vault does not know it exists.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, ClassVar

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.pq import TransactionStatus
from psycopg.types.string import StrDumper

from pasi.vault.pg_pool import Session
from pasi.vault.pg_sql import Statement, shape, translate

HIDDEN = "user_id"
_ROW_CLASSES: dict[tuple[str, ...], type[Row]] = {}


class Row(tuple):
    """A row read by index or by column name, like ``sqlite3.Row``."""

    _index: ClassVar[dict[str, int]] = {}  # set per column list by _row_class
    _names: ClassVar[tuple[str, ...]] = ()

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_class(names: tuple[str, ...]) -> type[Row]:
    found = _ROW_CLASSES.get(names)
    if found is None:
        index = {name: i for i, name in reversed(list(enumerate(names)))}
        found = type("Row", (Row,), {"_index": index, "_names": names})
        _ROW_CLASSES[names] = found
    return found


class _IntLoader(Loader):
    """``numeric`` (what SUM and ROUND give) as SQLite gives it: an int, or a float."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        return float(text) if "." in text or "e" in text.lower() else int(text)


class _BoolDumper(Dumper):
    """SQLite keeps booleans as 0 and 1 in INTEGER columns, and so does this schema."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


def sql_error(error: psycopg.Error) -> sqlite3.Error:
    kind: type[sqlite3.Error]
    if isinstance(error, psycopg.IntegrityError):
        kind = sqlite3.IntegrityError
    elif isinstance(error, psycopg.OperationalError | psycopg.ProgrammingError):
        kind = sqlite3.OperationalError  # as SQLite reports a syntax error or a read-only write
    else:
        kind = sqlite3.DatabaseError
    return kind(str(error).strip())


class Cursor:
    """One statement's results, as a ``sqlite3.Cursor`` shows them."""

    def __init__(self, owner: Connection) -> None:
        self._owner = owner
        self._raw = psycopg.RawCursor(owner.raw)  # owner.raw: set to the vault's user
        self._rows: list[Row] | None = None
        self._rowcount = -1
        self._pending = False  # sent in a pipeline; its results are read when asked for
        self.lastrowid: int | None = None

    def execute(self, sql: str, params: Any = ()) -> Cursor:
        special = self._owner.pragma(sql)
        if special is not None:
            self._rows, self._rowcount = [tuple_row(r) for r in special], -1
            return self
        shaped = shape(sql) if isinstance(params, list | tuple) else None
        if shaped is not None:
            sql, params = shaped.sql, shaped.group(params)
        statement = self._owner.statement(sql)
        new_id = None
        if self._owner.pipeline is not None and statement.with_id is not None:
            new_id = self._owner.next_id(statement.table)  # type: ignore[arg-type]
            statement = statement.with_id
        try:
            self._raw.execute(statement.sql, statement.arguments(params, new_id))  # type: ignore[arg-type]
        except psycopg.Error as error:
            raise sql_error(error) from error
        if new_id is not None:
            self.lastrowid, self._rows, self._pending = new_id, [], True
            self._owner.changed += 1
            self._owner.settle_guarded(self)
            return self
        self._after(statement)
        self._owner.settle_guarded(self)
        return self

    def executemany(self, sql: str, seq: Iterable[Any]) -> Cursor:
        statement = self._owner.statement(sql, returning=False)
        rows = [statement.arguments(p) for p in seq]
        try:
            self._raw.executemany(statement.sql, rows)  # type: ignore[arg-type]
        except psycopg.Error as error:
            raise sql_error(error) from error
        self._rows, self._pending = [], self._owner.pipeline is not None
        if not self._pending:
            self._rowcount = self._raw.rowcount
        self._owner.changed += len(rows)
        self._owner.settle_guarded(self)
        return self

    def _after(self, statement: Statement) -> None:
        self._rows = None
        if statement.returns_id:
            row = self._fetch_raw_one()
            self.lastrowid = int(row[0]) if row else None
            self._rows, self._rowcount = [], self._raw.rowcount
        elif self._owner.pipeline is not None:
            self._pending = True
        else:
            self._rowcount = self._raw.rowcount
            if self._raw.description is None:
                self._rows = []
        self._owner.changed += 1

    def _fetch_raw_one(self) -> Any:
        try:
            return self._raw.fetchone()
        except psycopg.Error as error:
            raise sql_error(error) from error

    def _settle(self) -> None:
        """Wait for a pipelined statement's results (and any error of the statements before)."""
        if self._pending:
            self._pending = False
            self._owner.sync()
            self._rowcount = self._raw.rowcount
            if self._rows is None and self._raw.description is None:
                self._rows = []

    @property
    def rowcount(self) -> int:
        self._settle()
        return self._rowcount

    def _fetch(self) -> list[Row]:
        self._settle()
        if self._rows is None:
            description = self._raw.description or []
            names = tuple(c.name for c in description)
            keep = [i for i, name in enumerate(names) if name != HIDDEN]
            cls = _row_class(tuple(names[i] for i in keep))
            try:
                raw = self._raw.fetchall()
            except psycopg.Error as error:
                raise sql_error(error) from error
            if len(keep) == len(names):
                self._rows = [cls(r) for r in raw]
            else:
                self._rows = [cls(r[i] for i in keep) for r in raw]
        return self._rows

    @property
    def description(self) -> list[tuple[str, None, None, None, None, None, None]] | None:
        if self._raw.description is None:
            return None
        return [(c.name, None, None, None, None, None, None) for c in self._raw.description
                if c.name != HIDDEN]  # fmt: skip

    def fetchall(self) -> list[Row]:
        rows, self._rows = self._fetch(), []
        return rows

    def fetchone(self) -> Row | None:
        rows = self._fetch()
        return rows.pop(0) if rows else None

    def fetchmany(self, size: int = 1) -> list[Row]:
        rows = self._fetch()
        taken, self._rows = rows[:size], rows[size:]
        return taken

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._raw.close()


def tuple_row(values: Sequence[Any]) -> Row:
    return _row_class(tuple(f"c{i}" for i in range(len(values))))(values)


class Connection:
    """The vault's PostgreSQL connection, shaped like ``sqlite3.Connection``."""

    dialect = "postgres"  # for the vault layer's own few differences (no FTS5 MATCH)

    def __init__(
        self,
        session: Session,
        user: str,
        tables_with_id: Callable[[], frozenset[str]],
        pragmas: Callable[[Connection, str], list[Sequence[Any]] | None],
        sequences: Callable[[], dict[str, str]] = dict,
    ) -> None:
        self.session, self.user = session, user
        raw = session.raw
        raw.adapters.register_loader("numeric", _IntLoader)
        raw.adapters.register_dumper(bool, _BoolDumper)
        # Text, not "unknown": PostgreSQL cannot infer `SELECT $1` in INSERT ... SELECT.
        raw.adapters.register_dumper(str, StrDumper)
        self._tables_with_id = tables_with_id
        self._pragmas = pragmas
        self.row_factory: object = None  # accepted and ignored: rows always read both ways
        self.changed = 0  # statements (and rows of executemany) run through this connection
        # Inside a write, statements are pipelined (sent without waiting for each answer), and
        # a one-row INSERT takes its id from ids reserved in blocks instead of RETURNING: so a
        # bulk write waits for the server a few times, not three times per row.
        self.pipeline: psycopg.Pipeline | None = None
        self._sequences = sequences
        self._reserved: dict[str, list[int]] = {}
        self._savepoints = 0  # open savepoints of :meth:`savepoint`

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Statements that may fail while the write goes on (a caller catching
        ``sqlite3.IntegrityError``). SQLite undoes only a failed statement; PostgreSQL aborts
        the whole transaction, unless the statement ran inside a savepoint, rolled back to on
        an error. Inside, each statement waits for its answer, so the error is raised by the
        ``execute`` that caused it, as SQLite raises it. Outside a transaction: nothing to do."""
        if not self.in_transaction:
            yield
            return
        self.sync()  # the statements before answer for their own errors
        self._savepoints += 1
        name = f"pasi_guard_{self._savepoints}"
        self.raw.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self._savepoints -= 1
            self._end_abort()
            self.raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.raw.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self._savepoints -= 1
        self.raw.execute(f"RELEASE SAVEPOINT {name}")

    def _end_abort(self) -> None:
        """After a failed statement, the server skips the pipeline's statements up to the next
        sync: send it (its error was already raised) so the rollback that follows runs."""
        if self.pipeline is not None:
            with suppress(psycopg.Error):
                self.pipeline.sync()

    def settle_guarded(self, cursor: Cursor) -> None:
        """Inside :meth:`savepoint`, wait for ``cursor``'s statement (raising its error)."""
        if self._savepoints and self.pipeline is not None:
            cursor._settle()

    @property
    def raw(self) -> psycopg.Connection:
        """The psycopg connection, set to this vault's user (shared connections switch)."""
        self.session.become(self.user)
        return self.session.raw

    def sync(self) -> None:
        if self.pipeline is not None:
            try:
                self.pipeline.sync()
            except psycopg.Error as error:
                raise sql_error(error) from error

    def next_id(self, table: str) -> int:
        """The next id of ``table`` from a block reserved in this transaction (blocks double,
        up to 1,024, so a bulk write reserves in a few round trips). Reserved inside the
        user's write lock, ids still grow with time for each user, as SQLite's do."""
        reserved = self._reserved.setdefault(table, [])
        if not reserved:
            block = min(2 ** len(self._reserved.get(f"{table}#", [])), 1024)
            self._reserved.setdefault(f"{table}#", []).append(block)
            try:
                rows = self.raw.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    (self._sequences()[table], block),
                ).fetchall()
            except psycopg.Error as error:
                raise sql_error(error) from error
            reserved.extend(sorted((int(r[0]) for r in rows), reverse=True))
        return reserved.pop()

    def end_pipeline(self) -> None:
        self.pipeline = None
        self._reserved.clear()

    def statement(self, sql: str, *, returning: bool = True) -> Statement:
        head = sql.lstrip()[:6].upper()
        if head == "BEGIN" or head.startswith("BEGIN"):
            # A read snapshot: SQLite's reader sees one state until COMMIT.
            return Statement("BEGIN ISOLATION LEVEL REPEATABLE READ", ())
        tables = self._tables_with_id() if returning else frozenset()
        try:
            return translate(sql, tables)
        except Exception as error:  # sqlglot's parse errors, for a statement it cannot read
            raise sqlite3.OperationalError(f"cannot translate for PostgreSQL: {error}") from None

    def pragma(self, sql: str) -> list[Sequence[Any]] | None:
        if not sql.lstrip().upper().startswith("PRAGMA"):
            return None
        return self._pragmas(self, sql) or []

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, sql: str, params: Any = ()) -> Cursor:
        return Cursor(self).execute(sql, params)

    def executemany(self, sql: str, seq: Iterable[Any]) -> Cursor:
        return Cursor(self).executemany(sql, seq)

    def executescript(self, script: str) -> None:
        for sql in script.split(";"):
            if sql.strip():
                self.execute(sql)

    @property
    def in_transaction(self) -> bool:
        return self.session.raw.info.transaction_status != TransactionStatus.IDLE

    def commit(self) -> None:
        self.raw.execute("COMMIT") if self.in_transaction else None

    def rollback(self) -> None:
        self.raw.execute("ROLLBACK") if self.in_transaction else None

    def close(self) -> None:
        self.session.raw.close()


def index_path_row(directory: Path) -> list[Sequence[Any]]:
    """``PRAGMA database_list``'s answer: the saved indexes live beside this local file."""
    return [(0, "main", str(directory / "vault.pg"))]
