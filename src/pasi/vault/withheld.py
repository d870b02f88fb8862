"""SQL for what must stay off remote models (the rule: pasi.privacy.policy).

A source with ``remote_ok = 0`` is withheld with everything stored from it; a memory is withheld
when its sensitivity is not ``normal`` or it was learnt from a withheld source; a turn is
withheld when its source is, or when it is the evidence of a sensitive memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

_WITHHELD_SOURCES = "SELECT id FROM sources WHERE remote_ok = 0"


def withheld_source_ids(conn: sqlite3.Connection) -> set[int]:
    return {row[0] for row in conn.execute(_WITHHELD_SOURCES)}


def withheld_memory_ids(conn: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    rows = conn.execute(
        f"""SELECT m.id FROM memories m WHERE m.id IN ({_marks(wanted)}) AND (
            m.sensitivity != 'normal'
            OR m.source_id IN ({_WITHHELD_SOURCES})
            OR EXISTS (SELECT 1 FROM memory_evidence me
                       JOIN episodes e ON e.id = me.episode_id
                       JOIN sources s ON s.id = e.source_id
                       WHERE me.memory_id = m.id AND s.remote_ok = 0))""",
        wanted,
    )
    return {row[0] for row in rows}


def withheld_episode_ids(conn: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    rows = conn.execute(
        f"""SELECT e.id FROM episodes e WHERE e.id IN ({_marks(wanted)}) AND (
            e.source_id IN ({_WITHHELD_SOURCES})
            OR EXISTS (SELECT 1 FROM memory_evidence me
                       JOIN memories m ON m.id = me.memory_id
                       WHERE me.episode_id = e.id AND m.sensitivity != 'normal'))""",
        wanted,
    )
    return {row[0] for row in rows}


def withheld_item_ids(conn: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    rows = conn.execute(
        f"SELECT id FROM items WHERE id IN ({_marks(wanted)}) AND source_id IN "
        f"({_WITHHELD_SOURCES})",
        wanted,
    )
    return {row[0] for row in rows}


def _marks(values: list[int]) -> str:
    return ", ".join("?" * len(values))
