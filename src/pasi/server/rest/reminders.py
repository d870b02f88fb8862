"""Reminders over REST: list, add in plain words, done, snooze, delete (as `pasi remind`)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pasi.life.reminders import MAX_TEXT, Reminder, Reminders
from pasi.life.service import user_timezone
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS, Id

router = APIRouter(prefix="/api", tags=["reminders"], responses=ERRORS)


class ReminderOut(BaseModel):
    id: int
    text: str
    status: str = Field(description="pending, due (sent, not done yet) or done.")
    due: datetime | None = Field(description="When it goes out next.")
    cadence: str | None
    created_at: datetime
    done_at: datetime | None
    episode_id: int | None = Field(description="The turn that asked for it ([t..]).")

    @classmethod
    def of(cls, r: Reminder) -> ReminderOut:
        return cls(
            id=r.id, text=r.text, status=r.status, due=r.due, cadence=r.cadence,
            created_at=r.created_at, done_at=r.done_at, episode_id=r.episode_id,
        )  # fmt: skip


class ReminderIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    when: str | None = Field(
        default=None, max_length=200,
        description="Plain words ('tomorrow at 9', 'every Sunday'); default: read from text.",
    )  # fmt: skip


class SnoozeIn(BaseModel):
    until: str = Field(default="in 10 minutes", min_length=1, max_length=200)


def reminders_of(user: CurrentUser) -> Reminders:
    pasi = user.pasi
    return Reminders(pasi.vault, user_timezone(pasi.vault.directory), pasi.clock)


@router.get("/reminders", response_model=list[ReminderOut])
def list_reminders(
    user: CurrentUser, include_done: bool = Query(False, description="Also the done ones.")
) -> list[ReminderOut]:
    """Open reminders, the next due first."""
    return [ReminderOut.of(r) for r in reminders_of(user).list(include_done=include_done)]


@router.post("/reminders", response_model=ReminderOut, status_code=201)
def add_reminder(user: CurrentUser, body: ReminderIn) -> ReminderOut:
    return ReminderOut.of(reminders_of(user).add(body.text, body.when))


@router.post("/reminders/{reminder_id}/done", response_model=ReminderOut)
def reminder_done(user: CurrentUser, reminder_id: Id) -> ReminderOut:
    return ReminderOut.of(reminders_of(user).done(reminder_id))


@router.post("/reminders/{reminder_id}/snooze", response_model=ReminderOut)
def snooze_reminder(user: CurrentUser, reminder_id: Id, body: SnoozeIn) -> ReminderOut:
    """Send it again later: '10 minutes', '1 hour', 'tomorrow at 9'."""
    return ReminderOut.of(reminders_of(user).snooze(reminder_id, body.until))


@router.delete("/reminders/{reminder_id}", status_code=204)
def delete_reminder(user: CurrentUser, reminder_id: Id) -> None:
    reminders_of(user).delete(reminder_id)
