"""Connections shared by every vault of one PostgreSQL database in this process.

A server holding many users' vaults would otherwise hold a writer and a reader per thread for
each user (200 users x 5 threads: 1,000 connections). Instead, per database URL:

- writers come from a ``psycopg_pool`` pool, one per write transaction, set to the vault's
  user before its first statement (a borrowed connection may carry the last borrower's);
- each thread has one reader connection, used by all vaults on that thread: the user it is set
  to is switched just before a statement of another user's vault runs on it (a round trip only
  when the user changes, so one user's requests pay nothing).

So a process holds at most ``threads + pool size`` connections per database, whatever the
number of users. The shared connections close with the last vault of the database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import psycopg
from psycopg_pool import ConnectionPool

from pasi.errors import VaultError

POOL_SIZE = 10  # concurrent write transactions per database and process
_LOCK = threading.Lock()
_SHARED: dict[str, Shared] = {}


@dataclass
class Session:
    """A connection and the user its ``pasi.user_id`` is set to (None: not set)."""

    raw: psycopg.Connection
    user: str | None = None

    def become(self, user: str) -> None:
        if self.user != user:
            self.raw.execute("SELECT set_config('pasi.user_id', %s, false)", (user,))
            self.user = user


@dataclass
class Shared:
    url: str
    pool: ConnectionPool
    users: int = 0
    local: threading.local = field(default_factory=threading.local)
    readers: list[Session] = field(default_factory=list)

    def reader(self) -> Session:
        session = getattr(self.local, "session", None)
        if session is None or session.raw.closed:
            session = Session(connect(self.url))
            session.raw.execute("SET default_transaction_read_only = on")
            self.local.session = session
            with _LOCK:
                self.readers.append(session)
        return session

    def close(self) -> None:
        self.pool.close()
        for session in self.readers:
            session.raw.close()


def connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.Error as error:
        raise VaultError(f"cannot connect to the PostgreSQL vault: {error}") from None


def acquire(url: str) -> Shared:
    """The shared connections of ``url``, for one more open vault."""
    with _LOCK:
        shared = _SHARED.get(url)
        if shared is None:
            pool = ConnectionPool(
                url, kwargs={"autocommit": True}, min_size=1, max_size=POOL_SIZE, open=True
            )
            shared = _SHARED[url] = Shared(url, pool)
        shared.users += 1
        return shared


def release(shared: Shared) -> None:
    """One vault of the database closed; the last one closes the shared connections."""
    with _LOCK:
        shared.users -= 1
        if shared.users > 0:
            return
        del _SHARED[shared.url]
    shared.close()
