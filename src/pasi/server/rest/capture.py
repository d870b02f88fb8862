""" "What I see" from the web app: see capture's state and what it kept; pause, resume, stop,
change the exclusion list and retention, and erase captures by time range.

There is deliberately no route that *starts* capture: turning on screen capture stays a
deliberate local command (``pasi capture start``). The settings are the same ``capture.json``
in the user's vault directory the running loop reads at every frame (docs/senses.md).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pasi.clock import system_clock
from pasi.senses.capture import keep, rules
from pasi.server.auth import CurrentUser
from pasi.server.rest.errors import FieldError
from pasi.server.rest.schemas import ERRORS

router = APIRouter(prefix="/api/capture", tags=["capture"], responses=ERRORS)

LATEST = 5


class CaptureShown(BaseModel):
    id: int
    at: str | None = Field(description="When the frame was seen (ISO 8601, UTC).")
    app: str | None = Field(description="The application, when known.")
    heading: str = Field(description="'Screen at ... in app: window', as answers cite it.")
    text: str = Field(description="The text read from the frame (secrets blanked).")


class CaptureStatus(BaseModel):
    on: bool = Field(description="The user's switch; only `pasi capture start` turns it on.")
    running: bool = Field(description="A capture loop is running on this machine now.")
    paused: bool
    paused_until: str | None = Field(description="End of the pause (ISO 8601), if any.")
    every: float = Field(description="Seconds between frames, at most.")
    exclude: list[str] = Field(description="App or window-title words never captured.")
    retention_days: int
    stored: int = Field(description="Captured frames kept in the vault.")
    first_at: str | None = Field(description="Time of the oldest kept capture.")
    last_at: str | None = Field(description="Time of the newest kept capture.")
    latest: list[CaptureShown] = Field(description=f"The newest {LATEST} captures.")


class PauseIn(BaseModel):
    minutes: int = Field(ge=1, le=7 * 24 * 60, description="Capture nothing for this long.")


class ExclusionsIn(BaseModel):
    exclude: list[str] = Field(max_length=200, description="The whole new exclusion list.")


class RetentionIn(BaseModel):
    days: int = Field(ge=1, le=36500, description="Days captures are kept.")


class EraseIn(BaseModel):
    since: datetime | None = Field(None, description="From (ISO 8601; no zone = server time).")
    until: datetime | None = Field(None, description="Up to, not including.")
    all: bool = Field(False, description="Erase every capture, whenever it was.")


class ErasedOut(BaseModel):
    erased: int = Field(description="Captured frames erased, with what rested only on them.")


def _directory(user: Any) -> Path:
    return Path(user.pasi.vault.directory)


def _status(user: Any) -> CaptureStatus:
    current = rules.load(_directory(user))
    conn = user.pasi.vault.read()
    joined = "FROM episodes e JOIN sources s ON s.id = e.source_id WHERE s.kind = ?"
    count, first, last = conn.execute(
        f"SELECT count(*), min(e.occurred_at), max(e.occurred_at) {joined}", (keep.KIND,)
    ).fetchone()
    rows = conn.execute(
        f"SELECT e.id, e.occurred_at, e.speaker, e.text {joined}"
        " ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?", (keep.KIND, LATEST),
    ).fetchall()  # fmt: skip
    return CaptureStatus(
        on=current.on, running=current.running(), paused=current.paused(system_clock()),
        paused_until=current.paused_until, every=current.every, exclude=current.exclude,
        retention_days=current.retention_days, stored=count, first_at=first, last_at=last,
        latest=[_shown(*row) for row in rows],
    )  # fmt: skip


def _shown(id: int, at: str | None, app: str | None, body: str) -> CaptureShown:
    heading, _, text = body.partition("\n")
    return CaptureShown(id=id, at=at, app=app, heading=heading, text=text)


def _change(user: Any, **values: Any) -> CaptureStatus:
    directory = _directory(user)
    current = rules.load(directory)
    for name, value in values.items():
        setattr(current, name, value)
    rules.save(directory, current)
    return _status(user)


@router.get("", response_model=CaptureStatus)
def status(user: CurrentUser) -> CaptureStatus:
    """On or off, paused, running, exclusions, retention, and what is kept (newest few)."""
    return _status(user)


@router.post("/pause", response_model=CaptureStatus)
def pause(user: CurrentUser, body: PauseIn) -> CaptureStatus:
    """Capture nothing for this many minutes; it resumes by itself."""
    until = system_clock() + timedelta(minutes=body.minutes)
    return _change(user, paused_until=until.isoformat(timespec="seconds"))


@router.post("/resume", response_model=CaptureStatus)
def resume(user: CurrentUser) -> CaptureStatus:
    """End a pause now."""
    return _change(user, paused_until=None)


@router.post("/stop", response_model=CaptureStatus)
def stop(user: CurrentUser) -> CaptureStatus:
    """Turn capture off; a running capture ends at its next frame. (Starting is local only.)"""
    return _change(user, on=False)


@router.put("/exclusions", response_model=CaptureStatus)
def exclusions(user: CurrentUser, body: ExclusionsIn) -> CaptureStatus:
    """Replace the exclusion list (words are lower-cased; blanks and repeats dropped)."""
    words: list[str] = []
    for word in (w.strip().lower() for w in body.exclude):
        if word and word not in words:
            words.append(word[:200])
    return _change(user, exclude=words)


@router.put("/retention", response_model=CaptureStatus)
def retention(user: CurrentUser, body: RetentionIn) -> CaptureStatus:
    """Keep captured text this many days (older text is deleted hourly while capturing)."""
    return _change(user, retention_days=body.days)


@router.post("/erase", response_model=ErasedOut)
def erase(user: CurrentUser, body: EraseIn) -> ErasedOut:
    """Erase captures in [since, until) — or all — and memories resting only on them."""
    if body.since is None and body.until is None and not body.all:
        raise FieldError("give since and/or until, or all: true to erase every capture",
                         param="since")  # fmt: skip
    since, until = (None, None) if body.all else (_zoned(body.since), _zoned(body.until))
    return ErasedOut(erased=keep.erase(user.pasi.memory, since, until))


def _zoned(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    try:
        zoned = at if at.tzinfo else at.astimezone()  # no zone: the server's local time
        return zoned.astimezone(UTC)
    except (OverflowError, ValueError):
        raise FieldError(f"{at} is out of range: give a time between years 2 and 9998",
                         param="since") from None  # fmt: skip
