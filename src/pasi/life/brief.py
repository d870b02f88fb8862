"""The daily brief: today's calendar, due reminders, goal check-ins, birthdays, people.

Every line is composed from the vault without a model and cites where it comes from (an item
``[i42]``, a memory ``[m3]``, ``[reminder 4]``, ``[goal 2]``, with the source's name). A model,
when there is one, only rewrites those lines into prose: its rewrite is used when it keeps
every citation, otherwise the composed brief is shown, so a model cannot drop or invent one.
A remote model is sent only the lines that may leave the machine (pasi.privacy.policy's rule:
nothing from a source with ``remote_ok = 0``, nothing from a sensitive memory or its turns);
the others stay as composed, under their own heading after the model's prose.

The morning brief is a ``brief`` job on the scheduler, daily at the charter's
``morning_brief`` time, created only when the user sets that time.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pasi.clock import from_iso, to_iso
from pasi.life import jobs
from pasi.life.charter import Charter, load_charter
from pasi.life.engagement import strip_bait
from pasi.life.people import Overdue, birthdays_between, overdue_people
from pasi.life.when import When, next_occurrence
from pasi.life.yesterday import capture_line, recording_lines
from pasi.models.chat import ChatModel, ChatRequest, Message
from pasi.models.locality import is_local
from pasi.vault.sqlite import SQLiteVault
from pasi.vault.withheld import (
    withheld_episode_ids,
    withheld_item_ids,
    withheld_memory_ids,
    withheld_source_ids,
)

BIRTHDAYS_AHEAD = 7  # days
DAILY = "RRULE:FREQ=DAILY"

REWRITE_PROMPT = """\
Rewrite the lines of the user's daily brief below as a short, plain brief in the second \
person. Keep every citation in square brackets exactly as written, next to what it supports. \
Add nothing that is not in the lines, and do not end with a question or an offer."""
KEPT_LOCAL_TITLE = "Kept on this machine (not sent to the cloud model)"


@dataclass(frozen=True)
class BriefLine:
    section: str  # calendar, reminders, goals, birthdays, people, yesterday
    text: str
    cite: str  # the tag inside the brackets, e.g. "i42", "m3", "reminder 4"
    source: str | None = None
    # What the line was derived from, as ("item" | "memory" | "episode" | "source", id): a
    # remote model is sent the line only when none of it is withheld.
    basis: tuple[tuple[str, int], ...] = ()

    def render(self) -> str:
        where = f" ({self.source})" if self.source else ""
        return f"{self.text} [{self.cite}]{where}"


@dataclass
class Brief:
    day: date
    lines: list[BriefLine] = field(default_factory=list)
    text: str = ""
    model: str | None = None  # the model that rewrote it; None: the composed brief

    def to_json(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "text": self.text,
            "model": self.model,
            "lines": [
                {"section": l.section, "text": l.text, "cite": l.cite, "source": l.source}
                for l in self.lines  # noqa: E741
            ],
        }


SECTION_TITLES = {
    "calendar": "Today",
    "reminders": "Reminders",
    "goals": "Goals",
    "birthdays": "Birthdays",
    "people": "People",
    "yesterday": "Recorded and seen yesterday",
}


def _day_bounds(charter: Charter, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=charter.timezone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=charter.timezone)
    return start, end


def calendar_lines(conn: sqlite3.Connection, charter: Charter, day: date) -> list[BriefLine]:
    """Events of the user's local day: timed ones by their instant, all-day ones by date."""
    start, end = _day_bounds(charter, day)
    rows = conn.execute(
        "SELECT e.id, e.summary, e.start_utc, e.start_local, e.location, s.uri FROM events e"
        " LEFT JOIN sources s ON s.id = e.source_id"
        " WHERE (e.timezone IS NOT NULL OR length(e.start_local) > 10)"
        "   AND e.start_utc >= ? AND e.start_utc < ?"
        "  OR (e.timezone IS NULL AND length(e.start_local) = 10 AND e.start_local = ?)"
        " ORDER BY e.start_utc",
        (to_iso(start), to_iso(end), day.isoformat()),
    )
    lines = []
    for row in rows:
        at = from_iso(row["start_utc"])
        timed = len(row["start_local"] or "") > 10 and at is not None
        when = charter.local(at).strftime("%H:%M") if timed else "all day"  # type: ignore[arg-type]
        place = f" at {row['location']}" if row["location"] else ""
        text = f"{when} {row['summary']}{place}"
        basis = (("item", row["id"]),)
        lines.append(BriefLine("calendar", text, f"i{row['id']}", row["uri"], basis))
    return lines


def reminder_lines(conn: sqlite3.Connection, charter: Charter, day: date) -> list[BriefLine]:
    """Reminders due by the end of the day, and those sent but not yet done."""
    _, end = _day_bounds(charter, day)
    rows = conn.execute(
        "SELECT r.id, r.text, r.status, r.episode_id, coalesce(j.deferred_to, j.next_at) AS next_at"
        " FROM reminders r LEFT JOIN scheduled_jobs j"
        "   ON j.kind = 'reminder' AND j.ref_id = r.id AND j.status = 'active'"
        " WHERE r.status != 'done' ORDER BY next_at IS NULL, next_at, r.id"
    )
    lines = []
    for row in rows:
        due = from_iso(row["next_at"])
        if row["status"] == "due":
            text = f"Still open: {row['text']}"
        elif due is not None and due < end:
            text = f"{charter.local(due):%H:%M} {row['text']}"
        else:
            continue
        said = (("episode", row["episode_id"]),) if row["episode_id"] is not None else ()
        lines.append(BriefLine("reminders", text, f"reminder {row['id']}", "reminders", said))
    return lines


def goal_lines(conn: sqlite3.Connection, charter: Charter, day: date) -> list[BriefLine]:
    """Active goals whose check-in falls today, with their last progress."""
    _, end = _day_bounds(charter, day)
    rows = conn.execute(
        "SELECT g.id, g.title, min(coalesce(j.deferred_to, j.next_at)) AS next_at FROM goals g"
        " JOIN scheduled_jobs j ON j.kind = 'check_in' AND j.ref_id = g.id AND j.status = 'active'"
        " WHERE g.status = 'active' GROUP BY g.id ORDER BY next_at"
    )
    lines = []
    for row in rows:
        due = from_iso(row["next_at"])
        if due is not None and due < end:
            text = f"Check-in on your goal: {row['title']}"
            lines.append(BriefLine("goals", text, f"goal {row['id']}", "goals"))
    return lines


def people_lines(conn: sqlite3.Connection, charter: Charter, now: datetime) -> list[BriefLine]:
    today = charter.local_day(now)
    lines = []
    for birthday in birthdays_between(conn, today, today + timedelta(days=BIRTHDAYS_AHEAD)):
        when = "today" if birthday.on == today else f"on {birthday.on:%A %d %B}"
        text = f"{birthday.name}'s birthday is {when}"
        basis = (("item", birthday.item_id),)
        lines.append(BriefLine("birthdays", text, f"i{birthday.item_id}", birthday.source, basis))
    for late in overdue_people(conn, charter, now):
        text = (
            f"You have not been in touch with {late.person.name} for {late.days_since} days "
            f"(usually every {round(late.usual_days)})"
        )
        cite = _last_contact_tag(late)
        lines.append(BriefLine("people", text, cite, late.last_source, _people_basis(late)))
    return lines


def _people_basis(late: Overdue) -> tuple[tuple[str, int], ...]:
    """The rhythm's every source, the last contact, and the memory saying the person matters."""
    basis = [("source", source_id) for source_id in sorted(late.contact_sources)]
    if late.last_item_id is not None:
        basis.append(("item", late.last_item_id))
    if late.person.memory_id is not None:
        basis.append(("memory", late.person.memory_id))
    return tuple(basis)


def _last_contact_tag(late: Overdue) -> str:
    """The last contact's item; a chat line has none, so its day (and the source) stand in."""
    if late.last_item_id is not None:
        return f"i{late.last_item_id}"
    return f"last contact {late.last_day.isoformat()}" if late.last_day else "last contact"


def compose(vault: SQLiteVault, charter: Charter, now: datetime) -> list[BriefLine]:
    conn = vault.read()
    day = charter.local_day(now)
    return [
        *calendar_lines(conn, charter, day),
        *reminder_lines(conn, charter, day),
        *goal_lines(conn, charter, day),
        *people_lines(conn, charter, now),
        *yesterday_lines(conn, charter, day - timedelta(days=1)),
    ]


def yesterday_lines(conn: sqlite3.Connection, charter: Charter, day: date) -> list[BriefLine]:
    """The recordings ingested and the screen captures kept on ``day``: names and counts."""
    found = recording_lines(conn, charter, day)
    captured = capture_line(conn, charter, day)
    found += [captured] if captured else []
    return [BriefLine("yesterday", text, cite, source, basis)
            for text, cite, source, basis in found]  # fmt: skip


def render(day: date, lines: list[BriefLine]) -> str:
    parts = [f"Your brief for {day:%A %d %B %Y}"]
    if not lines:
        parts.append("Nothing on the calendar, no reminders due, no birthdays.")
    for section, title in SECTION_TITLES.items():
        chosen = [line.render() for line in lines if line.section == section]
        if chosen:
            parts.append(f"{title}:\n" + "\n".join(f"  - {text}" for text in chosen))
    return "\n\n".join(parts)


def remote_safe(conn: sqlite3.Connection, lines: list[BriefLine]) -> list[BriefLine]:
    """The lines a remote model may see: none derived from anything the policy withholds."""
    wanted: dict[str, list[int]] = {"item": [], "memory": [], "episode": [], "source": []}
    for line in lines:
        for kind, ref in line.basis:
            wanted[kind].append(ref)
    held = {
        "item": withheld_item_ids(conn, wanted["item"]),
        "memory": withheld_memory_ids(conn, wanted["memory"]),
        "episode": withheld_episode_ids(conn, wanted["episode"]),
        "source": withheld_source_ids(conn) if wanted["source"] else set(),
    }
    return [line for line in lines if not any(ref in held[kind] for kind, ref in line.basis)]


def _rewrite(model: ChatModel, composed: str, lines: list[BriefLine]) -> str | None:
    """The model's prose, or None when it lost a citation (the composed brief is kept)."""
    request = ChatRequest(
        [Message("system", REWRITE_PROMPT), Message("user", composed)], temperature=0.2
    )
    text = strip_bait(model.complete(request).text.strip(), "")
    cited = set(re.findall(r"\[([^\]]+)\]", text))
    return text if text and all(line.cite in cited for line in lines) else None


def write_brief(
    vault: SQLiteVault, now: datetime, *, model: ChatModel | None = None, charter=None
) -> Brief:
    """Today's brief for the user's local day; rewritten by ``model`` when one is given."""
    charter = charter or load_charter(vault.directory)
    day = charter.local_day(now)
    lines = compose(vault, charter, now)
    brief = Brief(day, lines, render(day, lines))
    if model is None or not lines:
        return brief
    shared = lines if is_local(model) else remote_safe(vault.read(), lines)
    if not shared:
        return brief  # everything stays on the machine: the composed brief
    rewritten = _rewrite(model, brief.text if shared == lines else render(day, shared), shared)
    if rewritten is None:
        return brief
    kept = [line for line in lines if line not in shared]
    if kept:
        listed = "\n".join(f"  - {line.render()}" for line in kept)
        rewritten = f"{rewritten}\n\n{KEPT_LOCAL_TITLE}:\n{listed}"
    brief.text, brief.model = rewritten, model.name
    return brief


def brief_composer(
    vault: SQLiteVault,
) -> Callable[[sqlite3.Connection, jobs.Job, datetime], tuple[str, str]]:
    """The scheduler's composer for ``brief`` jobs: the model-free brief, as of delivery."""

    def compose_job(_conn: sqlite3.Connection, _job: jobs.Job, now: datetime) -> tuple[str, str]:
        brief = write_brief(vault, now)
        return f"Your brief for {brief.day:%A %d %B}", brief.text

    return compose_job


def sync_morning_brief(
    vault: SQLiteVault, now: datetime, vault_dir: Path | None = None
) -> int | None:
    """Make the scheduled brief match the charter: one daily job, or none when it is off.

    Returns the active brief job's id (None when the charter has no ``morning_brief``).
    """
    charter = load_charter(vault_dir or vault.directory)
    zone = charter.timezone.key
    with vault.write() as conn:
        current = [j for j in jobs.active_jobs(conn) if j.kind == "brief"]
        wanted = charter.morning_brief
        keep = [
            j for j in current
            if wanted is not None and j.rule == DAILY and j.timezone == zone
            and j.start_local is not None and j.start_local.time() == wanted
        ]  # fmt: skip
        for job in current:
            if job not in keep[:1]:
                jobs.cancel(conn, job.id)
        if keep:
            return keep[0].id
        if wanted is None:
            return None
        start = datetime.combine(charter.local_day(now) - timedelta(days=1), wanted)
        first = next_occurrence(DAILY, start, zone, now)
        when = When(first, DAILY, start, zone)  # type: ignore[arg-type]
        return jobs.schedule(conn, "brief", "Morning brief", when, now)
