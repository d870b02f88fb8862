"""Pending actions and the audit of side effects, in the vault.

A side-effecting tool call that needs the user's consent is kept here exactly as the model
asked for it (tool name and argument JSON), with the reason it waits and the external
sources the turn had read. Approving runs that stored call, nothing else; denying records the
refusal. Every side-effecting call that runs is written to ``audit``: the tool, its effect,
a digest of its arguments (not the text: ``forget`` must be able to erase what a memory said),
whether it worked and the ids it touched.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pasi.clock import from_iso, to_iso
from pasi.errors import InputError, NotFoundError

Status = Literal["pending", "approved", "denied"]
STATUSES: tuple[str, ...] = ("pending", "approved", "denied")


@dataclass(frozen=True)
class PendingAction:
    id: int
    status: str
    tool: str
    effect: str
    arguments: str  # the call's JSON, exactly as it will run
    reason: str
    provenance: list[dict[str, Any]]
    conversation: str
    question_episode_id: int | None
    result: str | None
    ok: bool | None
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> PendingAction:
        return cls(
            id=row["id"],
            status=row["status"],
            tool=row["tool"],
            effect=row["effect"],
            arguments=row["arguments"],
            reason=row["reason"],
            provenance=json.loads(row["provenance"]),
            conversation=row["conversation"],
            question_episode_id=row["question_episode_id"],
            result=row["result"],
            ok=None if row["ok"] is None else bool(row["ok"]),
            created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
            decided_at=from_iso(row["decided_at"]),
        )

    def parsed_arguments(self) -> Any:
        try:
            return json.loads(self.arguments or "{}")
        except json.JSONDecodeError:
            return self.arguments

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "tool": self.tool,
            "effect": self.effect,
            "arguments": self.parsed_arguments(),
            "reason": self.reason,
            "provenance": self.provenance,
            "conversation": self.conversation,
            "result": self.result,
            "ok": self.ok,
            "created_at": to_iso(self.created_at),
            "decided_at": to_iso(self.decided_at),
        }


def hold(
    conn: sqlite3.Connection,
    *,
    tool: str,
    effect: str,
    arguments: str,
    reason: str,
    provenance: list[dict[str, Any]],
    conversation: str,
    question_episode_id: int | None,
    now: datetime,
) -> int:
    cur = conn.execute(
        "INSERT INTO pending_actions (tool, effect, arguments, reason, provenance, conversation,"
        " question_episode_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            tool, effect, arguments, reason, json.dumps(provenance, ensure_ascii=False),
            conversation, question_episode_id, to_iso(now),
        ),
    )  # fmt: skip
    return int(cur.lastrowid)  # type: ignore[arg-type]


def get_action(conn: sqlite3.Connection, action_id: int) -> PendingAction:
    row = conn.execute("SELECT * FROM pending_actions WHERE id = ?", (action_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"there is no action {action_id}: `pasi actions list` shows them")
    return PendingAction.from_row(row)


def list_actions(conn: sqlite3.Connection, status: str | None = "pending") -> list[PendingAction]:
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown action status '{status}': use one of {', '.join(STATUSES)}")
    if status is None:
        rows = conn.execute("SELECT * FROM pending_actions ORDER BY id")
    else:
        rows = conn.execute("SELECT * FROM pending_actions WHERE status = ? ORDER BY id", (status,))
    return [PendingAction.from_row(r) for r in rows]


def claim(conn: sqlite3.Connection, action_id: int, status: Status, now: datetime) -> PendingAction:
    """Mark a pending action decided; a second decision on it is refused, not repeated."""
    action = get_action(conn, action_id)
    if action.status != "pending":
        raise InputError(f"action {action_id} was already {action.status}; nothing was done")
    conn.execute(
        "UPDATE pending_actions SET status = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
        (status, to_iso(now), action_id),
    )
    return get_action(conn, action_id)


def record_result(conn: sqlite3.Connection, action_id: int, result: str, ok: bool) -> None:
    conn.execute(
        "UPDATE pending_actions SET result = ?, ok = ? WHERE id = ?", (result, int(ok), action_id)
    )


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def audit_tool_call(
    conn: sqlite3.Connection,
    *,
    tool: str,
    effect: str,
    arguments: str,
    ok: bool,
    now: datetime,
    actor: str = "assistant",
    data: dict[str, Any] | None = None,
    action_id: int | None = None,
) -> int:
    """One side-effecting call, for ``audit``: what ran, not what it said."""
    payload = {"tool": tool, "effect": effect, "ok": ok, "data": data or {}}
    if action_id is not None:
        payload["action_id"] = action_id
    cur = conn.execute(
        "INSERT INTO audit (at, actor, action, digest, payload) VALUES (?, ?, ?, ?, ?)",
        (to_iso(now), actor, f"tool:{tool}", digest(arguments), json.dumps(payload)),
    )
    return int(cur.lastrowid)  # type: ignore[arg-type]
