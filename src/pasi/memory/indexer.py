"""Keeps the search index in step with episodes and memories.

A turn is indexed by its own words (``speaker: text``) and, in a second field, by the words of
its neighbours in the same session: questions often use the words of the turn before or after
the one holding the answer (measured: +5 R@5 on LoCoMo, docs/benchmarks.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from pasi.memory.text import terms_text
from pasi.models.embedder import Embedder
from pasi.vault import search
from pasi.vault.records import Episode, Memory

NEIGHBOURS = 1  # turns on each side that make up a turn's context field


def episode_text(episode: Episode) -> str:
    """How a turn reads in the index and in results: who said it, then what."""
    return f"{episode.speaker}: {episode.text}" if episode.speaker else episode.text


def session_key(episode: Episode) -> str:
    return f"{episode.source_id}/{episode.session}"


@dataclass
class Indexer:
    embedder: Embedder | None

    def _vectors(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        if self.embedder is None or not texts:
            return [None] * len(texts)
        return list(self.embedder.embed(texts))

    def index_memories(self, conn: sqlite3.Connection, memories: Sequence[Memory]) -> None:
        vectors = self._vectors([m.text for m in memories])
        for memory, vector in zip(memories, vectors, strict=True):
            search.add_unit(
                conn,
                kind="memory",
                ref_id=memory.id,
                terms=terms_text(f"{memory.subject}: {memory.text}"),
                session=f"memory/{memory.subject}",
                speaker=memory.subject,
                at=memory.valid_from or memory.recorded_at,
                vector=vector,
            )

    def index_episodes(
        self,
        conn: sqlite3.Connection,
        episodes: Sequence[Episode],
        session_turns: dict[str, list[Episode]],
    ) -> None:
        """Index new episodes; ``session_turns`` holds every turn of their sessions in order."""
        texts = [episode_text(e) for e in episodes]
        vectors = self._vectors(texts)
        new_ids = {e.id for e in episodes}
        for episode, text, vector in zip(episodes, texts, vectors, strict=True):
            turns = session_turns[session_key(episode)]
            search.add_unit(
                conn,
                kind="episode",
                ref_id=episode.id,
                terms=terms_text(text),
                context=self._context(turns, episode),
                session=session_key(episode),
                speaker=episode.speaker,
                at=episode.occurred_at or episode.recorded_at,
                vector=vector,
            )
        self._refresh_old_neighbours(conn, episodes, session_turns, new_ids)

    @staticmethod
    def _context(turns: list[Episode], episode: Episode) -> str:
        at = next(i for i, t in enumerate(turns) if t.id == episode.id)
        around = turns[max(0, at - NEIGHBOURS) : at] + turns[at + 1 : at + 1 + NEIGHBOURS]
        return terms_text(" ".join(t.text for t in around))

    def _refresh_old_neighbours(
        self,
        conn: sqlite3.Connection,
        episodes: Sequence[Episode],
        session_turns: dict[str, list[Episode]],
        new_ids: set[int],
    ) -> None:
        """Turns already indexed whose neighbourhood just gained a new turn."""
        stale: dict[int, tuple[list[Episode], Episode]] = {}
        for episode in episodes:
            turns = session_turns[session_key(episode)]
            at = next(i for i, t in enumerate(turns) if t.id == episode.id)
            for other in turns[max(0, at - NEIGHBOURS) : at + 1 + NEIGHBOURS]:
                if other.id not in new_ids:
                    stale[other.id] = (turns, other)
        for turns, other in stale.values():
            unit_id = search.unit_id_for(conn, "episode", other.id)
            if unit_id is not None:
                search.set_context(conn, unit_id, self._context(turns, other))


def when(memory_or_episode: Memory | Episode) -> datetime | None:
    if isinstance(memory_or_episode, Memory):
        return memory_or_episode.valid_from or memory_or_episode.recorded_at
    return memory_or_episode.occurred_at or memory_or_episode.recorded_at
