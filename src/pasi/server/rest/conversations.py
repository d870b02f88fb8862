"""Conversations: each chat (the web app, the CLI, an OpenAI client) and its turns, verbatim."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from pasi.clock import from_iso
from pasi.errors import NotFoundError
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS, EpisodeOut, Id, SourceOut
from pasi.vault import browse
from pasi.vault import episodes as ep

router = APIRouter(prefix="/api", tags=["conversations"], responses=ERRORS)

Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]


class ConversationOut(BaseModel):
    id: int
    uri: str
    title: str | None
    created_at: datetime
    turns: int
    last_at: datetime | None
    preview: str | None


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    total: int
    limit: int
    offset: int


class ConversationDetail(BaseModel):
    conversation: SourceOut
    turns: list[EpisodeOut]
    total: int
    limit: int
    offset: int


@router.get("/conversations", response_model=ConversationPage)
def list_conversations(
    user: CurrentUser, limit: Limit = 50, offset: Offset = 0
) -> ConversationPage:
    """Conversations, the most recently active first."""
    conn = user.pasi.vault.read()
    rows = browse.conversation_summaries(conn, limit, offset)
    items = [
        ConversationOut(
            id=r["id"], uri=r["uri"], title=r["title"], created_at=from_iso(r["created_at"]),
            turns=r["turns"], last_at=from_iso(r["last_at"]),
            preview=(r["first_text"] or "")[:200] or None,
        )
        for r in rows
    ]  # fmt: skip
    total = browse.count_sources(conn, "conversation")
    return ConversationPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/conversations/{conversation_id}", response_model=ConversationDetail)
def show_conversation(
    user: CurrentUser,
    conversation_id: Id,
    limit: Limit = 200,
    offset: Annotated[
        int | None,
        Query(ge=0, le=10_000_000, description="Turns to skip (default: the last page)."),
    ] = None,
) -> ConversationDetail:
    """A conversation's turns in order; by default the latest ``limit`` of them."""
    conn = user.pasi.vault.read()
    source = ep.get_source(conn, conversation_id)
    if source is None or source.kind != "conversation":
        raise NotFoundError(f"no conversation with id {conversation_id}")
    if offset is None:
        _, total = browse.source_turns(conn, conversation_id, 0, 0)
        offset = max(0, total - limit)
    turns, total = browse.source_turns(conn, conversation_id, limit, offset)
    return ConversationDetail(
        conversation=SourceOut.of(source), turns=[EpisodeOut.of(t, source) for t in turns],
        total=total, limit=limit, offset=offset,
    )  # fmt: skip
