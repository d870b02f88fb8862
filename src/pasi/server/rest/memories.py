"""Memories: the timeline, search, one memory with its history and evidence, correct, forget.

Everything goes through the user's :class:`~pasi.memory.store.MemoryStore`, so the REST API
keeps the store's rules: a correction supersedes (the old version stays in the history) and
``forget`` is the one real delete, taking the versions it replaced with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query

from pasi.errors import NotFoundError
from pasi.memory.sensitive import label_memories
from pasi.server.auth import CurrentUser
from pasi.server.rest.errors import ConflictError
from pasi.server.rest.schemas import (
    ERRORS,
    CorrectionIn,
    CorrectionOut,
    EpisodeOut,
    ForgetOut,
    Id,
    ItemOut,
    MemoryDetail,
    MemoryOut,
    MemoryPage,
    NewMemoryIn,
    SearchHit,
    SearchOut,
)
from pasi.vault import browse
from pasi.vault import episodes as ep
from pasi.vault import items as it
from pasi.vault import memories as mem
from pasi.vault.records import Memory

if TYPE_CHECKING:
    from pasi import Pasi

router = APIRouter(prefix="/api", tags=["memories"], responses=ERRORS)

Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]


@router.get("/memories", response_model=MemoryPage)
def list_memories(
    user: CurrentUser,
    limit: Limit = 50,
    offset: Offset = 0,
    include_superseded: bool = Query(False, description="Also list replaced versions."),
) -> MemoryPage:
    """The timeline: memories newest first, one page at a time."""
    conn = user.pasi.vault.read()
    found = mem.list_memories(
        conn, include_superseded=include_superseded, limit=limit, offset=offset
    )
    total = browse.count_current_memories(conn, include_superseded=include_superseded)
    return MemoryPage(
        items=[MemoryOut.of(m) for m in found], total=total, limit=limit, offset=offset
    )


@router.post("/memories", response_model=MemoryOut, status_code=201)
def remember(user: CurrentUser, body: NewMemoryIn) -> MemoryOut:
    """Store a statement as a memory (what `pasi remember` does)."""
    memory = user.pasi.memory.remember(body.text, kind=body.kind, subject=body.subject)
    return MemoryOut.of(_labelled(user.pasi, memory))


def _labelled(pasi: Pasi, memory: Memory) -> Memory:
    """The user typed it, so it is kept; a sensitive one is marked so it stays on this machine."""
    with pasi.vault.write() as conn:
        label_memories(conn, [(memory.id, memory.text)])
    return pasi.memory.get(memory.id)


@router.get("/search", response_model=SearchOut, tags=["search"])
def search(
    user: CurrentUser,
    q: str = Query(min_length=1, max_length=2000, description="What to look for."),
    k: int = Query(10, ge=1, le=200, description="Number of results."),
    kind: str | None = Query(
        None, pattern="^(memory|episode)$", description="Only memories or only turns."
    ),
) -> SearchOut:
    """Memories and turns (chats and ingested files), best first, with where each came from."""
    found = user.pasi.memory.recall(q, k, kind=kind)
    return SearchOut(query=q, hits=[SearchHit.of(r) for r in found])


@router.get("/memories/{memory_id}", response_model=MemoryDetail)
def show_memory(user: CurrentUser, memory_id: Id) -> MemoryDetail:
    """One memory, every version of it, and the turns it was learned from with their sources."""
    store = user.pasi.memory
    memory = store.get(memory_id)
    conn = store.vault.read()
    turns = ep.get_episodes(conn, memory.evidence)
    return MemoryDetail(
        memory=MemoryOut.of(memory),
        history=[MemoryOut.of(m) for m in store.history(memory_id)],
        evidence=[
            EpisodeOut.of(turns[i], ep.get_source(conn, turns[i].source_id))
            for i in memory.evidence
            if i in turns
        ],
    )


@router.patch("/memories/{memory_id}", response_model=CorrectionOut)
def correct_memory(user: CurrentUser, memory_id: Id, body: CorrectionIn) -> CorrectionOut:
    """Correct a memory: a new version supersedes it; the old one stays in the history."""
    store = user.pasi.memory
    old = store.get(memory_id)
    if not old.is_current:
        successor = f"superseded by memory {old.superseded_by}" if old.superseded_by else "ended"
        raise ConflictError(
            f"memory {memory_id} is already {successor}: correct the current version instead"
        )
    new = _labelled(user.pasi, store.correct(memory_id, body.text, kind=body.kind))
    return CorrectionOut(memory=MemoryOut.of(new), superseded=memory_id)


@router.delete("/memories/{memory_id}", response_model=ForgetOut)
def forget_memory(
    user: CurrentUser,
    memory_id: Id,
    with_evidence: bool = Query(False, description="Also erase the turns it came from."),
) -> ForgetOut:
    """Erase a memory and the versions it replaced (this one really deletes)."""
    report = user.pasi.memory.forget(memory_id, with_evidence=with_evidence)
    return ForgetOut(memories=report.memories, episodes=report.episodes)


@router.get("/episodes/{episode_id}", response_model=list[EpisodeOut], tags=["sources"])
def show_episode(
    user: CurrentUser,
    episode_id: Id,
    around: int = Query(2, ge=0, le=20, description="Neighbouring turns to include."),
) -> list[EpisodeOut]:
    """A turn (cited as [t12]) with the turns around it, in order, and its source."""
    conn = user.pasi.vault.read()
    turn = ep.get_episodes(conn, [episode_id]).get(episode_id)
    if turn is None:
        raise NotFoundError(f"no turn with id {episode_id} (it may have been forgotten)")
    source = ep.get_source(conn, turn.source_id)
    turns = sorted([turn, *ep.nearby_episodes(conn, turn, around)], key=lambda t: t.position)
    return [EpisodeOut.of(t, source) for t in turns]


@router.get("/items/{item_id}", response_model=ItemOut, tags=["sources"])
def show_item(user: CurrentUser, item_id: Id) -> ItemOut:
    """A typed record from a file (cited as [i42]): an email, an event, a contact, a row."""
    row = it.get_items(user.pasi.vault.read(), [item_id]).get(item_id)
    if row is None:
        raise NotFoundError(f"no item with id {item_id} (its file may have been removed)")
    return ItemOut(id=row["id"], kind=row["kind"], title=row["title"], at=row["at"],
                   description=it.describe_item(row), source=row["uri"])  # fmt: skip
