"""The PostgreSQL vault: one user's vault inside a database shared by many users.

Chosen by a ``postgresql://`` vault setting. It offers what :class:`SQLiteVault` offers (the
same ``write()``/``read()`` seams, ``directory``, ``files``, ``data_version``), so nothing
above the vault layer knows which backend runs. Isolation is the database's: every row carries
a ``user_id`` that row-level security compares with the connection's ``pasi.user_id`` setting
(:mod:`pasi.vault.pg_schema`), so even SQL that forgets a filter reads only its user's rows.

One writer per user: :meth:`write` holds a lock in this process and a transaction-scoped
advisory lock keyed by the user in the database, so two processes serving the same user write
one after the other, as SQLite's single writer does. Connections are shared by all vaults of a
database in the process (:mod:`pasi.vault.pg_pool`). Files (attachments, the charter, saved
search indexes) stay on local disk in ``directory``, one per user.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from pasi.errors import VaultError, VaultVersionError
from pasi.vault.files import VaultFiles
from pasi.vault.migrations import MIGRATIONS, SCHEMA_VERSION
from pasi.vault.pg_conn import Connection, index_path_row, sql_error
from pasi.vault.pg_pool import Session, acquire, connect, release
from pasi.vault.pg_schema import PRELUDE, postgres_script

MIGRATION_LOCK = 7_203_114  # pg_advisory_xact_lock key while the schema is migrated
# A write of this many statements (rows) is followed by ANALYZE: with no statistics after a bulk import, the
# planner reads a lookup by id through the per-user index instead (a scan of the user's rows:
# 2.5 ms at 3k units, growing with the vault) until autovacuum comes by.
ANALYZE_AFTER_ROWS = 5000


def _table_info(conn: Connection, table: str) -> list[Sequence[Any]]:
    rows = conn.raw.execute(
        "SELECT ordinal_position - 1, column_name, data_type, is_nullable = 'NO',"
        " column_default, 0 FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = %s AND column_name <> 'user_id'"
        " ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return [(i, *rest) for i, (_, *rest) in enumerate(rows)]


def _foreign_keys(conn: Connection, table: str) -> list[Sequence[Any]]:
    """``PRAGMA foreign_key_list``'s rows (id, seq, table, from, to, ...), from the catalog."""
    rows = conn.raw.execute(
        "SELECT c.confrelid::regclass::text, a.attname, f.attname FROM pg_constraint c"
        " CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, fcol)"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col"
        " JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = k.fcol"
        " WHERE c.contype = 'f' AND c.conrelid = to_regclass(%s) AND a.attname <> 'user_id'"
        " ORDER BY c.oid, a.attnum",
        (f'"{table}"',),
    ).fetchall()
    return [(i, 0, target.strip('"'), column, to, "NO ACTION", "NO ACTION", "NONE")
            for i, (target, column, to) in enumerate(rows)]  # fmt: skip


class PostgresVault:
    """One user's vault in the PostgreSQL database at ``url`` (a libpq URL); its files in the
    local ``directory``. :func:`pasi.vault.location.open_location` opens one from a setting."""

    encrypted = False
    key = None

    def __init__(self, url: str, user: str, directory: Path) -> None:
        if not user:
            raise VaultError("a PostgreSQL vault needs a user id")
        self.url, self.user = url, user
        self.directory = directory
        self.path = directory / "vault.pg"
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.files = VaultFiles(directory, None)
        self._tables: frozenset[str] = frozenset()
        self._sequences: dict[str, str] = {}  # identity table -> its id sequence
        setup = self._adapt(Session(connect(url)))
        try:
            self._check_role(setup)
            self.found_version = self._migrate(setup)
        finally:
            setup.close()
        self._shared = acquire(url)
        self._write_lock = threading.RLock()
        self._active: Connection | None = None  # the transaction write() has open
        self._local = threading.local()
        self._closed = False
        self._before_close: list[Callable[[], object]] = []
        self.generation = 0

    # -- connections ----------------------------------------------------------------------------

    def _adapt(self, session: Session) -> Connection:
        return Connection(
            session, self.user, lambda: self._tables, self._pragma, lambda: self._sequences
        )

    def _check_role(self, conn: Connection) -> None:
        row = conn.raw.execute(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        if row and row[0]:
            raise VaultError(
                "the PostgreSQL role in the vault URL is a superuser or bypasses row-level "
                "security, so users' rows would not be kept apart: connect as an ordinary role "
                "(docs/server.md)"
            )

    def _pragma(self, conn: Connection, sql: str) -> list[Sequence[Any]] | None:
        body = sql.strip().rstrip(";")[len("PRAGMA") :].strip()
        name = re.split(r"[\s=(]", body, maxsplit=1)[0].lower()
        if name == "user_version":
            return [conn.raw.execute("SELECT version FROM pasi_schema").fetchone()]
        if name == "data_version":
            return [(self._commits(conn),)]
        if name == "table_info":
            table = re.search(r"\(\s*[\"']?(\w+)", body)
            return _table_info(conn, table.group(1)) if table else []
        if name == "foreign_key_list":
            table = re.search(r"\(\s*[\"']?(\w+)", body)
            return _foreign_keys(conn, table.group(1)) if table else []
        if name == "database_list":
            return index_path_row(self.directory)
        if name == "integrity_check":
            return [("ok",)]
        return []  # foreign_keys, busy_timeout, cache_size...: PostgreSQL's own defaults hold

    def _commits(self, conn: Connection) -> int:
        row = conn.raw.execute("SELECT commits FROM pasi_commits").fetchone()
        return int(row[0]) if row else 0

    # -- schema -----------------------------------------------------------------------------

    def _migrate(self, conn: Connection) -> int:
        raw = conn.raw
        found = self._version(raw)
        if found != SCHEMA_VERSION:  # else nothing to take the migration lock for
            with raw.transaction():
                raw.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                raw.execute(PRELUDE)
                found = self._version(raw) or 0
                if found > SCHEMA_VERSION:
                    raise VaultVersionError(
                        f"the PostgreSQL vault has schema version {found}, but this pasi knows "
                        f"only up to {SCHEMA_VERSION}: upgrade pasi to open it (nothing was "
                        "changed)"
                    )
                for number in range(found, SCHEMA_VERSION):
                    for sql in postgres_script(MIGRATIONS[number]).statements:
                        raw.execute(sql)
                raw.execute("UPDATE pasi_schema SET version = %s", (SCHEMA_VERSION,))
        self._tables = self._tables_with_id(raw)
        self._sequences = {
            table: raw.execute(
                "SELECT pg_get_serial_sequence(%s, 'id')", (f'"{table}"',)
            ).fetchone()[0]  # type: ignore[index]
            for table in self._tables
        }
        with raw.transaction():
            raw.execute("INSERT INTO pasi_commits DEFAULT VALUES ON CONFLICT DO NOTHING")
            for script in MIGRATIONS:
                for seed in postgres_script(script).seeds:
                    conn.execute(seed.replace("INSERT INTO", "INSERT OR IGNORE INTO", 1))
        return int(found or 0)

    @staticmethod
    def _version(raw: psycopg.Connection) -> int | None:
        """The schema version; None for a database pasi has not set up yet."""
        if raw.execute("SELECT to_regclass('pasi_schema')").fetchone() == (None,):
            return None
        row = raw.execute("SELECT version FROM pasi_schema").fetchone()
        return int(row[0]) if row else None

    @staticmethod
    def _tables_with_id(raw: psycopg.Connection) -> frozenset[str]:
        rows = raw.execute(
            "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE a.attname = 'id' AND a.attidentity <> ''"
            " AND c.relnamespace = current_schema()::regnamespace"
        ).fetchall()
        return frozenset(r[0] for r in rows)

    def after_copy(self, conn: Connection) -> None:
        """After rows were written with their ids (pasi.vault.transfer): move each id sequence
        past the highest id, so new rows do not collide with copied ones."""
        rows = conn.raw.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        ).fetchall()
        for table, column in rows:
            top = conn.raw.execute(f'SELECT MAX("{column}") FROM "{table}"').fetchone()
            if not top or top[0] is None:
                continue
            (sequence,) = conn.raw.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", (f'"{table}"', column)
            ).fetchone()  # type: ignore[misc]
            (last,) = conn.raw.execute(f"SELECT last_value FROM {sequence}").fetchone()  # type: ignore[misc]
            if int(top[0]) > int(last):  # never back: other users' rows may hold higher ids
                conn.raw.execute("SELECT setval(%s, %s)", (sequence, int(top[0])))

    # -- the vault's seams ------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction of this user's single writer; rolled back on any error."""
        with self._write_lock:
            self._check_open()
            if self._active is not None:  # nested use joins the outer transaction
                yield self._active
                return
            with self._shared.pool.connection() as raw:
                conn = self._adapt(Session(raw))
                conn.raw.execute("BEGIN")
                self._active = conn
                try:
                    raw.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.user,))
                    with raw.pipeline() as pipeline:
                        conn.pipeline = pipeline
                        yield conn
                        raw.execute("UPDATE pasi_commits SET commits = commits + 1")
                except BaseException as error:
                    conn.end_pipeline()
                    conn.rollback()
                    if isinstance(error, psycopg.Error):  # a pipelined statement's, at the end
                        raise sql_error(error) from error
                    raise
                finally:
                    conn.end_pipeline()
                    self._active = None
                conn.commit()
                if conn.changed >= ANALYZE_AFTER_ROWS:
                    raw.execute("ANALYZE")
            self.generation += 1

    def read(self) -> Connection:
        """A connection for the calling thread; inside :meth:`write`, the writer's own."""
        self._check_open()
        if self._active is not None and self._write_lock._is_owned():  # type: ignore[attr-defined]
            return self._active
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.session.raw.closed:
            conn = self._adapt(self._shared.reader())
            self._local.conn = conn
        return conn

    def connect_readonly(self) -> Connection:
        conn = self._adapt(Session(connect(self.url)))
        conn.raw.execute("SET default_transaction_read_only = on")
        return conn

    def data_version(self) -> tuple[int, int]:
        return (self.generation, self._commits(self.read()))

    def integrity_check(self) -> str:
        return "ok"

    def size_bytes(self) -> int:
        """The whole database's size (all its users'): a user's share is not measured."""
        row = self.read().raw.execute("SELECT pg_database_size(current_database())").fetchone()
        return int(row[0]) if row else 0

    def before_close(self, stop: Callable[[], object]) -> None:
        self._before_close.append(stop)

    def _check_open(self) -> None:
        if self._closed:
            raise VaultError(f"the vault of {self.user} is closed")

    def close(self) -> None:
        if self._closed:
            return
        for stop in reversed(self._before_close):
            stop()
        with self._write_lock:
            if not self._closed:
                self._closed = True
                release(self._shared)

    def __enter__(self) -> PostgresVault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
