"""Notifications for the web app, and each user's scheduler while ``pasi serve`` runs.

``GET /api/notifications/stream`` is a stream of server-sent events, one per reminder, goal
check-in or brief delivered to the ``web`` channel: ``id: <delivery id>`` then
``data: {"type": "notification", ...}``. It reads the user's deliveries log, so a browser that
reconnects with ``Last-Event-ID`` (or ``?after=ID``) gets what it missed, whichever process
sent it. ``GET /api/notifications`` lists the latest ones, ``GET /api/notifications/log`` the
whole log (sent, failed and held back by quiet hours) with the reasons.

The router's lifespan starts one scheduler per registered user in a background thread when the
server starts (a user added later gets theirs on their first request here) and stops them all
when it stops.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from pasi.life.channels import Channel
from pasi.life.deliveries import Delivery, deliveries, last_id
from pasi.life.scheduler import Scheduler
from pasi.life.service import build_scheduler, channels_for
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS
from pasi.server.sse import SSE_RESPONSE, event_stream, sse_line
from pasi.server.users import UserSession

POLL_SECONDS = 1.0  # how often an open stream looks for new deliveries
KEEPALIVE_SECONDS = 15.0  # a comment line so proxies and browsers keep the stream open
MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger one would fail in SQL, not as a 422


class SchedulerPool:
    """One running scheduler per vault, delivering to the web app and the configured channels."""

    def __init__(self) -> None:
        self._running: dict[Path, Scheduler] = {}
        self._lock = threading.Lock()
        self._closed = False

    def ensure(self, session: UserSession) -> Scheduler | None:
        pasi = session.pasi
        with self._lock:
            if self._closed:
                return None
            scheduler = self._running.get(pasi.vault.directory)
            if scheduler is not None and scheduler.vault is not pasi.vault:
                scheduler.stop()  # the vault was released (erased) and opened anew
                scheduler = None
            if scheduler is None:
                channels = channels_for(pasi.settings, web=True)
                scheduler = build_scheduler(pasi.vault, channels, clock=pasi.clock)
                scheduler.start()
                self._running[pasi.vault.directory] = scheduler
                # A vault closed under the pool (UserSessions.release before an erasure) is
                # forgotten at once: nothing keeps the closed vault, and the user's next
                # request starts a scheduler on the fresh one.
                directory = pasi.vault.directory
                pasi.vault.before_close(lambda: self._forget(directory, scheduler))
            return scheduler

    def _forget(self, directory: Path, scheduler: Scheduler) -> None:
        with self._lock:
            if self._running.get(directory) is scheduler:
                del self._running[directory]
        scheduler.stop()  # the vault's own hook stops it too; stopping twice is harmless

    def running(self, directory: Path) -> Scheduler | None:
        """The scheduler running for the vault in ``directory``, if any."""
        with self._lock:
            return self._running.get(directory)

    def held(self) -> list[Path]:
        """The vault directories that have a scheduler running now."""
        with self._lock:
            return list(self._running)

    def rechannel(self, channels: Callable[[Path], list[Channel]]) -> None:
        """Give every running scheduler the channels ``channels(vault directory)`` (the
        settings changed in the web app); each uses them from its next round."""
        with self._lock:
            running = list(self._running.items())
        for directory, scheduler in running:
            scheduler.channels = channels(directory)

    def wake(self) -> None:
        for scheduler in list(self._running.values()):
            scheduler.wake()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            running, self._running = list(self._running.values()), {}
        for scheduler in running:
            scheduler.stop()


def _start_all(app: FastAPI, pool: SchedulerPool) -> None:
    """Every registered user's scheduler, opened off the startup path (vaults read from disk)."""
    for user in app.state.users.list():
        try:
            pool.ensure(app.state.sessions.session(user))
        except Exception as error:  # a locked or broken vault must not stop the others
            sys.stderr.write(f"pasi: no scheduler for user {user.name}: {error}\n")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = SchedulerPool()
    app.state.schedulers = pool
    starter = threading.Thread(target=_start_all, args=(app, pool), daemon=True)
    starter.start()
    try:
        yield
    finally:
        await asyncio.to_thread(starter.join, 30)
        await asyncio.to_thread(pool.close)


router = APIRouter(
    prefix="/api", tags=["notifications"], responses=ERRORS,
    lifespan=lifespan,
)  # fmt: skip


class NotificationOut(BaseModel):
    id: int  # the delivery's id in the log (the stream's event id)
    job_id: int | None
    kind: str
    title: str
    body: str
    due_at: datetime
    at: datetime
    late: bool
    deferred: bool


class DeliveryOut(NotificationOut):
    channel: str | None
    outcome: str
    reason: str


def _notification(delivery: Delivery) -> dict[str, Any]:
    sent = delivery.notification()
    return NotificationOut(
        id=delivery.id, job_id=delivery.job_id, kind=delivery.kind, title=delivery.title,
        body=delivery.body, due_at=delivery.due_at, at=delivery.at, late=delivery.late,
        deferred=sent.deferred,
    ).model_dump(mode="json")  # fmt: skip


def _web(session: UserSession, after: int, limit: int = 100) -> list[Delivery]:
    found = deliveries(session.pasi.vault, after_id=after, channel="web", limit=limit)
    return [d for d in found if d.outcome == "delivered"]


def _pool(request: Request) -> SchedulerPool | None:
    return getattr(request.app.state, "schedulers", None)


@router.get("/notifications", response_model=list[NotificationOut])
def list_notifications(
    user: CurrentUser,
    request: Request,
    after: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(50, ge=1, le=500),
) -> list[dict[str, Any]]:
    """Notifications sent to the web app after delivery ``after``, oldest first."""
    pool = _pool(request)
    if pool is not None:
        pool.ensure(user)
    return [_notification(d) for d in _web(user, after, limit)]


@router.get("/notifications/log", response_model=list[DeliveryOut])
def delivery_log(
    user: CurrentUser,
    after: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """The deliveries log: every channel's outcome and every quiet-hours suppression, and why."""
    rows = deliveries(user.pasi.vault, after_id=after, limit=limit)
    return [
        {**_notification(d), "channel": d.channel, "outcome": d.outcome, "reason": d.reason}
        for d in rows
    ]


@router.get("/notifications/stream", response_class=StreamingResponse, responses=SSE_RESPONSE)
async def stream_notifications(
    user: CurrentUser,
    request: Request,
    after: int | None = Query(
        None, ge=0, le=MAX_ID, description="Send deliveries after this id first."
    ),
    last_event_id: str | None = Header(None, alias="Last-Event-ID"),
) -> StreamingResponse:
    """Reminders, check-ins and briefs as they are delivered, as server-sent events."""
    pool = _pool(request)
    if pool is not None:
        await asyncio.to_thread(pool.ensure, user)
    start = _resume_point(after, last_event_id)
    if start is None:
        start = await asyncio.to_thread(last_id, user.pasi.vault)  # only what comes next
    return event_stream(_events(user, request, start))


def _resume_point(after: int | None, last_event_id: str | None) -> int | None:
    if last_event_id is not None and last_event_id.strip().isdigit():
        return min(int(last_event_id.strip()), MAX_ID)
    return after


async def _events(user: UserSession, request: Request, after: int) -> AsyncIterator[str]:
    idle = 0.0
    yield ": pasi notifications\n\n"
    while not await request.is_disconnected():
        found = await asyncio.to_thread(_web, user, after)
        for delivery in found:
            after = delivery.id
            yield f"id: {delivery.id}\n" + sse_line(
                {"type": "notification", **_notification(delivery)}
            )
        idle = 0.0 if found else idle + POLL_SECONDS
        if idle >= KEEPALIVE_SECONDS:
            idle = 0.0
            yield ": keepalive\n\n"
        await asyncio.sleep(POLL_SECONDS)
