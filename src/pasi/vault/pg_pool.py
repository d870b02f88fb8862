"""Connections shared by every vault of one PostgreSQL database in this process.

A server holding many users' vaults would otherwise hold a writer and a reader per thread for
each user (200 users x 5 threads: 1,000 connections). Instead, per database URL:

- writers come from a ``psycopg_pool`` pool, one per write transaction, set to the vault's
  user before its first statement (a borrowed connection may carry the last borrower's);
- each thread has one reader connection, used by all vaults on that thread: the user it is set
  to is switched just before a statement of another user's vault runs on it (a round trip only
  when the user changes, so one user's requests pay nothing). A thread's reader passes to a new
  thread once the first has ended.

So a process holds at most ``live threads + pool size`` connections per database, whatever the
number of users or of threads it has run. The shared connections close with the last vault of the database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import psycopg
from psycopg.pq import TransactionStatus
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
    owners: dict[int, threading.Thread] = field(default_factory=dict)  # id(reader) -> its thread

    def reader(self) -> Session:
        session = getattr(self.local, "session", None)
        if session is None or session.raw.closed:
            session = self._left_behind() or self._new_reader()
            self.local.session = session
        return session

    def _new_reader(self) -> Session:
        session = Session(connect(self.url))
        session.raw.execute("SET default_transaction_read_only = on")
        with _LOCK:
            self.readers.append(session)
            self.owners[id(session)] = threading.current_thread()
        return session

    def _left_behind(self) -> Session | None:
        """The reader of a thread that has ended, now this thread's: a server runs each turn on
        a new thread, and a connection per thread never given back would exhaust the server's
        connection slots after a few hundred turns."""
        with _LOCK:
            for session in self.readers:
                owner = self.owners.get(id(session))
                if owner is not None and not owner.is_alive() and not session.raw.closed:
                    self.owners[id(session)] = threading.current_thread()
                    break
            else:
                return None
        if session.raw.info.transaction_status != TransactionStatus.IDLE:
            session.raw.rollback()  # a snapshot its thread left open
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
