"""SQL for memories and their evidence."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from pasi.clock import to_iso
from pasi.vault.records import Memory


@dataclass(frozen=True)
class NewMemory:
    text: str
    kind: str = "fact"
    subject: str = "user"
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    confidence: float = 1.0
    sensitivity: str = "normal"
    source_id: int | None = None
    evidence: tuple[int, ...] = ()
    note: str | None = None


def insert_memory(conn: sqlite3.Connection, memory: NewMemory, now: datetime) -> int:
    cur = conn.execute(
        "INSERT INTO memories (text, kind, subject, valid_from, valid_to, recorded_at,"
        " confidence, sensitivity, source_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            memory.text,
            memory.kind,
            memory.subject,
            to_iso(memory.valid_from),
            to_iso(memory.valid_to),
            to_iso(now),
            memory.confidence,
            memory.sensitivity,
            memory.source_id,
            memory.note,
        ),
    )
    memory_id = int(cur.lastrowid)  # type: ignore[arg-type]
    conn.executemany(
        "INSERT OR IGNORE INTO memory_evidence (memory_id, episode_id) VALUES (?, ?)",
        [(memory_id, episode_id) for episode_id in memory.evidence],
    )
    return memory_id


def _evidence(conn: sqlite3.Connection, memory_id: int) -> tuple[int, ...]:
    rows = conn.execute(
        "SELECT episode_id FROM memory_evidence WHERE memory_id = ? ORDER BY episode_id",
        (memory_id,),
    )
    return tuple(r[0] for r in rows)


def get_memory(conn: sqlite3.Connection, memory_id: int) -> Memory | None:
    row = conn.execute("SELECT * FROM memories WHERE id = ?", (memory_id,)).fetchone()
    return Memory.from_row(row, _evidence(conn, memory_id)) if row else None


def get_memories(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, Memory]:
    """Memories by id, in the order asked; two queries per 500 ids, not two per memory."""
    wanted = list(dict.fromkeys(ids))
    rows: dict[int, sqlite3.Row] = {}
    evidence: dict[int, list[int]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM memories WHERE id IN ({marks})", chunk):
            rows[row["id"]] = row
        for memory_id, episode_id in conn.execute(
            f"SELECT memory_id, episode_id FROM memory_evidence WHERE memory_id IN ({marks})"
            " ORDER BY memory_id, episode_id",
            chunk,
        ):
            evidence.setdefault(memory_id, []).append(episode_id)
    return {i: Memory.from_row(rows[i], tuple(evidence.get(i, ()))) for i in wanted if i in rows}


def list_memories(
    conn: sqlite3.Connection,
    *,
    include_superseded: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[Memory]:
    where = "" if include_superseded else "WHERE superseded_by IS NULL AND valid_to IS NULL"
    rows = conn.execute(
        f"SELECT * FROM memories {where} ORDER BY recorded_at DESC, id DESC LIMIT ? OFFSET ?",
        (-1 if limit is None else limit, offset),
    ).fetchall()
    return [Memory.from_row(r, _evidence(conn, r["id"])) for r in rows]


def iter_memories(conn: sqlite3.Connection) -> Iterator[Memory]:
    for row in conn.execute("SELECT * FROM memories ORDER BY id"):
        yield Memory.from_row(row, _evidence(conn, row["id"]))


def count_memories(conn: sqlite3.Connection) -> tuple[int, int]:
    """(current, superseded or expired)."""
    row = conn.execute(
        "SELECT SUM(superseded_by IS NULL AND valid_to IS NULL), COUNT(*) FROM memories"
    ).fetchone()
    current = row[0] or 0
    return current, row[1] - current


def supersede(conn: sqlite3.Connection, old_id: int, new_id: int, at: datetime) -> None:
    conn.execute(
        "UPDATE memories SET superseded_by = ?, valid_to = COALESCE(valid_to, ?) WHERE id = ?",
        (new_id, to_iso(at), old_id),
    )


def chain_back(conn: sqlite3.Connection, memory_id: int) -> list[int]:
    """Ids of the memories this one replaced, oldest first."""
    ids: list[int] = []
    frontier = [memory_id]
    while frontier:
        marks = ",".join("?" * len(frontier))
        rows = conn.execute(
            f"SELECT id FROM memories WHERE superseded_by IN ({marks}) ORDER BY id", frontier
        ).fetchall()
        frontier = [r[0] for r in rows if r[0] not in ids]
        ids.extend(frontier)
    return sorted(ids)


def chain_forward(conn: sqlite3.Connection, memory_id: int) -> list[int]:
    """Ids of the memories that replaced this one, in order."""
    ids: list[int] = []
    current: int | None = memory_id
    while current is not None:
        row = conn.execute("SELECT superseded_by FROM memories WHERE id = ?", (current,)).fetchone()
        current = row[0] if row else None
        if current is not None:
            if current in ids:
                break
            ids.append(current)
    return ids


def delete_memory(conn: sqlite3.Connection, memory_id: int) -> list[int]:
    """Delete a memory; return the ids of the episodes that were its evidence."""
    evidence = list(_evidence(conn, memory_id))
    conn.execute("DELETE FROM memories WHERE id = ?", (memory_id,))
    return evidence


def memories_citing(conn: sqlite3.Connection, episode_id: int) -> list[int]:
    rows = conn.execute("SELECT memory_id FROM memory_evidence WHERE episode_id = ?", (episode_id,))
    return [r[0] for r in rows]


def profile_memories(
    conn: sqlite3.Connection, subject: str, kinds: Iterable[str], limit: int
) -> list[Memory]:
    """Current memories about one subject, most confident first, then most recently recorded."""
    wanted = list(kinds)
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(
        "SELECT * FROM memories WHERE subject = ? AND superseded_by IS NULL AND valid_to IS NULL"
        f" AND kind IN ({marks}) ORDER BY confidence DESC, recorded_at DESC, id DESC LIMIT ?",
        (subject, *wanted, limit),
    ).fetchall()
    return [Memory.from_row(r, _evidence(conn, r["id"])) for r in rows]


def memories_resting_only_on(conn: sqlite3.Connection, episode_ids: set[int]) -> list[int]:
    """Memories whose every piece of evidence is among ``episode_ids`` (erased with them)."""
    wanted = list(episode_ids)
    candidates: set[int] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        candidates.update(
            r[0]
            for r in conn.execute(
                f"SELECT memory_id FROM memory_evidence WHERE episode_id IN ({marks})", chunk
            )
        )
    return [m for m in sorted(candidates) if set(_evidence(conn, m)) <= episode_ids]


def memories_recorded_between(
    conn: sqlite3.Connection, start: datetime, end: datetime, limit: int
) -> list[Memory]:
    """Current memories recorded in [start, end), newest first: what pasi learnt lately."""
    rows = conn.execute(
        "SELECT * FROM memories WHERE superseded_by IS NULL AND valid_to IS NULL"
        " AND recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at DESC, id DESC LIMIT ?",
        (to_iso(start), to_iso(end), limit),
    ).fetchall()
    return [Memory.from_row(r, _evidence(conn, r["id"])) for r in rows]


def memories_naming(conn: sqlite3.Connection, names: Iterable[str], limit: int) -> list[Memory]:
    """Current memories about or mentioning any of ``names`` (a person's name and aliases)."""
    wanted = [n for n in {n.strip().lower() for n in names} if len(n) >= 2]
    if not wanted:
        return []
    subject = ",".join("?" * len(wanted))
    mention = " OR ".join("lower(text) LIKE ?" for _ in wanted)
    rows = conn.execute(
        "SELECT * FROM memories WHERE superseded_by IS NULL AND valid_to IS NULL"
        f" AND (lower(subject) IN ({subject}) OR {mention})"
        " ORDER BY recorded_at DESC, id DESC LIMIT ?",
        (*wanted, *[f"%{n}%" for n in wanted], limit),
    ).fetchall()
    return [Memory.from_row(r, _evidence(conn, r["id"])) for r in rows]
