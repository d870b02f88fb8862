"""Scheduled jobs, stored in the vault so they survive restarts.

A job is a reminder, a goal's check-in or a brief: only things the user asked for, which is
why :data:`JOB_KINDS` is closed and the table refuses any other kind. A recurring job keeps its
RFC 5545 rule over local wall-clock times and its time zone; ``next_at`` (UTC) is the one due
occurrence. Firing a job moves ``next_at`` with a compare-and-set, so two processes on one
vault (``pasi chat`` and ``pasi serve``) never send the same occurrence twice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from pasi.clock import from_iso, to_iso
from pasi.errors import InputError, NotFoundError
from pasi.life.when import When, next_occurrence
from pasi.vault.sqlite import SQLiteVault

JobKind = Literal["reminder", "check_in", "brief"]
JOB_KINDS: tuple[str, ...] = get_args(JobKind)


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    ref_id: int | None
    title: str
    rule: str | None
    timezone: str
    start_local: datetime | None
    next_at: datetime | None
    deferred_to: datetime | None
    status: str
    last_fired_at: datetime | None

    @property
    def recurring(self) -> bool:
        return self.rule is not None

    def due_at(self) -> datetime | None:
        """When the job goes out: its occurrence, or the end of the quiet hours it fell in."""
        return self.deferred_to or self.next_at

    def following(self, after: datetime) -> datetime | None:
        """The occurrence after ``after`` (None for a one-off job): missed ones are skipped."""
        if self.rule is None or self.start_local is None:
            return None
        return next_occurrence(self.rule, self.start_local, self.timezone, after)


def _job(row: sqlite3.Row) -> Job:
    start = row["start_local"]
    return Job(
        id=row["id"],
        kind=row["kind"],
        ref_id=row["ref_id"],
        title=row["title"],
        rule=row["rule"],
        timezone=row["timezone"],
        start_local=datetime.fromisoformat(start) if start else None,
        next_at=from_iso(row["next_at"]),
        deferred_to=from_iso(row["deferred_to"]),
        status=row["status"],
        last_fired_at=from_iso(row["last_fired_at"]),
    )


def schedule(
    conn: sqlite3.Connection, kind: str, title: str, when: When, now: datetime,
    ref_id: int | None = None,
) -> int:  # fmt: skip
    """Store a job (inside the caller's write transaction); returns its id."""
    if kind not in JOB_KINDS:
        raise InputError(f"pasi schedules only {', '.join(JOB_KINDS)}, not '{kind}'")
    start = when.start_local.isoformat() if when.start_local else None
    cur = conn.execute(
        "INSERT INTO scheduled_jobs (kind, ref_id, title, rule, timezone, start_local, next_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, ref_id, title, when.rule, when.timezone, start, to_iso(when.first), to_iso(now)),
    )
    return int(cur.lastrowid)  # type: ignore[arg-type]


def get_job(conn: sqlite3.Connection, job_id: int) -> Job:
    row = conn.execute("SELECT * FROM scheduled_jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"there is no scheduled job {job_id} (see `pasi scheduler jobs`)")
    return _job(row)


def jobs_for(conn: sqlite3.Connection, kind: str, ref_id: int) -> list[Job]:
    rows = conn.execute(
        "SELECT * FROM scheduled_jobs WHERE kind = ? AND ref_id = ? ORDER BY id", (kind, ref_id)
    )
    return [_job(row) for row in rows]


def active_jobs(conn: sqlite3.Connection) -> list[Job]:
    rows = conn.execute(
        "SELECT * FROM scheduled_jobs WHERE status = 'active' "
        "ORDER BY coalesce(deferred_to, next_at), id"
    )
    return [_job(row) for row in rows]


# A held-back job's ``deferred_to`` is after its ``next_at``, which has passed: every job due or
# held back has ``next_at <= now``, a range of the (status, next_at) index. An idle round reads a
# few index entries rather than every job (see `pasi bench scheduler` in docs/benchmarks.md).


def due_jobs(vault: SQLiteVault, now: datetime) -> list[Job]:
    rows = vault.read().execute(
        "SELECT * FROM scheduled_jobs WHERE status = 'active' AND next_at <= :now "
        "AND coalesce(deferred_to, next_at) <= :now ORDER BY coalesce(deferred_to, next_at), id",
        {"now": to_iso(now)},
    )
    return [_job(row) for row in rows]


def next_due(vault: SQLiteVault, now: datetime) -> datetime | None:
    """The earliest time any active job is due: how long the scheduler may sleep."""
    conn = vault.read()
    held = conn.execute(
        "SELECT min(coalesce(deferred_to, next_at)) FROM scheduled_jobs "
        "WHERE status = 'active' AND next_at <= ?",
        (to_iso(now),),
    ).fetchone()[0]
    upcoming = conn.execute(
        "SELECT min(next_at) FROM scheduled_jobs WHERE status = 'active' AND next_at > ?",
        (to_iso(now),),
    ).fetchone()[0]
    found = [at for at in (from_iso(held), from_iso(upcoming)) if at is not None]
    return min(found) if found else None


def advance(conn: sqlite3.Connection, job: Job, fired_at: datetime) -> bool:
    """Move a fired job to its next occurrence (or finish it); False if another process did."""
    following = job.following(max(fired_at, job.next_at or fired_at))
    status = "active" if following is not None else "done"
    cur = conn.execute(
        "UPDATE scheduled_jobs SET next_at = ?, deferred_to = NULL, status = ?, last_fired_at = ?"
        " WHERE id = ? AND status = 'active' AND next_at IS ? AND deferred_to IS ?",
        (to_iso(following), status, to_iso(fired_at), job.id, to_iso(job.next_at),
         to_iso(job.deferred_to)),
    )  # fmt: skip
    return cur.rowcount == 1


def defer(conn: sqlite3.Connection, job: Job, until: datetime) -> bool:
    """Hold a due job until ``until`` (the end of quiet hours); False if another process did."""
    cur = conn.execute(
        "UPDATE scheduled_jobs SET deferred_to = ? WHERE id = ? AND status = 'active' "
        "AND next_at IS ? AND deferred_to IS ?",
        (to_iso(until), job.id, to_iso(job.next_at), to_iso(job.deferred_to)),
    )
    return cur.rowcount == 1


def move(conn: sqlite3.Connection, job_id: int, at: datetime) -> None:
    """Snooze: the pending occurrence goes out at ``at`` instead."""
    conn.execute(
        "UPDATE scheduled_jobs SET next_at = ?, deferred_to = NULL, status = 'active' WHERE id = ?",
        (to_iso(at), job_id),
    )


def finish(conn: sqlite3.Connection, kind: str, ref_id: int, status: str = "done") -> None:
    """Stop the jobs of a reminder or goal that is done, deleted or no longer checked in on."""
    conn.execute(
        "UPDATE scheduled_jobs SET status = ?, next_at = NULL, deferred_to = NULL "
        "WHERE kind = ? AND ref_id = ? AND status = 'active'",
        (status, kind, ref_id),
    )


def cancel(conn: sqlite3.Connection, job_id: int) -> None:
    conn.execute(
        "UPDATE scheduled_jobs SET status = 'cancelled', next_at = NULL, deferred_to = NULL "
        "WHERE id = ?",
        (job_id,),
    )


def rezone(conn: sqlite3.Connection, timezone: str, now: datetime) -> int:
    """Move repeating jobs to the user's new time zone, keeping their local hour.

    "Every day at 8" means 8 where the user now lives. A one-off job keeps its instant: "in 20
    minutes" must not move because the user changed the charter. Returns the jobs moved.
    """
    rows = conn.execute(
        "SELECT * FROM scheduled_jobs WHERE status = 'active' AND rule IS NOT NULL "
        "AND timezone != ?",
        (timezone,),
    ).fetchall()
    for job in map(_job, rows):
        if job.next_at is not None and job.next_at <= now:  # due or held back: still sent once
            conn.execute("UPDATE scheduled_jobs SET timezone = ? WHERE id = ?", (timezone, job.id))
            continue
        following = next_occurrence(job.rule, job.start_local, timezone, now)  # type: ignore[arg-type]
        conn.execute(
            "UPDATE scheduled_jobs SET timezone = ?, next_at = ? WHERE id = ?",
            (timezone, to_iso(following), job.id),
        )
    return len(rows)
