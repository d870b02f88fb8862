"""Keeps the search index in step with episodes and memories.

A turn is found by more than its own words. Questions often use the words of the turns just
before or after the one holding the answer, so each turn is indexed with a second field, the
words of its neighbours (two each side, same session), and a dense vector smoothed the same way.
A turn also records the periods it talks about ("yesterday" said on 8 May is about 7 May).
The measurements behind these choices are in docs/benchmarks.md.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pasi.memory.text import terms_text
from pasi.memory.timeref import mentioned_ranges
from pasi.models.embedder import Embedder
from pasi.vault import episodes as ep
from pasi.vault import memories as mem
from pasi.vault import search
from pasi.vault.records import Episode, Memory

NEIGHBOURS = 2  # turns on each side that make up a turn's context
NEIGHBOUR_WEIGHT = 0.5  # a neighbour's embedding counts half as much as the turn's own


def episode_text(episode: Episode) -> str:
    """How a turn reads in the index and in results: who said it, then what."""
    return f"{episode.speaker}: {episode.text}" if episode.speaker else episode.text


def session_key(episode: Episode) -> str:
    return f"{episode.source_id}/{episode.session}"


class Sessions:
    """The turns of some sessions in order, with each turn's place, for neighbour lookups."""

    def __init__(self, session_turns: dict[str, list[Episode]]) -> None:
        self.place = {
            turn.id: (turns, index)
            for turns in session_turns.values()
            for index, turn in enumerate(turns)
        }

    def around(self, episode_id: int) -> list[Episode]:
        turns, at = self.place[episode_id]
        return turns[max(0, at - NEIGHBOURS) : at] + turns[at + 1 : at + 1 + NEIGHBOURS]


@dataclass
class Indexer:
    embedder: Embedder | None

    def _embed(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        if self.embedder is None or not texts:
            return [None] * len(texts)
        return list(self.embedder.embed(texts))

    def index_memories(self, conn: sqlite3.Connection, memories: Sequence[Memory]) -> None:
        vectors = self._embed([m.text for m in memories])
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
        self.refresh_fact_keys(conn, {e for m in memories for e in m.evidence})

    def refresh_fact_keys(self, conn: sqlite3.Connection, episode_ids: set[int]) -> None:
        """Rebuild the context of turns whose memories changed: facts learned from a turn are
        keys to it (LongMemEval's fact-augmented keys; measured in docs/benchmarks.md)."""
        turns = ep.get_episodes(conn, episode_ids).values()
        sessions = {
            session_key(t): ep.session_episodes(conn, t.source_id, t.session) for t in turns
        }
        lookup = Sessions(sessions)
        for turn in turns:
            unit_id = search.unit_id_for(conn, "episode", turn.id)
            if unit_id is not None:
                search.set_context(conn, unit_id, self._context(conn, lookup, turn.id), None)

    def index_episodes(
        self,
        conn: sqlite3.Connection,
        episodes: Sequence[Episode],
        session_turns: dict[str, list[Episode]],
    ) -> None:
        """Index new episodes; ``session_turns`` holds their sessions' turns in order: all of
        them, or the tail from ``2 * NEIGHBOURS`` turns before the first new one (the turns whose
        context a new turn changes, and their neighbours)."""
        sessions = Sessions(session_turns)
        own = self._embed([episode_text(e) for e in episodes])
        embeddings = self._session_embeddings(conn, session_turns)
        embeddings.update({e.id: v for e, v in zip(episodes, own, strict=True) if v is not None})
        for episode, vector in zip(episodes, own, strict=True):
            at = episode.occurred_at or episode.recorded_at
            search.add_unit(
                conn,
                kind="episode",
                ref_id=episode.id,
                terms=terms_text(episode_text(episode)),
                context=self._context(conn, sessions, episode.id),
                session=session_key(episode),
                position=episode.position,
                speaker=episode.speaker,
                at=at,
                vector=self._smoothed(sessions, episode.id, embeddings),
                embedding=vector,
                times=mentioned_ranges(episode.text, at),
            )
        new_ids = {e.id for e in episodes}
        stale = {o.id for e in episodes for o in sessions.around(e.id) if o.id not in new_ids}
        self._refresh(conn, sessions, stale, embeddings)

    def refresh_neighbours(
        self,
        conn: sqlite3.Connection,
        removed: dict[str, list[Episode]],
        session_turns: dict[str, list[Episode]],
    ) -> None:
        """After turns are erased, rebuild the neighbourhoods that held their words.

        ``removed`` holds each affected session's turns as they were before the erasure,
        ``session_turns`` as they are now. Without this, an erased turn's words would live on
        in the context of the turns around it.
        """
        remaining = {t.id for turns in session_turns.values() for t in turns}
        touched: set[int] = set()
        for before in removed.values():
            for at, turn in enumerate(before):
                if turn.id not in remaining:
                    window = before[max(0, at - NEIGHBOURS) : at + 1 + NEIGHBOURS]
                    touched.update(t.id for t in window if t.id in remaining)
        sessions = Sessions(session_turns)
        self._refresh(conn, sessions, touched, self._session_embeddings(conn, session_turns))

    def _session_embeddings(
        self, conn: sqlite3.Connection, session_turns: dict[str, list[Episode]]
    ) -> dict[int, np.ndarray]:
        """The own embeddings of the turns given (a session's tail may stand for all of it)."""
        if self.embedder is None:
            return {}
        ids = [turn.id for turns in session_turns.values() for turn in turns]
        return search.episode_embeddings(conn, ids)

    @staticmethod
    def _context(conn: sqlite3.Connection, sessions: Sessions, episode_id: int) -> str:
        """The neighbours' words, then the words of memories learned from this turn."""
        around = " ".join(t.text for t in sessions.around(episode_id))
        facts = mem.get_memories(conn, mem.memories_citing(conn, episode_id)).values()
        return terms_text(" ".join([around, *(m.text for m in facts)]))

    @staticmethod
    def _smoothed(
        sessions: Sessions, episode_id: int, embeddings: dict[int, np.ndarray]
    ) -> np.ndarray | None:
        own = embeddings.get(episode_id)
        if own is None:
            return None
        total, weight = own.astype(np.float32).copy(), 1.0
        for other in sessions.around(episode_id):
            if other.id in embeddings:
                total += NEIGHBOUR_WEIGHT * embeddings[other.id]
                weight += NEIGHBOUR_WEIGHT
        return total / weight

    def _refresh(
        self,
        conn: sqlite3.Connection,
        sessions: Sessions,
        episode_ids: set[int],
        embeddings: dict[int, np.ndarray],
    ) -> None:
        for episode_id in episode_ids:
            unit_id = search.unit_id_for(conn, "episode", episode_id)
            if unit_id is not None:
                search.set_context(
                    conn,
                    unit_id,
                    self._context(conn, sessions, episode_id),
                    self._smoothed(sessions, episode_id, embeddings),
                )
