"""The deliveries log: what pasi sent, through which channel, and why; and what it held back.

Every outcome is a row: ``delivered`` and ``failed`` per channel, ``suppressed`` (no channel)
when quiet hours deferred a notification. ``pasi scheduler log`` shows it; the web app's
notification stream reads the ``web`` rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from pasi.clock import from_iso, to_iso
from pasi.life.channels import Notification
from pasi.vault.sqlite import SQLiteVault


@dataclass(frozen=True)
class Delivery:
    id: int
    job_id: int | None
    kind: str
    title: str
    body: str
    due_at: datetime
    at: datetime
    channel: str | None
    outcome: str  # delivered, failed or suppressed
    reason: str
    late: bool

    def notification(self) -> Notification:
        deferred = self.outcome == "delivered" and "quiet hours" in self.reason
        return Notification(
            self.job_id, self.kind, self.title, self.body, self.due_at, self.late, deferred
        )


def record(
    conn: sqlite3.Connection, notification: Notification, at: datetime, *,
    channel: str | None, outcome: str, reason: str,
) -> int:  # fmt: skip
    cur = conn.execute(
        "INSERT INTO deliveries (job_id, kind, title, body, due_at, at, channel, outcome, reason,"
        " late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (notification.job_id, notification.kind, notification.title, notification.body,
         to_iso(notification.due_at), to_iso(at), channel, outcome, reason,
         int(notification.late)),
    )  # fmt: skip
    return int(cur.lastrowid)  # type: ignore[arg-type]


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        id=row["id"],
        job_id=row["job_id"],
        kind=row["kind"],
        title=row["title"],
        body=row["body"],
        due_at=from_iso(row["due_at"]),  # type: ignore[arg-type]
        at=from_iso(row["at"]),  # type: ignore[arg-type]
        channel=row["channel"],
        outcome=row["outcome"],
        reason=row["reason"],
        late=bool(row["late"]),
    )


def deliveries(
    vault: SQLiteVault, *, after_id: int = 0, channel: str | None = None, limit: int = 1000
) -> list[Delivery]:
    """The log in order, from ``after_id`` on; only one channel's rows when ``channel`` is set."""
    where, args = "id > ?", [after_id]
    if channel is not None:
        where += " AND channel = ?"
        args.append(channel)
    rows = vault.read().execute(
        f"SELECT * FROM deliveries WHERE {where} ORDER BY id LIMIT ?", (*args, limit)
    )
    return [_delivery(row) for row in rows]


def last_id(vault: SQLiteVault) -> int:
    return int(vault.read().execute("SELECT coalesce(max(id), 0) FROM deliveries").fetchone()[0])
