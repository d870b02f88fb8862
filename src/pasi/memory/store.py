"""The memory API: what the user said, what pasi holds true, and how that changes.

Turns are kept verbatim as episodes. Memories are atomic statements with a subject, a time
span and evidence. A correction never overwrites: the old statement is closed (``valid_to``)
and points to its successor, so history stays answerable. ``forget`` is the one true delete.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from pasi.clock import Clock, system_clock
from pasi.errors import InputError, NotFoundError
from pasi.memory.indexer import NEIGHBOURS, Indexer, session_key
from pasi.memory.retrieval import BULK_SAVE_EVERY, Recalled, Retriever
from pasi.memory.sensitive import classify
from pasi.memory.text import check_statement
from pasi.models.embedder import Embedder
from pasi.vault import episodes as ep
from pasi.vault import memories as mem
from pasi.vault import search
from pasi.vault.records import MEMORY_KINDS, Episode, Memory
from pasi.vault.sqlite import SQLiteVault

DEFAULT_CONVERSATION = "conversation:default"
BATCH = 2000  # turns or memories per transaction: a crash loses at most one batch


@dataclass(frozen=True)
class Turn:
    text: str
    role: str = "user"
    speaker: str | None = None
    session: str = ""
    external_id: str | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class ForgetReport:
    memories: int
    episodes: int


def _check_kind(kind: str) -> str:
    if kind not in MEMORY_KINDS:
        raise InputError(f"unknown memory kind '{kind}': use one of {', '.join(MEMORY_KINDS)}")
    return kind


class MemoryStore:
    def __init__(
        self, vault: SQLiteVault, embedder: Embedder | None, clock: Clock = system_clock
    ) -> None:
        self.vault = vault
        self.clock = clock
        # The user's zone, whose days "yesterday" and "this morning" mean (the charter's, set
        # by pasi.app); without it the asking time's own zone.
        self.zone: Callable[[], tzinfo] | None = None
        self.indexer = Indexer(embedder)
        self.retriever = Retriever(vault, embedder)
        vault.before_close(self.retriever.sync_on_close)

    # -- conversation ------------------------------------------------------------------------

    def record_turns(
        self,
        turns: Sequence[Turn],
        *,
        source_uri: str = DEFAULT_CONVERSATION,
        source_kind: str = "conversation",
        title: str | None = None,
        trust: str = "user",
    ) -> list[int | None]:
        """Store turns verbatim and index them; already-imported external ids are skipped."""
        for turn in turns:
            check_statement(turn.text, what="turn")
        ids: list[int | None] = []
        for start in range(0, len(turns), BATCH):
            ids.extend(
                self._record_batch(
                    turns[start : start + BATCH], source_uri, source_kind, title, trust
                )
            )
        if len(turns) >= BATCH:  # a bulk import: leave the saved indexes level with it
            self.retriever.sync(save_after=BULK_SAVE_EVERY)
        return ids

    def _record_batch(
        self, turns: Sequence[Turn], uri: str, kind: str, title: str | None, trust: str
    ) -> list[int | None]:
        now = self.clock()
        with self.vault.write() as conn:
            source_id = ep.ensure_source(
                conn, kind=kind, uri=uri, now=now, title=title, trust=trust
            )
            new = [
                ep.NewEpisode(
                    t.text.strip(),
                    t.role,
                    t.speaker,
                    t.session,
                    t.external_id,
                    t.occurred_at or now,
                )
                for t in turns
            ]
            ids = ep.insert_episodes(conn, source_id, new, now)
            added = ep.get_episodes(conn, [i for i in ids if i is not None])
            episodes = [added[i] for i in ids if i is not None]
            sessions: dict[str, list[Episode]] = {}
            for e in episodes:  # one query per session, not per turn: O(n) not O(n^2)
                if session_key(e) not in sessions:  # new turns come last: only the tail counts
                    sessions[session_key(e)] = ep.session_tail(
                        conn, e.source_id, e.session, e.position, 2 * NEIGHBOURS
                    )
            self.indexer.index_episodes(conn, episodes, sessions)
        return ids

    def record_turn(
        self,
        text: str,
        *,
        role: str = "user",
        speaker: str | None = None,
        source_uri: str = DEFAULT_CONVERSATION,
        occurred_at: datetime | None = None,
    ) -> int:
        ids = self.record_turns(
            [Turn(text, role=role, speaker=speaker, occurred_at=occurred_at)], source_uri=source_uri
        )
        return ids[0]  # type: ignore[return-value]

    def recent_turns(
        self, limit: int = 20, source_uri: str = DEFAULT_CONVERSATION
    ) -> list[Episode]:
        conn = self.vault.read()
        row = conn.execute("SELECT id FROM sources WHERE uri = ?", (source_uri,)).fetchone()
        return ep.recent_episodes(conn, row[0], limit) if row else []

    # -- memories ----------------------------------------------------------------------------

    def remember(
        self,
        text: str,
        *,
        kind: str = "fact",
        subject: str = "user",
        valid_from: datetime | None = None,
        valid_to: datetime | None = None,
        confidence: float = 1.0,
        evidence: Sequence[int] = (),
        note: str | None = None,
    ) -> Memory:
        new = mem.NewMemory(
            check_statement(text),
            _check_kind(kind),
            subject.strip() or "user",
            valid_from,
            valid_to,
            confidence,
            sensitivity=next(iter(classify(text)), "normal"),  # stays local (pasi.privacy)
            evidence=tuple(evidence),
            note=note,
        )
        return self.remember_many([new])[0]

    def remember_many(self, memories: Sequence[mem.NewMemory]) -> list[Memory]:
        stored: list[Memory] = []
        for start in range(0, len(memories), BATCH):
            now = self.clock()
            with self.vault.write() as conn:
                self._check_evidence(conn, memories[start : start + BATCH])
                ids = [mem.insert_memory(conn, m, now) for m in memories[start : start + BATCH]]
                batch = list(mem.get_memories(conn, ids).values())
                self.indexer.index_memories(conn, batch)
            stored.extend(batch)
        if len(memories) >= BATCH:  # a bulk import: leave the saved indexes level with it
            self.retriever.sync(save_after=BULK_SAVE_EVERY)
        return stored

    @staticmethod
    def _check_evidence(conn, memories: Sequence[mem.NewMemory]) -> None:
        wanted = {e for m in memories for e in m.evidence}
        missing = wanted - set(ep.get_episodes(conn, wanted))
        if missing:
            raise InputError(f"evidence episode(s) {sorted(missing)} do not exist")

    def get(self, memory_id: int) -> Memory:
        memory = mem.get_memory(self.vault.read(), memory_id)
        if memory is None:
            raise NotFoundError(f"no memory with id {memory_id} (see 'pasi memories list')")
        return memory

    def list(self, *, include_superseded: bool = False, limit: int | None = None) -> list[Memory]:
        return mem.list_memories(
            self.vault.read(), include_superseded=include_superseded, limit=limit
        )

    def correct(
        self,
        memory_id: int,
        text: str,
        *,
        kind: str | None = None,
        valid_from: datetime | None = None,
        note: str | None = None,
    ) -> Memory:
        """Supersede a memory: the old one is closed now and points to the new one."""
        old = self.get(memory_id)
        if not old.is_current:
            raise InputError(
                f"memory {memory_id} was already superseded by {old.superseded_by}; correct that one"
            )
        now = self.clock()
        new = mem.NewMemory(
            check_statement(text),
            _check_kind(kind or old.kind),
            old.subject,
            valid_from or now,
            None,
            1.0,
            old.sensitivity,
            old.source_id,
            old.evidence,
            note or f"corrects memory {memory_id}",
        )
        with self.vault.write() as conn:
            new_id = mem.insert_memory(conn, new, now)
            mem.supersede(conn, memory_id, new_id, now)
            created = mem.get_memory(conn, new_id)
            self.indexer.index_memories(conn, [created])  # type: ignore[list-item]
        return created  # type: ignore[return-value]

    def replace(self, memory_id: int, new: mem.NewMemory) -> Memory:
        """Supersede a memory with a learned statement that brings its own evidence.

        Unlike :meth:`correct` (the user's edit, which keeps the old evidence), the new version
        rests on the turns it was learned from; the old one is closed when the new one began.
        """
        old = self.get(memory_id)
        if not old.is_current:
            raise InputError(f"memory {memory_id} was already superseded by {old.superseded_by}")
        now = self.clock()
        began = new.valid_from
        closed_at = began if began and (old.valid_from is None or began >= old.valid_from) else now
        with self.vault.write() as conn:
            self._check_evidence(conn, [new])
            new_id = mem.insert_memory(conn, new, now)
            mem.supersede(conn, memory_id, new_id, closed_at)
            created = mem.get_memory(conn, new_id)
            self.indexer.index_memories(conn, [created])  # type: ignore[list-item]
        return created  # type: ignore[return-value]

    def history(self, memory_id: int) -> list[Memory]:
        """Every version of the statement, oldest first, including ``memory_id`` itself."""
        self.get(memory_id)
        conn = self.vault.read()
        ids = [*mem.chain_back(conn, memory_id), memory_id, *mem.chain_forward(conn, memory_id)]
        found = mem.get_memories(conn, ids)
        return [found[i] for i in ids if i in found]

    def forget(self, memory_id: int, *, with_evidence: bool = False) -> ForgetReport:
        """Erase a memory and the versions it replaced; optionally the turns it came from."""
        self.get(memory_id)
        with self.vault.write() as conn:
            doomed = [*mem.chain_back(conn, memory_id), memory_id]
            evidence: set[int] = set()
            for doomed_id in doomed:
                evidence.update(mem.delete_memory(conn, doomed_id))
                search.remove_unit(conn, "memory", doomed_id)
            removed_episodes = self._erase_turns(conn, evidence) if with_evidence else 0
            if not with_evidence:  # the erased statement's words must leave its turns' keys
                self.indexer.refresh_fact_keys(conn, evidence)
        self.retriever.erased()
        return ForgetReport(memories=len(doomed), episodes=removed_episodes)

    def erase_episodes(
        self, episode_ids: Sequence[int] | set[int], *, with_memories: bool = True
    ) -> ForgetReport:
        """Erase turns (e.g. of a file that changed or was deleted) and what rested on them.

        A memory whose every piece of evidence is among these turns goes too; one with evidence
        elsewhere survives and only loses these turns as evidence. ``with_memories=False``
        keeps every memory (the user deletes a chat but not what they taught pasi in it).
        Joins the caller's transaction when there is one, so a file is replaced all at once
        or not at all.
        """
        doomed = set(episode_ids)
        if not doomed:
            return ForgetReport(memories=0, episodes=0)
        with self.vault.write() as conn:
            orphans = mem.memories_resting_only_on(conn, doomed) if with_memories else []
            for memory_id in orphans:
                mem.delete_memory(conn, memory_id)
                search.remove_unit(conn, "memory", memory_id)
            removed = self._erase_turns(conn, doomed)
        if not self.vault.read().in_transaction:  # else the caller's commit is still to come
            self.retriever.erased()
        return ForgetReport(memories=len(orphans), episodes=removed)

    def _erase_turns(self, conn: sqlite3.Connection, episode_ids: set[int]) -> int:
        """Delete turns and rebuild their neighbours' index entries, which held their words."""
        before: dict[str, list[Episode]] = {}
        for t in ep.get_episodes(conn, episode_ids).values():  # one query per session, not turn
            if session_key(t) not in before:
                before[session_key(t)] = ep.session_episodes(conn, t.source_id, t.session)
        for episode_id in episode_ids:
            search.remove_unit(conn, "episode", episode_id)
        removed = ep.delete_episodes(conn, episode_ids)
        after = {
            key: [t for t in session if t.id not in episode_ids] for key, session in before.items()
        }
        self.indexer.refresh_neighbours(conn, before, after)
        return removed

    # -- retrieval ---------------------------------------------------------------------------

    def recall(
        self, query: str, k: int = 5, *, at: datetime | None = None, kind: str | None = None
    ) -> list[Recalled]:
        asked = at or self.clock()
        if self.zone is not None:
            asked = asked.astimezone(self.zone())
        return self.retriever.recall(
            check_statement(query, what="question"), k, asked_at=asked, kind=kind
        )
