"""Today: the day at a glance for the web app's first page.

The brief as composed from the vault (no model: it answers at once), each line with what it
opens and what can be done with it; what pasi holds for the user's word (memories held back
from storing, turns waiting for consent to a sensitive kind); and what it learnt since the
start of yesterday, to confirm or correct. The held memories are kept or dropped here.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pasi.errors import NotFoundError
from pasi.life.brief import BriefLine, compose
from pasi.life.charter import load_charter
from pasi.life.people import overdue_people
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS, Id, MemoryOut
from pasi.vault import held as held_store
from pasi.vault import memories as mem
from pasi.vault.consent import all_consent, held_episodes
from pasi.vault.episodes import get_episodes

router = APIRouter(prefix="/api", tags=["today"], responses=ERRORS)

LEARNT_LIMIT = 50
Target = Literal["reminder", "goal", "item", "memory", "person"]
_CITES = ((r"reminder (\d+)", "reminder"), (r"goal (\d+)", "goal"), (r"i(\d+)", "item"),
          (r"m(\d+)", "memory"))  # fmt: skip


class TargetOut(BaseModel):
    kind: Target
    id: int


class BriefLineOut(BaseModel):
    section: str = Field(description="calendar, reminders, goals, birthdays or people.")
    text: str
    cite: str = Field(description="The citation, as the brief writes it in brackets.")
    source: str | None
    target: TargetOut | None = Field(description="What the line opens (and acts on).")


class HeldOut(BaseModel):
    id: int
    text: str
    kind: str
    subject: str
    reason: str = Field(description="Why extraction held it back instead of storing it.")
    evidence: list[int]
    created_at: datetime


class ConsentWaitingOut(BaseModel):
    kind: str
    held_turns: int


class TodayOut(BaseModel):
    day: str
    time_zone: str
    brief: list[BriefLineOut]
    held_memories: list[HeldOut]
    consent_waiting: list[ConsentWaitingOut]
    learnt: list[MemoryOut] = Field(description="Memories recorded since yesterday began.")


def _target(line: BriefLine, people: list[int]) -> TargetOut | None:
    if line.section == "people" and people:
        return TargetOut(kind="person", id=people.pop(0))
    for pattern, kind in _CITES:
        found = re.fullmatch(pattern, line.cite)
        if found:
            return TargetOut(kind=kind, id=int(found.group(1)))  # type: ignore[arg-type]
    return None


@router.get("/today", response_model=TodayOut)
def today(user: CurrentUser) -> TodayOut:
    """Today's brief (composed, no model), what waits for the user, what pasi learnt lately."""
    pasi = user.pasi
    charter, now, conn = load_charter(pasi.vault.directory), pasi.clock(), pasi.vault.read()
    lines = compose(pasi.vault, charter, now)
    people = [late.person.entity_id for late in overdue_people(conn, charter, now)]  # same order
    day = charter.local_day(now)
    since = datetime.combine(day - timedelta(days=1), time(0), tzinfo=charter.timezone)
    waiting = [
        ConsentWaitingOut(kind=kind, held_turns=len(held_episodes(conn, kind)))
        for kind, answer in all_consent(conn).items()
        if answer not in ("yes", "no") and held_episodes(conn, kind)
    ]
    return TodayOut(
        day=day.isoformat(), time_zone=charter.timezone.key,
        brief=[BriefLineOut(section=l.section, text=l.text, cite=l.cite, source=l.source,
                            target=_target(l, people)) for l in lines],  # noqa: E741
        held_memories=[_held(h) for h in held_store.list_held(conn)],
        consent_waiting=waiting,
        learnt=[MemoryOut.of(m) for m in mem.memories_recorded_between(
            conn, since, now + timedelta(seconds=1), LEARNT_LIMIT)],
    )  # fmt: skip


def _held(item: held_store.HeldMemory) -> HeldOut:
    return HeldOut(
        id=item.id, text=item.text, kind=item.kind, subject=item.subject, reason=item.reason,
        evidence=list(item.evidence), created_at=item.created_at,
    )  # fmt: skip


def _get_held(user: CurrentUser, held_id: int) -> held_store.HeldMemory:
    found = held_store.get_held(user.pasi.vault.read(), held_id)
    if found is None:
        raise NotFoundError(f"nothing is held with id {held_id} (it was kept or dropped)")
    return found


@router.post("/held/{held_id}/keep", response_model=MemoryOut)
def keep_held(user: CurrentUser, held_id: Id) -> MemoryOut:
    """The user vouches for a held memory: it is stored, resting on the turns it came from
    (those still in the vault), and is no longer held."""
    item = _get_held(user, held_id)
    store = user.pasi.memory
    with store.vault.write() as conn:  # one transaction: stored and released together
        present = get_episodes(conn, item.evidence)
        kept = store.remember(
            item.text, kind=item.kind, subject=item.subject,
            evidence=[e for e in item.evidence if e in present],
            note="kept by the user after extraction held it back",
        )  # fmt: skip
        held_store.delete_held(conn, held_id)
    return MemoryOut.of(kept)


@router.delete("/held/{held_id}", status_code=204)
def drop_held(user: CurrentUser, held_id: Id) -> None:
    """Drop a held memory: it is never stored (its turns stay)."""
    _get_held(user, held_id)
    with user.pasi.vault.write() as conn:
        held_store.delete_held(conn, held_id)
