"""Life at a glance: memories and sources month by month, and one month's items.

Months are the user's (the charter's time zone), as the Today page's day is.
``GET /api/timeline`` answers the counts the web app draws (one small grouped query each for
memories and passages); ``GET /api/timeline/{month}`` lists what a clicked month holds.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from pasi.ingest.audio import AUDIO_SUFFIXES
from pasi.life.charter import load_charter
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS, MemoryOut
from pasi.vault import timeline as tl

router = APIRouter(prefix="/api", tags=["timeline"], responses=ERRORS)

MONTH_MEMORIES = 200
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".tif", ".tiff", ".bmp"}
Month = Annotated[
    str, PathParam(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM, in the user's time zone.")
]


def origin(kind: str, uri: str) -> str:
    """Where passages came from, as the timeline groups them: conversations, recordings,
    images, files, or the source's own kind (a folder watch, a capture...)."""
    if kind == "conversation":
        return "conversations"
    if kind != "file":
        return kind
    suffix = PurePosixPath(uri).suffix.lower()
    if suffix in AUDIO_SUFFIXES:
        return "recordings"
    return "images" if suffix in IMAGE_SUFFIXES else "files"


class MonthCounts(BaseModel):
    month: str = Field(description="YYYY-MM, in the user's time zone (the charter's).")
    memories: dict[str, int] = Field(description="Current memories learnt that month, by kind.")
    passages: dict[str, int] = Field(
        description="Passages and turns from that month, by origin (conversations, "
        "recordings, images, files...)."
    )


class TimelineOut(BaseModel):
    months: list[MonthCounts] = Field(description="Every month that holds something, oldest first.")
    memory_kinds: list[str]
    origins: list[str]
    time_zone: str = Field(description="The zone the months are in (IANA name).")


class MonthSource(BaseModel):
    id: int
    kind: str
    origin: str
    uri: str
    title: str | None
    passages: int = Field(description="Its passages or turns from that month.")


class MonthOut(BaseModel):
    month: str
    memories: list[MemoryOut] = Field(
        description=f"Learnt that month, newest first (at most {MONTH_MEMORIES})."
    )
    sources: list[MonthSource] = Field(
        description="What that month's passages came from, most first."
    )


@router.get("/timeline", response_model=TimelineOut)
def timeline(user: CurrentUser) -> TimelineOut:
    """Memories and passages counted per month: what was learnt when, and from where."""
    conn, zone = user.pasi.vault.read(), load_charter(user.pasi.vault.directory).timezone
    months: dict[str, MonthCounts] = {}

    def at(month: str) -> MonthCounts:
        return months.setdefault(month, MonthCounts(month=month, memories={}, passages={}))

    for month, kind, count in tl.memory_counts(conn, zone):
        at(month).memories[kind] = count
    for row in tl.source_months(conn, zone=zone):
        passages = at(row.month).passages
        name = origin(row.kind, row.uri)
        passages[name] = passages.get(name, 0) + row.count
    ordered = [months[m] for m in sorted(months) if re.fullmatch(r"\d{4}-\d{2}", m)]
    return TimelineOut(
        months=ordered,
        memory_kinds=sorted({k for m in ordered for k in m.memories}),
        origins=sorted({k for m in ordered for k in m.passages}),
        time_zone=zone.key,
    )


@router.get("/timeline/{month}", response_model=MonthOut)
def timeline_month(user: CurrentUser, month: Month) -> MonthOut:
    """What one month holds: the memories learnt in it and the sources of its passages."""
    conn, zone = user.pasi.vault.read(), load_charter(user.pasi.vault.directory).timezone
    return MonthOut(
        month=month,
        memories=[MemoryOut.of(m) for m in tl.memories_of_month(conn, month, MONTH_MEMORIES, zone)],
        sources=[
            MonthSource(id=r.source_id, kind=r.kind, origin=origin(r.kind, r.uri), uri=r.uri,
                        title=r.title, passages=r.count)
            for r in tl.source_months(conn, month, zone)
        ],
    )  # fmt: skip
