"""The audit log of what left the machine: one row per call to a remote model.

Each row says when, which endpoint and model, who asked (``actor``: the chat, the background
learner), and holds the request exactly as it was sent, already pseudonymised, with its SHA-256
digest. The user can read precisely what a cloud provider received (``pasi audit``); the names
and numbers behind the placeholders never reach this table either, since the mapping lives in
memory only. Rows are written before the request goes out, so a call that fails is logged too.
The log keeps what was sent even after the user forgets a memory that was part of it (that is
what happened); ``pasi audit --delete-before`` removes old entries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pasi.clock import Clock, from_iso, system_clock, to_iso
from pasi.vault.sqlite import SQLiteVault

REMOTE_CALL = "remote_model_call"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    endpoint: str | None
    model: str | None
    digest: str | None
    payload: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": to_iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "endpoint": self.endpoint,
            "model": self.model,
            "digest": self.digest,
            "payload": json.loads(self.payload) if self.payload else None,
        }


def digest(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AuditLog:
    """Writes and reads the ``audit`` table of one vault."""

    def __init__(self, vault: SQLiteVault, clock: Clock = system_clock) -> None:
        self.vault = vault
        self.clock = clock

    def record_remote_call(
        self, *, actor: str, endpoint: str, model: str, payload: dict[str, Any]
    ) -> int:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        with self.vault.write() as conn:
            cur = conn.execute(
                "INSERT INTO audit (at, actor, action, digest, payload, endpoint, model)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (to_iso(self.clock()), actor, REMOTE_CALL, digest(text), text, endpoint, model),
            )
            return int(cur.lastrowid)  # type: ignore[arg-type]

    def delete_remote_calls(self, before: datetime) -> int:
        """Remove the log of remote calls made before ``before``; the user's right, since it
        holds (pseudonymised) text that ``forget`` does not reach."""
        with self.vault.write() as conn:
            cur = conn.execute(
                "DELETE FROM audit WHERE action = ? AND at < ?", (REMOTE_CALL, to_iso(before))
            )
            return cur.rowcount

    def entries(
        self, *, since: datetime | None = None, action: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """Newest first."""
        where, params = [], []
        if since is not None:
            where.append("at >= ?")
            params.append(to_iso(since))
        if action is not None:
            where.append("action = ?")
            params.append(action)
        sql = "SELECT id, at, actor, action, endpoint, model, digest, payload FROM audit"
        sql += (" WHERE " + " AND ".join(where)) if where else ""
        rows = self.vault.read().execute(
            sql + " ORDER BY at DESC, id DESC LIMIT ?", (*params, limit)
        )
        return [
            AuditEntry(r[0], from_iso(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])  # type: ignore[arg-type]
            for r in rows
        ]
