"""Captured text in the vault: one episode per new frame, under its own source kind.

Each capture source (the screen, or one watched folder) is a ``sources`` row of kind
``capture``, stored with trust ``external`` (what a screen shows was mostly written by others)
and ``remote_ok = 0``: captured text never goes to a cloud model unless the user marks the
source otherwise (``pasi privacy allow-remote``). Episodes go through the same path as every
other ingest (``MemoryStore.record_turns``), so recall, the privacy gateway, export and
erasure treat them like everything else. Pictures themselves are not kept, only their text.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, tzinfo
from pathlib import Path

from pasi.clock import to_iso
from pasi.memory.store import MemoryStore, Turn
from pasi.senses.capture.frames import Frame
from pasi.vault import episodes as ep

KIND = "capture"
SCREEN_URI = "capture:screen"


def folder_uri(folder: Path) -> str:
    return f"capture:folder:{folder.expanduser().resolve()}"


def heading(frame: Frame, zone: tzinfo | None = None) -> str:
    """``Screen at 2026-12-07 09:12:05 in xterm: build log`` (the user's time), how answers
    cite it."""
    when = frame.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    what = "Screen" if frame.origin == "screen" else f"Photo {frame.origin}"
    where = ": ".join(p for p in (frame.app, frame.window) if p)
    return f"{what} at {when}" + (f" in {where}" if where else "")


def keep(store: MemoryStore, frame: Frame, text: str, uri: str) -> int | None:
    """Store one frame's text; the episode id, or None if this exact frame was stored already."""
    zone = store.zone() if store.zone is not None else None
    body = f"{heading(frame, zone)}\n{text}"
    digest = hashlib.sha1(body.encode("utf-8", "replace")).hexdigest()[:10]
    title = "What I see: the screen" if uri == SCREEN_URI else f"What I see: {uri[15:]}"
    with store.vault.write() as conn:
        ep.ensure_source(conn, kind=KIND, uri=uri, now=store.clock(), title=title,
                         trust="external", remote_ok=False)  # fmt: skip
    turn = Turn(body, speaker=frame.app, session=f"capture {frame.at.astimezone(zone):%Y-%m-%d}",
                external_id=f"{to_iso(frame.at)}#{digest}", occurred_at=frame.at)  # fmt: skip
    return store.record_turns([turn], source_uri=uri, source_kind=KIND, title=title,
                              trust="external")[0]  # fmt: skip


def captured_ids(
    store: MemoryStore, since: datetime | None = None, until: datetime | None = None
) -> list[int]:
    """Episodes of every capture source whose time is in [since, until)."""
    rows = store.vault.read().execute(
        "SELECT e.id FROM episodes e JOIN sources s ON s.id = e.source_id WHERE s.kind = ?"
        " AND (? IS NULL OR e.occurred_at >= ?) AND (? IS NULL OR e.occurred_at < ?)",
        (KIND, to_iso(since), to_iso(since), to_iso(until), to_iso(until)),
    )
    return [r[0] for r in rows]


def erase(store: MemoryStore, since: datetime | None = None, until: datetime | None = None) -> int:
    """Erase captured text from [since, until) and what rested on it; how many frames went."""
    return store.erase_episodes(captured_ids(store, since, until)).episodes
