"""Reminders and tasks the user asked for, in plain language, each with its scheduled job.

A one-off reminder that has gone out stays open (status ``due``) until the user marks it
done: it is a task as well as a nudge. A recurring one stays ``pending`` and goes out at each
occurrence until it is marked done or deleted.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from pasi.clock import Clock, from_iso, system_clock, to_iso
from pasi.errors import InputError, NotFoundError
from pasi.life import jobs
from pasi.life.when import When, parse_when, split_reminder
from pasi.vault.sqlite import SQLiteVault

MAX_TEXT = 1000


@dataclass(frozen=True)
class Reminder:
    id: int
    text: str
    status: str  # pending, due (sent, not yet done) or done
    due: datetime | None  # the next time it goes out; None once sent (one-off) or done
    cadence: str | None  # the user's words for how it repeats, e.g. "every Sunday at 18:00"
    rule: str | None
    created_at: datetime
    done_at: datetime | None
    episode_id: int | None  # the conversation turn that asked for it
    job_id: int | None


_SELECT = (
    "SELECT r.*, j.id AS job_id, j.rule, coalesce(j.deferred_to, j.next_at) AS next_at "
    "FROM reminders r LEFT JOIN scheduled_jobs j ON j.kind = 'reminder' AND j.ref_id = r.id"
)


def _reminder(row: sqlite3.Row) -> Reminder:
    return Reminder(
        id=row["id"],
        text=row["text"],
        status=row["status"],
        due=from_iso(row["next_at"]),
        cadence=row["cadence"],
        rule=row["rule"],
        created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        done_at=from_iso(row["done_at"]),
        episode_id=row["episode_id"],
        job_id=row["job_id"],
    )


def _check_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise InputError("a reminder needs some text: what should pasi remind you of?")
    if len(text) > MAX_TEXT:
        raise InputError(f"a reminder's text is at most {MAX_TEXT} characters ({len(text)} given)")
    return text


class Reminders:
    def __init__(self, vault: SQLiteVault, timezone: str, clock: Clock = system_clock) -> None:
        self.vault = vault
        self.timezone = timezone
        self.clock = clock

    def add(self, text: str, when: str | None = None, *, episode_id: int | None = None) -> Reminder:
        """``when`` in plain words; without it, the time is read from ``text`` itself."""
        now = self.clock()
        if when is None or not when.strip():
            what, when, parsed = split_reminder(text, now, self.timezone)
        else:
            what, parsed = _without_preamble(text), parse_when(when, now, self.timezone)
        return self._store(_check_text(what), parsed, when, episode_id)

    def _store(self, text: str, when: When, phrase: str, episode_id: int | None) -> Reminder:
        now = self.clock()
        cadence = " ".join(phrase.split()) if when.rule else None
        with self.vault.write() as conn:
            cur = conn.execute(
                "INSERT INTO reminders (text, status, due, cadence, created_at, episode_id) "
                "VALUES (?, 'pending', ?, ?, ?, ?)",
                (text, to_iso(when.first), cadence, to_iso(now), episode_id),
            )
            reminder_id = int(cur.lastrowid)  # type: ignore[arg-type]
            jobs.schedule(conn, "reminder", text, when, now, ref_id=reminder_id)
        return self.get(reminder_id)

    def get(self, reminder_id: int) -> Reminder:
        row = self.vault.read().execute(_SELECT + " WHERE r.id = ?", (reminder_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"there is no reminder {reminder_id} (see `pasi reminders list`)")
        return _reminder(row)

    def list(self, *, include_done: bool = False) -> list[Reminder]:
        where = "" if include_done else " WHERE r.status != 'done'"
        order = " ORDER BY r.status = 'done', coalesce(next_at, r.due) IS NULL, next_at, r.id"
        return [_reminder(row) for row in self.vault.read().execute(_SELECT + where + order)]

    def done(self, reminder_id: int) -> Reminder:
        self.get(reminder_id)
        with self.vault.write() as conn:
            conn.execute(
                "UPDATE reminders SET status = 'done', done_at = ? WHERE id = ?",
                (to_iso(self.clock()), reminder_id),
            )
            jobs.finish(conn, "reminder", reminder_id)
        return self.get(reminder_id)

    def snooze(self, reminder_id: int, until: str = "in 10 minutes") -> Reminder:
        """Send it again later; "10 minutes", "1 hour" and "tomorrow" all work."""
        reminder = self.get(reminder_id)
        if reminder.status == "done" or reminder.job_id is None:
            raise InputError(f"reminder {reminder_id} is done; add a new one instead")
        phrase = f"in {until}" if re.match(r"^\d", until.strip()) else until
        when = parse_when(phrase, self.clock(), self.timezone)
        if when.rule is not None:
            raise InputError(f"snooze until one time, not a repetition ('{until}')")
        with self.vault.write() as conn:
            jobs.move(conn, reminder.job_id, when.first)
            conn.execute("UPDATE reminders SET status = 'pending' WHERE id = ?", (reminder_id,))
        return self.get(reminder_id)

    def delete(self, reminder_id: int) -> None:
        self.get(reminder_id)
        with self.vault.write() as conn:
            jobs.finish(conn, "reminder", reminder_id, status="cancelled")
            conn.execute("DELETE FROM reminders WHERE id = ?", (reminder_id,))


def _without_preamble(text: str) -> str:
    return re.sub(r"^(please\s+)?remind me (to|about|of)\s+", "", text.strip(), flags=re.IGNORECASE)


def mark_sent(conn: sqlite3.Connection, job: jobs.Job) -> None:
    """A one-off reminder that went out waits, as a task, to be marked done."""
    if job.kind == "reminder" and not job.recurring and job.ref_id is not None:
        conn.execute(
            "UPDATE reminders SET status = 'due' WHERE id = ? AND status = 'pending'",
            (job.ref_id,),
        )


def compose_reminder(conn: sqlite3.Connection, job: jobs.Job) -> tuple[str, str] | None:
    """Title and body of a reminder's notification; None when the reminder is gone."""
    row = conn.execute("SELECT text, status FROM reminders WHERE id = ?", (job.ref_id,)).fetchone()
    if row is None or row["status"] == "done":
        return None
    return row["text"], "Reminder: " + row["text"]
