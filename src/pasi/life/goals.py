"""The user's goals: a title and a why, milestones, progress notes with evidence, check-ins.

Progress told in conversation ("ran 8 km today") keeps the ids of the turns that reported it,
so every note can be traced to what the user actually said. A goal with a check-in cadence
("every Sunday evening") has a scheduled job that asks how it is going; finishing or
abandoning the goal stops it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pasi.clock import Clock, from_iso, system_clock, to_iso
from pasi.errors import InputError, NotFoundError
from pasi.life import jobs
from pasi.life.when import When, parse_when
from pasi.vault.sqlite import SQLiteVault

MAX_TEXT = 2000
GOAL_STATUSES = ("active", "done", "abandoned")


@dataclass(frozen=True)
class Milestone:
    text: str
    done_at: datetime | None = None


@dataclass(frozen=True)
class Progress:
    id: int
    note: str
    at: datetime
    evidence: tuple[int, ...]  # episode ids of the turns that reported it


@dataclass(frozen=True)
class Goal:
    id: int
    title: str
    why: str | None
    status: str
    due: datetime | None
    check_in: str | None  # the user's words for the cadence, e.g. "every Sunday evening"
    next_check_in: datetime | None
    milestones: tuple[Milestone, ...]
    progress: tuple[Progress, ...]
    created_at: datetime
    completed_at: datetime | None

    def next_milestone(self) -> Milestone | None:
        return next((m for m in self.milestones if m.done_at is None), None)


def _text(value: str, what: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise InputError(f"a goal's {what} cannot be empty")
    if len(value) > MAX_TEXT:
        raise InputError(f"a goal's {what} is at most {MAX_TEXT} characters ({len(value)} given)")
    return value


def _milestones(raw: str) -> tuple[Milestone, ...]:
    return tuple(Milestone(m["text"], from_iso(m.get("done_at"))) for m in json.loads(raw))


def _milestones_json(milestones: Sequence[Milestone]) -> str:
    data = [{"text": m.text, "done_at": to_iso(m.done_at)} for m in milestones]
    return json.dumps(data, ensure_ascii=False)


class Goals:
    def __init__(self, vault: SQLiteVault, timezone: str, clock: Clock = system_clock) -> None:
        self.vault = vault
        self.timezone = timezone
        self.clock = clock

    def add(
        self, title: str, *, why: str | None = None, milestones: Sequence[str] = (),
        check_in: str | None = None, due: str | None = None,
    ) -> Goal:  # fmt: skip
        """A new active goal; ``check_in`` and ``due`` in plain words ("every Sunday", "April")."""
        now = self.clock()
        title = _text(title, "title")
        steps = [Milestone(_text(m, "milestone")) for m in milestones if m.strip()]
        due_at = (
            parse_when(due, now, self.timezone, deadline=True).first
            if due and due.strip()
            else None
        )
        cadence = self._cadence(check_in)
        with self.vault.write() as conn:
            cur = conn.execute(
                "INSERT INTO goals (title, why, status, due, cadence, milestones, created_at) "
                "VALUES (?, ?, 'active', ?, ?, ?, ?)",
                (title, _text(why, "why") if why and why.strip() else None, to_iso(due_at),
                 check_in.strip() if cadence else None, _milestones_json(steps), to_iso(now)),
            )  # fmt: skip
            goal_id = int(cur.lastrowid)  # type: ignore[arg-type]
            if cadence is not None:
                jobs.schedule(conn, "check_in", title, cadence, now, ref_id=goal_id)
        return self.get(goal_id)

    def _cadence(self, check_in: str | None) -> When | None:
        if check_in is None or not check_in.strip():
            return None
        when = parse_when(check_in, self.clock(), self.timezone)
        if when.rule is None:
            raise InputError(
                f"a check-in repeats: say how often, e.g. 'every Sunday evening', not '{check_in}'"
            )
        return when

    def get(self, goal_id: int) -> Goal:
        conn = self.vault.read()
        row = conn.execute("SELECT * FROM goals WHERE id = ?", (goal_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"there is no goal {goal_id} (see `pasi goals list`)")
        return _goal(conn, row)

    def list(self, *, status: str | None = "active") -> list[Goal]:
        conn = self.vault.read()
        if status is None:
            rows = conn.execute("SELECT * FROM goals ORDER BY id")
        else:
            rows = conn.execute("SELECT * FROM goals WHERE status = ? ORDER BY id", (status,))
        return [_goal(conn, row) for row in rows.fetchall()]

    def find(self, words: str) -> Goal:
        """The active goal whose title contains ``words`` (for tools that name a goal)."""
        matches = [g for g in self.list() if words.lower().strip() in g.title.lower()]
        if len(matches) != 1:
            titles = "; ".join(f"{g.id}: {g.title}" for g in self.list()) or "none"
            found = "no" if not matches else "more than one"
            raise NotFoundError(f"{found} active goal matches '{words}' (goals: {titles})")
        return matches[0]

    def record_progress(
        self, goal_id: int, note: str, *, evidence: Sequence[int] = (),
        milestone: int | None = None,
    ) -> Progress:  # fmt: skip
        """A progress note; ``milestone`` (numbered from 1) marks that milestone reached."""
        goal = self.get(goal_id)
        now = self.clock()
        note = _text(note, "progress note")
        with self.vault.write() as conn:
            cur = conn.execute(
                "INSERT INTO goal_progress (goal_id, note, at) VALUES (?, ?, ?)",
                (goal_id, note, to_iso(now)),
            )
            progress_id = int(cur.lastrowid)  # type: ignore[arg-type]
            conn.executemany(
                "INSERT OR IGNORE INTO goal_evidence (progress_id, episode_id) VALUES (?, ?)",
                [(progress_id, episode) for episode in evidence],
            )
            if milestone is not None:
                self._reach(conn, goal, milestone, now)
        return Progress(progress_id, note, now, tuple(evidence))

    def _reach(self, conn: sqlite3.Connection, goal: Goal, number: int, now: datetime) -> None:
        if not 1 <= number <= len(goal.milestones):
            raise InputError(
                f"goal {goal.id} has {len(goal.milestones)} milestone(s); {number} is not one"
            )
        steps = list(goal.milestones)
        steps[number - 1] = Milestone(steps[number - 1].text, now)
        conn.execute(
            "UPDATE goals SET milestones = ? WHERE id = ?", (_milestones_json(steps), goal.id)
        )

    def edit(self, goal_id: int, *, title: str | None = None, why: str | None = None) -> Goal:
        """Change a goal's title or why (``why=''`` clears it); its progress stays as it is."""
        goal = self.get(goal_id)
        new_title = _text(title, "title") if title is not None else goal.title
        new_why = goal.why if why is None else (_text(why, "why") if why.strip() else None)
        with self.vault.write() as conn:
            conn.execute(
                "UPDATE goals SET title = ?, why = ? WHERE id = ?", (new_title, new_why, goal_id)
            )
        return self.get(goal_id)

    def add_milestone(self, goal_id: int, text: str) -> Goal:
        goal = self.get(goal_id)
        steps = [*goal.milestones, Milestone(_text(text, "milestone"))]
        with self.vault.write() as conn:
            conn.execute(
                "UPDATE goals SET milestones = ? WHERE id = ?", (_milestones_json(steps), goal_id)
            )
        return self.get(goal_id)

    def close(self, goal_id: int, status: str = "done") -> Goal:
        """Finish (``done``) or drop (``abandoned``) a goal; its check-ins stop."""
        if status not in GOAL_STATUSES[1:]:
            raise InputError(f"a goal is closed as 'done' or 'abandoned', not '{status}'")
        self.get(goal_id)
        with self.vault.write() as conn:
            conn.execute(
                "UPDATE goals SET status = ?, completed_at = ? WHERE id = ?",
                (status, to_iso(self.clock()), goal_id),
            )
            jobs.finish(conn, "check_in", goal_id)
        return self.get(goal_id)


def _goal(conn: sqlite3.Connection, row: sqlite3.Row) -> Goal:
    notes = conn.execute(
        "SELECT p.id, p.note, p.at, group_concat(e.episode_id) AS evidence FROM goal_progress p "
        "LEFT JOIN goal_evidence e ON e.progress_id = p.id WHERE p.goal_id = ? "
        "GROUP BY p.id ORDER BY p.at, p.id",
        (row["id"],),
    ).fetchall()
    job = conn.execute(
        "SELECT coalesce(deferred_to, next_at) FROM scheduled_jobs "
        "WHERE kind = 'check_in' AND ref_id = ? AND status = 'active'",
        (row["id"],),
    ).fetchone()
    progress = tuple(
        Progress(n["id"], n["note"], from_iso(n["at"]), _ids(n["evidence"]))  # type: ignore[arg-type]
        for n in notes
    )
    return Goal(
        id=row["id"],
        title=row["title"],
        why=row["why"],
        status=row["status"],
        due=from_iso(row["due"]),
        check_in=row["cadence"],
        next_check_in=from_iso(job[0]) if job else None,
        milestones=_milestones(row["milestones"]),
        progress=progress,
        created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        completed_at=from_iso(row["completed_at"]),
    )


def _ids(text: str | None) -> tuple[int, ...]:
    return tuple(sorted(int(part) for part in text.split(","))) if text else ()


def compose_check_in(conn: sqlite3.Connection, job: jobs.Job) -> tuple[str, str] | None:
    """A check-in's title and body, from the goal as it is now; None when it is closed."""
    row = conn.execute("SELECT * FROM goals WHERE id = ?", (job.ref_id,)).fetchone()
    if row is None or row["status"] != "active":
        return None
    goal = _goal(conn, row)
    lines = [f"How is '{goal.title}' going?"]
    if goal.why:
        lines.append(f"Why it matters to you: {goal.why}")
    if goal.progress:
        last = goal.progress[-1]
        lines.append(f"Last progress ({last.at:%Y-%m-%d}): {last.note}")
    else:
        lines.append("No progress noted yet.")
    step = goal.next_milestone()
    if step is not None:
        lines.append(f"Next milestone: {step.text}")
    return f"Check-in: {goal.title}", "\n".join(lines)
