"""The Matrix bridge inside ``pasi serve`` (setting ``matrix_serve``, or ``pasi serve --matrix``).

When the server starts, and every ``RESCAN_SECONDS`` after, each registered user whose vault
holds a Matrix account (``pasi matrix login``) gets one bridge, long-polling in a thread of its
own and answering the IDs in ``matrix_allow`` with that user's assistant. A vault's bridge is
claimed with a lock file (:func:`pasi.life.matrix.claim_bridge`), so ``pasi matrix run`` and the
server never answer the same account twice. A login made while the server runs is picked up at
the next scan, a logout stops the bridge, a revoked token stops it until the next login. When the
server stops, every bridge stops: a long-poll still open then ends without handling what it got
(the next start reads it again), and a turn cut short by the closing vault is not answered.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from fastapi import APIRouter, FastAPI

from pasi.errors import PasiError
from pasi.life.matrix import MatrixClient, account_saved, claim_bridge, load_account
from pasi.server.matrix_bridge import MatrixBridge
from pasi.server.users import User, UserRegistry, UserSessions

RESCAN_SECONDS = 30.0
POLL_MS = 25_000  # the long-poll; a stop does not wait for it
STOP_WAIT_SECONDS = 2.0  # how long a stop waits for a bridge between two rounds


@dataclass
class _Running:
    bridge: MatrixBridge
    claim: IO[str]
    token: str
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


def _stderr(line: str) -> None:
    stamp = datetime.now().astimezone().strftime("%H:%M:%S")
    sys.stderr.write(f"{stamp} matrix: {line}\n")


class BridgePool:
    """One running bridge per vault directory whose owner logged a Matrix account in."""

    def __init__(
        self,
        users: UserRegistry,
        sessions: UserSessions,
        report: Callable[[str], None] = _stderr,
        poll_ms: int = POLL_MS,
    ) -> None:
        self.users, self.sessions, self.report, self.poll_ms = users, sessions, report, poll_ms
        self._running: dict[Path, _Running] = {}
        self._revoked: set[str] = set()  # tokens the homeserver refused: wait for a new login
        self._said: set[str] = set()
        self._lock = threading.Lock()
        self.closed = threading.Event()

    def scan(self) -> None:
        """Start the bridges missing, stop those whose account is gone; one user's trouble
        does not hold back the others."""
        for user in self.users.list():
            try:
                self._ensure(user)
            except PasiError as error:
                self._once(f"no Matrix bridge for user {user.name}: {error}")

    def running(self) -> list[Path]:
        with self._lock:
            return [d for d, r in self._running.items() if r.thread and r.thread.is_alive()]

    def _ensure(self, user: User) -> None:
        directory = Path(user.vault).resolve()
        # An encrypted vault's account is sealed: read once the vault is open.
        pasi = self.sessions.session(user).pasi if account_saved(directory) else None
        account = load_account(directory) if pasi is not None else None
        with self._lock:
            if self.closed.is_set():
                return
            current = self._running.get(directory)
            alive = current is not None and current.thread is not None and current.thread.is_alive()
            if current is not None and alive and account and current.token == account.access_token:
                return
        if current is not None:
            self._stop(directory, current)
        if pasi is None or account is None or account.access_token in self._revoked:
            return
        if not pasi.settings.matrix_allow:
            self._once(f"user {user.name} has a Matrix account but 'matrix_allow' is empty")
            return
        claim = claim_bridge(directory)
        bridge = MatrixBridge.for_pasi(pasi, MatrixClient(account), report=self.report)
        running = _Running(bridge, claim, account.access_token)
        running.thread = threading.Thread(
            target=self._run, args=(running,), name=f"pasi-matrix-{user.name}", daemon=True
        )
        with self._lock:
            if self.closed.is_set():
                claim.close()
                return
            self._running[directory] = running
        pasi.vault.before_close(lambda: self._stop(directory, running))  # erased, released
        running.thread.start()
        self.report(f"{account.user_id} answers {', '.join(pasi.settings.matrix_allow)} "
                    f"for user {user.name}")  # fmt: skip

    def _run(self, running: _Running) -> None:
        try:
            running.bridge.run(running.stop, self.poll_ms)
        except PasiError as error:  # a revoked token: InputError, "run `pasi matrix login`"
            self._revoked.add(running.token)
            self.report(f"the bridge stopped: {error}")
        finally:
            running.bridge.close()
            running.claim.close()

    def _stop(self, directory: Path, running: _Running) -> None:
        with self._lock:
            if self._running.get(directory) is running:
                del self._running[directory]
            if running.stop.is_set():  # stopped already (the vault's close hook after close())
                return
            running.stop.set()
        running.bridge.withdraw_deliveries()  # reminders from now on: the unencrypted way
        thread = running.thread
        mid_turn = thread is not None and not running.bridge.polling
        if mid_turn and thread is not threading.current_thread():  # its answer may still go out
            thread.join(STOP_WAIT_SECONDS)
        # A bridge still in its long-poll ends it without handling anything (it sees the stop),
        # so the vault's bridge may be claimed again at once: a restart need not wait for it.
        running.claim.close()

    def _once(self, line: str) -> None:
        if line not in self._said:
            self._said.add(line)
            self.report(line)

    def close(self) -> None:
        self.closed.set()
        with self._lock:
            running, self._running = dict(self._running), {}
        for directory, bridge in running.items():
            self._stop(directory, bridge)


def _watch(pool: BridgePool) -> None:
    while not pool.closed.is_set():
        pool.scan()
        pool.closed.wait(RESCAN_SECONDS)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    if not app.state.settings.matrix_serve:
        yield
        return
    pool = BridgePool(app.state.users, app.state.sessions)
    app.state.matrix_bridges = pool
    watcher = threading.Thread(target=_watch, args=(pool,), name="pasi-matrix-scan", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        await asyncio.to_thread(pool.close)
        await asyncio.to_thread(watcher.join, 30)


router = APIRouter(lifespan=lifespan)
