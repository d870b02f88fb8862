"""Pending actions over REST: the web app's Approve / Deny buttons and scripts.

A side-effecting tool call that a turn held for the user's consent (the chat stream's
``confirm`` event) is listed here, approved (run exactly as stored, once) or denied. The calls
one turn held are shown together; ``POST /api/actions/approve`` (or ``/deny``) with their ids
answers them all at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pasi.agent.actions import approve, approve_all, deny, deny_all
from pasi.safety import actions as store
from pasi.safety.actions import PendingAction
from pasi.server.auth import CurrentUser
from pasi.server.rest.errors import ConflictError
from pasi.server.rest.schemas import ERRORS, Id

router = APIRouter(prefix="/api", tags=["actions"], responses=ERRORS)

StatusFilter = Literal["pending", "approved", "denied", "all"]


class ProvenanceOut(BaseModel):
    trust: str
    source: str
    tag: str | None = None


class ActionOut(BaseModel):
    id: int
    status: str
    tool: str
    effect: str
    arguments: Any  # the call's arguments exactly as they run (JSON)
    reason: str
    provenance: list[ProvenanceOut]
    conversation: str
    result: str | None
    ok: bool | None
    created_at: datetime
    decided_at: datetime | None


class ActionIds(BaseModel):
    """The actions a turn showed together, answered at once."""

    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(min_length=1, max_length=100)


def _out(action: PendingAction) -> ActionOut:
    return ActionOut(
        id=action.id, status=action.status, tool=action.tool, effect=action.effect,
        arguments=action.parsed_arguments(), reason=action.reason,
        provenance=[ProvenanceOut(**p) for p in action.provenance],
        conversation=action.conversation, result=action.result, ok=action.ok,
        created_at=action.created_at, decided_at=action.decided_at,
    )  # fmt: skip


@router.get("/actions", response_model=list[ActionOut])
def list_actions(user: CurrentUser, status: StatusFilter = "pending") -> list[ActionOut]:
    """Actions waiting for the user's consent (or, with ``status``, decided ones)."""
    found = store.list_actions(user.pasi.vault.read(), None if status == "all" else status)
    return [_out(action) for action in found]


def _pending(user: CurrentUser, action_id: int) -> None:
    action = store.get_action(user.pasi.vault.read(), action_id)  # 404 when unknown
    if action.status != "pending":
        raise ConflictError(f"action {action_id} was already {action.status}; nothing was done")


@router.post("/actions/{action_id}/approve", response_model=ActionOut)
def approve_action(user: CurrentUser, action_id: Id) -> ActionOut:
    """Run the stored call exactly as shown; its result joins the conversation."""
    _pending(user, action_id)
    decision = approve(user.pasi.memory, action_id, clock=user.pasi.clock)
    return _out(decision.action)


@router.post("/actions/{action_id}/deny", response_model=ActionOut)
def deny_action(user: CurrentUser, action_id: Id) -> ActionOut:
    """Refuse the call: it never runs, and the refusal joins the conversation."""
    _pending(user, action_id)
    return _out(deny(user.pasi.memory, action_id, clock=user.pasi.clock).action)


@router.post("/actions/approve", response_model=list[ActionOut])
def approve_actions(user: CurrentUser, body: ActionIds) -> list[ActionOut]:
    """Run every listed action (those a turn showed together), in order, with one answer;
    nothing runs when one of them was already decided."""
    for action_id in body.ids:
        _pending(user, action_id)
    decisions = approve_all(user.pasi.memory, body.ids, clock=user.pasi.clock)
    return [_out(decision.action) for decision in decisions]


@router.post("/actions/deny", response_model=list[ActionOut])
def deny_actions(user: CurrentUser, body: ActionIds) -> list[ActionOut]:
    """Refuse every listed action with one answer; none of them runs."""
    for action_id in body.ids:
        _pending(user, action_id)
    decisions = deny_all(user.pasi.memory, body.ids, clock=user.pasi.clock)
    return [_out(decision.action) for decision in decisions]
