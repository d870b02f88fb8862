"""The audit log over REST: every call to a remote model, as it left the machine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pasi.privacy.audit import AuditLog
from pasi.server.auth import CurrentUser
from pasi.server.rest.schemas import ERRORS

router = APIRouter(prefix="/api", tags=["audit"], responses=ERRORS)


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    endpoint: str | None
    model: str | None
    digest: str | None
    payload: Any = Field(description="The request as sent (pseudonymised), as JSON.")


class AuditDeletedOut(BaseModel):
    deleted: int


@router.get("/audit", response_model=list[AuditOut])
def list_audit(
    user: CurrentUser,
    limit: int = Query(50, ge=1, le=1000, description="At most this many, newest first."),
    since: datetime | None = Query(None, description="Only entries at or after this time."),
) -> list[AuditOut]:
    """What left the machine: each remote model call with its endpoint, model and request."""
    entries = AuditLog(user.pasi.vault).entries(since=since, limit=limit)
    return [AuditOut(**entry.to_json()) for entry in entries]


@router.delete("/audit", response_model=AuditDeletedOut)
def delete_audit(
    user: CurrentUser, before: datetime = Query(description="Delete the entries before this.")
) -> AuditDeletedOut:
    """Delete the log of remote calls made before ``before`` (as ``pasi audit --delete-before``)."""
    return AuditDeletedOut(deleted=AuditLog(user.pasi.vault).delete_remote_calls(before))
