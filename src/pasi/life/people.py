"""People who matter to the user: birthdays, and friends not heard from for longer than usual.

Who matters is the user's word, never a guess from how often someone writes: the names in the
charter's ``people`` list, and people named in the user's current relationship memories ("Ana
is my sister"). Each person's rhythm is the median gap, in days, between the days they were in
touch (emails, chats, calendar events, from ``entity_links``); someone is overdue when the time
since the last contact exceeds that rhythm by half again, so a weekly call two days late is not
flagged. At least three contact days are needed before there is a rhythm to speak of.
"""

from __future__ import annotations

import json
import re
import sqlite3
import statistics
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from pasi.clock import from_iso, to_iso
from pasi.ingest.people import normalise_name
from pasi.life.charter import Charter

MIN_CONTACT_DAYS = 3
SLACK = 1.5  # overdue past this multiple of the usual gap


@dataclass(frozen=True)
class Person:
    entity_id: int
    name: str
    why: str  # "in your charter" or the memory that says so
    memory_id: int | None = None


@dataclass(frozen=True)
class Overdue:
    person: Person
    days_since: int
    usual_days: float
    last_item_id: int | None  # the last contact, for the citation (None: a chat line)
    last_source: str | None
    last_day: date | None = None
    contact_sources: frozenset[int] = frozenset()  # every source the rhythm was read from


@dataclass(frozen=True)
class Birthday:
    item_id: int
    name: str
    on: date
    source: str | None


def _entities(conn: sqlite3.Connection) -> list[tuple[int, str, set[str]]]:
    rows = conn.execute("SELECT id, name, aliases FROM entities WHERE kind = 'person'")
    found = []
    for row in rows:
        names = {normalise_name(n) for n in [row["name"], *json.loads(row["aliases"] or "[]")]}
        found.append((row["id"], row["name"], {n for n in names if n and "@" not in n}))
    return found


def people_who_matter(conn: sqlite3.Connection, charter: Charter) -> list[Person]:
    """The people the user said matter, matched to known people (by name or alias)."""
    known = _entities(conn)
    chosen: dict[int, Person] = {}
    for wanted in charter.people:
        key = normalise_name(wanted)
        for entity_id, name, names in known:
            if key in names or any(n.split()[0] == key for n in names if " " not in key):
                chosen.setdefault(entity_id, Person(entity_id, name, "in your charter"))
    memories = conn.execute(
        "SELECT id, text FROM memories WHERE kind = 'relationship' AND subject = 'user'"
        " AND superseded_by IS NULL AND valid_to IS NULL"
    )
    for memory_id, text in memories:
        words = normalise_name(text)
        for entity_id, name, names in known:
            if any(re.search(rf"\b{re.escape(n)}\b", words) for n in names):
                chosen.setdefault(entity_id, Person(entity_id, name, text, memory_id))
    return sorted(chosen.values(), key=lambda p: p.name)


def _contacts(conn: sqlite3.Connection, entity_id: int, now: datetime) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT l.at, l.item_id, l.source_id, s.uri FROM entity_links l JOIN sources s ON s.id = l.source_id"
        " WHERE l.entity_id = ? AND l.role != 'contact' AND l.at IS NOT NULL AND l.at <= ?"
        " ORDER BY l.at",
        (entity_id, to_iso(now)),
    ).fetchall()


def usual_gap_days(days: list[date]) -> float | None:
    """The median gap between distinct contact days; None with too few to tell."""
    distinct = sorted(set(days))
    if len(distinct) < MIN_CONTACT_DAYS:
        return None
    return float(statistics.median((b - a).days for a, b in pairwise(distinct)))


def overdue_people(conn: sqlite3.Connection, charter: Charter, now: datetime) -> list[Overdue]:
    """People who matter and whose silence is longer than their usual rhythm, longest first."""
    found = []
    today = charter.local_day(now)
    for person in people_who_matter(conn, charter):
        rows = _contacts(conn, person.entity_id, now)
        days = [charter.local_day(from_iso(row["at"])) for row in rows]  # type: ignore[arg-type]
        usual = usual_gap_days(days)
        if usual is None or not rows:
            continue
        since = (today - max(days)).days
        if since > usual * SLACK:
            last = rows[-1]
            sources = frozenset(row["source_id"] for row in rows)
            found.append(
                Overdue(person, since, usual, last["item_id"], last["uri"], max(days), sources)
            )
    return sorted(found, key=lambda o: o.days_since / max(o.usual_days, 1), reverse=True)


def parse_birthday(text: str | None) -> tuple[int, int] | None:
    """(month, day) from vCard BDAY forms: 1990-05-03, 19900503, --05-03, --0503."""
    if not text:
        return None
    digits = re.sub(r"[^\d]", "", text.split("T")[0])
    if len(digits) == 8:
        month, day = int(digits[4:6]), int(digits[6:8])
    elif len(digits) == 4:
        month, day = int(digits[:2]), int(digits[2:])
    else:
        return None
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def birthdays_between(conn: sqlite3.Connection, first: date, last: date) -> list[Birthday]:
    """Contacts whose birthday falls on a day from ``first`` to ``last`` (inclusive)."""
    wanted = {}
    day = first
    while day <= last:
        wanted[(day.month, day.day)] = day
        day = date.fromordinal(day.toordinal() + 1)
    found = []
    rows = conn.execute(
        "SELECT c.id, c.name, c.birthday, s.uri FROM contacts c"
        " LEFT JOIN sources s ON s.id = c.source_id WHERE c.birthday IS NOT NULL"
    )
    for row in rows:
        parsed = parse_birthday(row["birthday"])
        if parsed in wanted:
            found.append(Birthday(row["id"], row["name"], wanted[parsed], row["uri"]))
    return sorted(found, key=lambda b: (b.on, b.name))
