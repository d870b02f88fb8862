"""Plain records read from the vault. Times are timezone-aware datetimes (UTC when stored)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from pasi.clock import from_iso

MEMORY_KINDS = ("fact", "preference", "event", "plan", "relationship")


@dataclass(frozen=True)
class Source:
    id: int
    kind: str
    uri: str
    title: str | None
    trust: str
    remote_ok: bool
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Source:
        return cls(
            id=row["id"],
            kind=row["kind"],
            uri=row["uri"],
            title=row["title"],
            trust=row["trust"],
            remote_ok=bool(row["remote_ok"]),
            created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Episode:
    """A conversation turn or an ingested chunk, kept verbatim."""

    id: int
    source_id: int
    external_id: str | None
    session: str
    position: int
    role: str
    speaker: str | None
    text: str
    occurred_at: datetime | None
    recorded_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Episode:
        return cls(
            id=row["id"],
            source_id=row["source_id"],
            external_id=row["external_id"],
            session=row["session"],
            position=row["position"],
            role=row["role"],
            speaker=row["speaker"],
            text=row["text"],
            occurred_at=from_iso(row["occurred_at"]),
            recorded_at=from_iso(row["recorded_at"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Memory:
    """An atomic statement about the user's world, with when it held and why pasi believes it."""

    id: int
    text: str
    kind: str
    subject: str
    valid_from: datetime | None
    valid_to: datetime | None
    recorded_at: datetime
    confidence: float
    superseded_by: int | None
    sensitivity: str
    source_id: int | None
    note: str | None
    evidence: tuple[int, ...] = field(default=())

    @property
    def is_current(self) -> bool:
        return self.superseded_by is None and self.valid_to is None

    @classmethod
    def from_row(cls, row: sqlite3.Row, evidence: tuple[int, ...] = ()) -> Memory:
        return cls(
            id=row["id"],
            text=row["text"],
            kind=row["kind"],
            subject=row["subject"],
            valid_from=from_iso(row["valid_from"]),
            valid_to=from_iso(row["valid_to"]),
            recorded_at=from_iso(row["recorded_at"]),  # type: ignore[arg-type]
            confidence=row["confidence"],
            superseded_by=row["superseded_by"],
            sensitivity=row["sensitivity"],
            source_id=row["source_id"],
            note=row["note"],
            evidence=evidence,
        )
