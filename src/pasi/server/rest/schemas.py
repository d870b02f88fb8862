"""Pydantic models of the REST API: what ``/openapi.json`` documents and clients receive."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, Field

from pasi.memory.retrieval import Recalled
from pasi.vault.records import MEMORY_KINDS, Episode, Memory, Source

MemoryKind = Literal["fact", "preference", "event", "plan", "relationship"]
assert set(MemoryKind.__args__) == set(MEMORY_KINDS)  # type: ignore[attr-defined]


# Row ids are SQLite integers: a larger number can name nothing, so it is refused up front.
Id = Annotated[int, Path(ge=1, le=2**63 - 1, description="The id.")]


class ErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None


class ErrorOut(BaseModel):
    error: ErrorBody


ERRORS = {
    code: {"model": ErrorOut, "description": what}
    for code, what in ((404, "Not found"), (409, "Conflict"), (422, "Unusable input"))
}


# The ``of`` constructors pass a record's every field: the model keeps those it declares and
# ignores the rest, so what the API shows is chosen here and a new column stays internal.


class SourceOut(BaseModel):
    id: int
    kind: str
    uri: str
    title: str | None
    trust: str
    remote_ok: bool

    @classmethod
    def of(cls, source: Source) -> SourceOut:
        return cls(**asdict(source))


class MemoryOut(BaseModel):
    id: int
    text: str
    kind: str
    subject: str
    valid_from: datetime | None
    valid_to: datetime | None
    recorded_at: datetime
    confidence: float
    current: bool = Field(description="Neither superseded nor ended.")
    superseded_by: int | None
    sensitivity: str
    source_id: int | None
    note: str | None
    evidence: list[int] = Field(description="Ids of the turns (episodes) it was learned from.")

    @classmethod
    def of(cls, memory: Memory) -> MemoryOut:
        return cls(**asdict(memory), current=memory.is_current)


class EpisodeOut(BaseModel):
    """A conversation turn or an ingested chunk, verbatim, with where it came from."""

    id: int
    source_id: int
    source: SourceOut | None
    session: str
    position: int
    role: str
    speaker: str | None
    text: str
    occurred_at: datetime | None
    recorded_at: datetime
    external_id: str | None

    @classmethod
    def of(cls, episode: Episode, source: Source | None) -> EpisodeOut:
        return cls(**asdict(episode), source=SourceOut.of(source) if source else None)


class MemoryPage(BaseModel):
    items: list[MemoryOut]
    total: int
    limit: int
    offset: int


class MemoryDetail(BaseModel):
    memory: MemoryOut
    history: list[MemoryOut] = Field(description="Every version, oldest first (this one too).")
    evidence: list[EpisodeOut] = Field(description="The turns it rests on, with their sources.")


class NewMemoryIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)
    kind: MemoryKind = "fact"
    subject: str = Field(default="user", min_length=1, max_length=200)


class CorrectionIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000, description="The corrected statement.")
    kind: MemoryKind | None = None


class CorrectionOut(BaseModel):
    memory: MemoryOut = Field(description="The new version.")
    superseded: int = Field(description="The id of the version it replaced (kept in history).")


class ForgetOut(BaseModel):
    memories: int = Field(description="Memory versions erased.")
    episodes: int = Field(description="Turns erased with them.")


class SearchHit(BaseModel):
    kind: str = Field(description="'memory' or 'episode'.")
    id: int
    text: str
    score: float
    at: datetime | None
    speaker: str | None
    source: str | None
    current: bool
    evidence: list[int]

    @classmethod
    def of(cls, recalled: Recalled) -> SearchHit:
        return cls(**asdict(recalled))


class SearchOut(BaseModel):
    query: str
    hits: list[SearchHit]


class ItemOut(BaseModel):
    id: int
    kind: str
    title: str | None
    at: str | None
    description: str
    source: str | None
