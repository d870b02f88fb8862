"""Conversations: each chat (the web app, the CLI, an OpenAI client) and its turns, verbatim.

The list shows a title (the one the user gave, or the model's after a web conversation's first
exchange: pasi.server.titles; else the first thing the user said), searches titles and turns,
and a conversation can be started, renamed and deleted.
Deleting erases its turns; ``forget_learnt`` erases too what pasi learnt only from them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pasi.clock import from_iso
from pasi.errors import NotFoundError
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS, EpisodeOut, Id, SourceOut
from pasi.vault import browse
from pasi.vault import episodes as ep

router = APIRouter(prefix="/api", tags=["conversations"], responses=ERRORS)

Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
TITLE_CHARS = 80
WEB_PREFIX = "conversation:web:"


class ConversationOut(BaseModel):
    id: int
    uri: str
    title: str | None = Field(
        description="Its title: the user's, or the model's after the first exchange of a web "
        "conversation (None: none, or cleared)."
    )
    label: str = Field(description="What to show: the title, else the first user line.")
    origin: str = Field(description="'web', 'openai' (an OpenAI-API client) or 'default'.")
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


class NewConversationIn(BaseModel):
    title: str | None = Field(default=None, max_length=TITLE_CHARS * 2)


class RenameIn(BaseModel):
    title: str = Field(max_length=TITLE_CHARS * 2, description="'' clears the title.")


class DeletedOut(BaseModel):
    turns: int = Field(description="Turns erased.")
    memories: int = Field(description="Memories erased with them (forget_learnt).")


def label(title: str | None, first_text: str | None) -> str:
    """A conversation's title, else its first user line cut to a title's length."""
    if title and title.strip():
        return title.strip()
    line = next((part.strip() for part in (first_text or "").splitlines() if part.strip()), "")
    if not line:
        return "New conversation"
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


def origin(uri: str) -> str:
    if uri.startswith(WEB_PREFIX):
        return "web"
    if uri.startswith("conversation:openai:"):
        return "openai"
    return "default" if uri == "conversation:default" else "other"


def _out(row) -> ConversationOut:
    return ConversationOut(
        id=row["id"], uri=row["uri"], title=row["title"],
        label=label(row["title"], row["first_text"]), origin=origin(row["uri"]),
        created_at=from_iso(row["created_at"]), turns=row["turns"],
        last_at=from_iso(row["last_at"]), preview=(row["first_text"] or "")[:200] or None,
    )  # fmt: skip


def conversation_source(user: CurrentUser, conversation_id: int):
    source = ep.get_source(user.pasi.vault.read(), conversation_id)
    if source is None or source.kind != "conversation":
        raise NotFoundError(f"no conversation with id {conversation_id}")
    return source


@router.get("/conversations", response_model=ConversationPage)
def list_conversations(
    user: CurrentUser,
    limit: Limit = 50,
    offset: Offset = 0,
    q: Annotated[str | None, Query(max_length=500, description="Words in a title or turn.")] = None,
) -> ConversationPage:
    """Conversations, the most recently active first; ``q`` keeps those that contain it."""
    conn = user.pasi.vault.read()
    rows = browse.conversation_summaries(conn, limit, offset, q)
    total = browse.count_conversations(conn, q)
    return ConversationPage(items=[_out(r) for r in rows], total=total, limit=limit, offset=offset)


@router.post("/conversations", response_model=ConversationOut, status_code=201)
def new_conversation(user: CurrentUser, body: NewConversationIn) -> ConversationOut:
    """Start an empty conversation; send turns to it with ``POST /api/chat``."""
    title = " ".join((body.title or "").split())[:TITLE_CHARS] or None
    uri = WEB_PREFIX + uuid.uuid4().hex[:16]
    with user.pasi.vault.write() as conn:
        source_id = ep.ensure_source(
            conn, kind="conversation", uri=uri, now=user.pasi.clock(), title=title
        )
    return _summary(user, source_id)


def _summary(user: CurrentUser, source_id: int) -> ConversationOut:
    row = browse.conversation_summary(user.pasi.vault.read(), source_id)
    if row is None:
        raise NotFoundError(f"no conversation with id {source_id}")
    return _out(row)


@router.patch("/conversations/{conversation_id}", response_model=ConversationOut)
def rename_conversation(user: CurrentUser, conversation_id: Id, body: RenameIn) -> ConversationOut:
    """Give a conversation a title ('' goes back to its first line)."""
    conversation_source(user, conversation_id)
    title = " ".join(body.title.split())[:TITLE_CHARS] or None
    with user.pasi.vault.write() as conn:
        ep.set_source_title(conn, conversation_id, title)
    return _summary(user, conversation_id)


@router.delete("/conversations/{conversation_id}", response_model=DeletedOut)
def delete_conversation(
    user: CurrentUser,
    conversation_id: Id,
    forget_learnt: bool = Query(
        False, description="Also erase the memories learnt only from its turns."
    ),
) -> DeletedOut:
    """Erase a conversation and its turns; memories learnt from it stay unless asked."""
    conversation_source(user, conversation_id)
    store = user.pasi.memory
    with store.vault.write() as conn:  # one transaction: all of it goes, or none
        turns = ep.source_episode_ids(conn, conversation_id)
        report = store.erase_episodes(turns, with_memories=forget_learnt)
        ep.delete_source(conn, conversation_id)
    return DeletedOut(turns=report.episodes, memories=report.memories)


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
    source = conversation_source(user, conversation_id)
    conn = user.pasi.vault.read()
    if offset is None:
        _, total = browse.source_turns(conn, conversation_id, 0, 0)
        offset = max(0, total - limit)
    turns, total = browse.source_turns(conn, conversation_id, limit, offset)
    return ConversationDetail(
        conversation=SourceOut.of(source), turns=[EpisodeOut.of(t, source) for t in turns],
        total=total, limit=limit, offset=offset,
    )  # fmt: skip
