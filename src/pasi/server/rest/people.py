"""People over REST: everyone pasi knows, their rhythm of contact, and what it knows of them.

A person's rhythm is the median gap between the days they were in touch (pasi.life.people);
overdue is judged only for the people the user said matter (the charter's ``people``, their
relationship memories), by the same rule as the daily brief. Every fact on a person's page
names where it came from: the memory (and its turns), the email, event or contact card.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pasi.clock import from_iso
from pasi.errors import NotFoundError
from pasi.life.charter import Charter, load_charter
from pasi.life.people import SLACK, parse_birthday, people_who_matter, usual_gap_days
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS, Id, MemoryOut
from pasi.vault import items as it
from pasi.vault import memories as mem

router = APIRouter(prefix="/api", tags=["people"], responses=ERRORS)

CONTACTS_SHOWN = 30
MEMORIES_SHOWN = 50


class PersonOut(BaseModel):
    id: int
    name: str
    aliases: list[str]
    last_contact: datetime | None
    contacts: int = Field(description="Times in touch (emails, events, chats).")
    rhythm_days: float | None = Field(description="Usual days between contacts (None: too few).")
    days_since: int | None
    matters: str | None = Field(description="Why pasi keeps up with them (None: it does not).")
    overdue: bool = Field(description="Silent for longer than their rhythm by half again.")
    birthday: str | None = Field(description="MM-DD from their contact card.")
    next_birthday: date | None


class ContactOut(BaseModel):
    at: datetime
    role: str
    item_id: int | None
    kind: str | None
    title: str | None
    source: str


class PersonDetail(BaseModel):
    person: PersonOut
    memories: list[MemoryOut] = Field(description="What pasi knows about them (with evidence).")
    contacts: list[ContactOut] = Field(description="When they were in touch, newest first.")
    sources: list[str] = Field(description="Every source that names them.")


def _next_birthday(text: str | None, today: date) -> tuple[str | None, date | None]:
    parsed = parse_birthday(text)
    if parsed is None:
        return None, None
    month, day = parsed
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            on = date(year, month, day)
        except ValueError:  # 29 February: the next leap year
            continue
        if on >= today:
            return f"{month:02d}-{day:02d}", on
    return f"{month:02d}-{day:02d}", None


def _person(conn, row, charter: Charter, now: datetime, matter: dict[int, str]) -> PersonOut:
    contacts = it.entity_contacts(conn, row["id"], now)
    days = [charter.local_day(from_iso(c["at"])) for c in contacts]  # type: ignore[arg-type]
    rhythm = usual_gap_days(days)
    since = (charter.local_day(now) - max(days)).days if days else None
    card = it.entity_birthday(conn, row["id"])
    birthday, upcoming = _next_birthday(card["birthday"] if card else None, charter.local_day(now))
    why = matter.get(row["id"])
    return PersonOut(
        id=row["id"], name=row["name"], aliases=json.loads(row["aliases"] or "[]"),
        last_contact=from_iso(contacts[0]["at"]) if contacts else None, contacts=len(contacts),
        rhythm_days=rhythm, days_since=since, matters=why,
        overdue=bool(why and rhythm and since is not None and since > rhythm * SLACK),
        birthday=birthday, next_birthday=upcoming,
    )  # fmt: skip


@router.get("/people", response_model=list[PersonOut])
def list_people(
    user: CurrentUser, limit: int = Query(200, ge=1, le=1000, description="At most this many.")
) -> list[PersonOut]:
    """Everyone pasi knows, the most recently in touch first."""
    pasi = user.pasi
    conn, now, charter = pasi.vault.read(), pasi.clock(), load_charter(pasi.vault.directory)
    matter = {p.entity_id: p.why for p in people_who_matter(conn, charter)}
    return [_person(conn, row, charter, now, matter) for row in it.people_summary(conn, now, limit)]


@router.get("/people/{person_id}", response_model=PersonDetail)
def show_person(user: CurrentUser, person_id: Id) -> PersonDetail:
    """One person: their rhythm, what pasi knows about them, and where each thing came from."""
    pasi = user.pasi
    conn, now, charter = pasi.vault.read(), pasi.clock(), load_charter(pasi.vault.directory)
    row = next((r for r in it.people_entities(conn) if r["id"] == person_id), None)
    if row is None:
        raise NotFoundError(f"no person with id {person_id}")
    matter = {p.entity_id: p.why for p in people_who_matter(conn, charter)}
    person = _person(conn, row, charter, now, matter)
    contacts = it.entity_contacts(conn, person_id, now)
    known = mem.memories_naming(conn, [person.name, *person.aliases], MEMORIES_SHOWN)
    return PersonDetail(
        person=person, memories=[MemoryOut.of(m) for m in known],
        contacts=[ContactOut(at=from_iso(c["at"]), role=c["role"], item_id=c["item_id"],  # type: ignore[arg-type]
                             kind=c["kind"], title=c["title"], source=c["uri"])
                  for c in contacts[:CONTACTS_SHOWN]],
        sources=sorted({c["uri"] for c in contacts}),
    )  # fmt: skip
