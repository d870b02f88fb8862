"""Goals over REST: create, edit, check in (progress with milestones), close (as `pasi goals`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pasi.life.goals import MAX_TEXT, Goal, Goals
from pasi.life.service import user_timezone
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS, Id

router = APIRouter(prefix="/api", tags=["goals"], responses=ERRORS)

Text = Field(min_length=1, max_length=MAX_TEXT)


class MilestoneOut(BaseModel):
    text: str
    done_at: datetime | None


class ProgressOut(BaseModel):
    id: int
    note: str
    at: datetime
    evidence: list[int] = Field(description="The turns that reported it ([t..]).")


class GoalOut(BaseModel):
    id: int
    title: str
    why: str | None
    status: str
    due: datetime | None
    check_in: str | None
    next_check_in: datetime | None
    milestones: list[MilestoneOut]
    progress: list[ProgressOut] = Field(description="Oldest first.")
    created_at: datetime
    completed_at: datetime | None

    @classmethod
    def of(cls, g: Goal) -> GoalOut:
        return cls(
            id=g.id, title=g.title, why=g.why, status=g.status, due=g.due, check_in=g.check_in,
            next_check_in=g.next_check_in,
            milestones=[MilestoneOut(text=m.text, done_at=m.done_at) for m in g.milestones],
            progress=[ProgressOut(id=p.id, note=p.note, at=p.at, evidence=list(p.evidence))
                      for p in g.progress],
            created_at=g.created_at, completed_at=g.completed_at,
        )  # fmt: skip


class GoalIn(BaseModel):
    title: str = Text
    why: str | None = Field(default=None, max_length=MAX_TEXT)
    milestones: list[str] = Field(default_factory=list, max_length=50)
    check_in: str | None = Field(default=None, max_length=200, description="'every Sunday'.")
    due: str | None = Field(default=None, max_length=200, description="'end of April'.")


class GoalEditIn(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    why: str | None = Field(default=None, max_length=MAX_TEXT, description="'' clears it.")


class ProgressIn(BaseModel):
    note: str = Text
    milestone: int | None = Field(default=None, ge=1, le=50, description="Reached (from 1).")


class MilestoneIn(BaseModel):
    text: str = Text


class CloseIn(BaseModel):
    status: Literal["done", "abandoned"] = "done"


def goals_of(user: CurrentUser) -> Goals:
    pasi = user.pasi
    return Goals(pasi.vault, user_timezone(pasi.vault.directory), pasi.clock)


@router.get("/goals", response_model=list[GoalOut])
def list_goals(
    user: CurrentUser, status: Literal["active", "done", "abandoned", "all"] = "active"
) -> list[GoalOut]:
    found = goals_of(user).list(status=None if status == "all" else status)
    return [GoalOut.of(g) for g in found]


@router.post("/goals", response_model=GoalOut, status_code=201)
def add_goal(user: CurrentUser, body: GoalIn) -> GoalOut:
    goal = goals_of(user).add(
        body.title, why=body.why, milestones=body.milestones, check_in=body.check_in, due=body.due
    )
    return GoalOut.of(goal)


@router.get("/goals/{goal_id}", response_model=GoalOut)
def show_goal(user: CurrentUser, goal_id: Id) -> GoalOut:
    return GoalOut.of(goals_of(user).get(goal_id))


@router.patch("/goals/{goal_id}", response_model=GoalOut)
def edit_goal(user: CurrentUser, goal_id: Id, body: GoalEditIn) -> GoalOut:
    return GoalOut.of(goals_of(user).edit(goal_id, title=body.title, why=body.why))


@router.post("/goals/{goal_id}/progress", response_model=GoalOut, status_code=201)
def check_in(user: CurrentUser, goal_id: Id, body: ProgressIn) -> GoalOut:
    """A check-in: a progress note, optionally marking a milestone reached."""
    goals = goals_of(user)
    goals.record_progress(goal_id, body.note, milestone=body.milestone)
    return GoalOut.of(goals.get(goal_id))


@router.post("/goals/{goal_id}/milestones", response_model=GoalOut, status_code=201)
def add_milestone(user: CurrentUser, goal_id: Id, body: MilestoneIn) -> GoalOut:
    return GoalOut.of(goals_of(user).add_milestone(goal_id, body.text))


@router.post("/goals/{goal_id}/close", response_model=GoalOut)
def close_goal(user: CurrentUser, goal_id: Id, body: CloseIn) -> GoalOut:
    """Finish or drop a goal; its check-ins stop."""
    return GoalOut.of(goals_of(user).close(goal_id, body.status))
