"""The charter, consent for sensitive memories and the daily brief over REST.

A user of the web app answers the chat's consent question here (``POST /api/consent/health``),
changes their charter (quiet hours, chat budget, morning brief) and reads today's brief,
without a terminal. The same functions as ``pasi charter``, ``pasi consent`` and ``pasi brief``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pasi.life.brief import sync_morning_brief, write_brief
from pasi.life.charter import load_charter, set_charter_field
from pasi.memory.sensitive import answer_consent
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS
from pasi.vault.consent import all_consent, held_episodes

router = APIRouter(prefix="/api", tags=["charter"], responses=ERRORS)


class ConsentIn(BaseModel):
    agree: bool = Field(description="True to let pasi keep memories of this kind.")


@router.get("/charter")
def get_charter(user: CurrentUser) -> dict[str, Any]:
    """The user's charter (written with defaults on first use)."""
    return load_charter(user.pasi.vault.directory).to_json()


@router.patch("/charter")
def patch_charter(user: CurrentUser, fields: dict[str, str]) -> dict[str, Any]:
    """Change fields, each as ``pasi charter set`` takes it (lists separated by ';')."""
    directory = user.pasi.vault.directory
    for name, value in fields.items():
        set_charter_field(directory, name, value)  # a bad one is refused, naming the field
    sync_morning_brief(user.pasi.vault, user.pasi.clock())
    return load_charter(directory).to_json()


@router.get("/consent")
def get_consent(user: CurrentUser) -> dict[str, Any]:
    """Each sensitive kind: the user's answer (null: never asked) and the turns held for it."""
    conn = user.pasi.vault.read()
    return {
        kind: {"answer": answer, "held_turns": len(held_episodes(conn, kind))}
        for kind, answer in all_consent(conn).items()
    }


@router.post("/consent/{kind}")
def post_consent(user: CurrentUser, kind: str, body: ConsentIn) -> dict[str, Any]:
    """Answer for one kind; on yes, the turns held for it are queued for learning."""
    with user.pasi.vault.write() as conn:
        queued = answer_consent(conn, kind, body.agree, user.pasi.clock())
    return {"kind": kind, "answer": "yes" if body.agree else "no", "queued_turns": queued}


@router.get("/brief")
def get_brief(user: CurrentUser, model: bool = True) -> dict[str, Any]:
    """Today's brief, each line with its citation; ``model=false`` for the composed one."""
    chat_model = user.pasi.chat_model if model else None
    return write_brief(user.pasi.vault, user.pasi.clock(), model=chat_model).to_json()
