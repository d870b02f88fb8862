"""SQL for extraction jobs: which turns still have to be learned from, and what went wrong.

A job is written before any model is asked, so turns are never lost between "said" and
"learned"; a failed job keeps the model's raw output and the error for ``pasi memories pending``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pasi.clock import from_iso, to_iso

STATUSES = ("pending", "running", "done", "failed")


@dataclass(frozen=True)
class Job:
    id: int
    source_id: int | None
    episode_ids: tuple[int, ...]
    status: str
    attempts: int
    model: str | None
    raw_output: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        return cls(
            id=row["id"],
            source_id=row["source_id"],
            episode_ids=tuple(json.loads(row["episode_ids"])),
            status=row["status"],
            attempts=row["attempts"],
            model=row["model"],
            raw_output=row["raw_output"],
            error=row["error"],
            created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
            updated_at=from_iso(row["updated_at"]),  # type: ignore[arg-type]
        )


def add_job(
    conn: sqlite3.Connection, source_id: int | None, episode_ids: Sequence[int], now: datetime
) -> int:
    cur = conn.execute(
        "INSERT INTO extraction_jobs (source_id, episode_ids, status, created_at, updated_at)"
        " VALUES (?, ?, 'pending', ?, ?)",
        (source_id, json.dumps(list(episode_ids)), to_iso(now), to_iso(now)),
    )
    return int(cur.lastrowid)  # type: ignore[arg-type]


def list_jobs(
    conn: sqlite3.Connection, statuses: Sequence[str] = STATUSES, limit: int | None = None
) -> list[Job]:
    marks = ",".join("?" * len(statuses))
    rows = conn.execute(
        f"SELECT * FROM extraction_jobs WHERE status IN ({marks}) ORDER BY id LIMIT ?",
        (*statuses, -1 if limit is None else limit),
    )
    return [Job.from_row(r) for r in rows]


def claim_pending(conn: sqlite3.Connection, now: datetime, limit: int) -> list[Job]:
    """Mark up to ``limit`` pending jobs running (one attempt more) and return them."""
    rows = conn.execute(
        "SELECT id FROM extraction_jobs WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,)
    ).fetchall()
    ids = [r[0] for r in rows]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    conn.execute(
        f"UPDATE extraction_jobs SET status = 'running', attempts = attempts + 1, updated_at = ?"
        f" WHERE id IN ({marks})",
        (to_iso(now), *ids),
    )
    found = conn.execute(f"SELECT * FROM extraction_jobs WHERE id IN ({marks}) ORDER BY id", ids)
    return [Job.from_row(r) for r in found]


def finish(
    conn: sqlite3.Connection,
    job_ids: Sequence[int],
    status: str,
    now: datetime,
    *,
    model: str | None = None,
    raw_output: str | None = None,
    error: str | None = None,
) -> None:
    """Close jobs as done or failed; for done jobs ``error`` holds repair notes, if any."""
    conn.executemany(
        "UPDATE extraction_jobs SET status = ?, model = ?, raw_output = ?, error = ?,"
        " updated_at = ? WHERE id = ?",
        [(status, model, raw_output, error, to_iso(now), i) for i in job_ids],
    )


def requeue(conn: sqlite3.Connection, statuses: Sequence[str], now: datetime) -> int:
    """Put jobs of these statuses back to pending (failed ones to retry; stale running ones)."""
    marks = ",".join("?" * len(statuses))
    cur = conn.execute(
        f"UPDATE extraction_jobs SET status = 'pending', updated_at = ? WHERE status IN ({marks})",
        (to_iso(now), *statuses),
    )
    return cur.rowcount


def requeue_stale(conn: sqlite3.Connection, before: datetime, now: datetime) -> int:
    """Running jobs not touched since ``before`` belong to a process that died: run them again."""
    cur = conn.execute(
        "UPDATE extraction_jobs SET status = 'pending', updated_at = ?"
        " WHERE status = 'running' AND updated_at < ?",
        (to_iso(now), to_iso(before)),
    )
    return cur.rowcount


def count_by_status(conn: sqlite3.Connection) -> dict[str, int]:
    rows = conn.execute("SELECT status, COUNT(*) FROM extraction_jobs GROUP BY status")
    return {status: 0 for status in STATUSES} | {r[0]: r[1] for r in rows}


def episodes_between(
    conn: sqlite3.Connection, since: datetime | None, until: datetime | None
) -> list[tuple[int, int, str]]:
    """(episode id, source id, session) of turns said in [since, until), in conversation order."""
    rows = conn.execute(
        "SELECT id, source_id, session FROM episodes"
        " WHERE (? IS NULL OR occurred_at >= ?) AND (? IS NULL OR occurred_at < ?)"
        " ORDER BY source_id, session, position",
        (to_iso(since), to_iso(since), to_iso(until), to_iso(until)),
    )
    return [(r[0], r[1], r[2]) for r in rows]
