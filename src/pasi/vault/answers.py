"""SQL for the ``answers`` table: what shaped each assistant reply, for ``pasi why``.

The context is stored as ids and tags, never as copies of the quoted texts, so that ``forget``
erasing a memory or a turn leaves no duplicate of it behind in this table.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pasi.clock import from_iso, to_iso


@dataclass(frozen=True)
class AnswerRecord:
    id: int
    source_id: int | None
    question_episode_id: int | None
    answer_episode_id: int | None
    model: str | None
    context: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> AnswerRecord:
        return cls(
            id=row["id"],
            source_id=row["source_id"],
            question_episode_id=row["question_episode_id"],
            answer_episode_id=row["answer_episode_id"],
            model=row["model"],
            context=json.loads(row["context"] or "{}"),
            created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        )


def insert_answer(
    conn: sqlite3.Connection,
    *,
    source_id: int | None,
    question_episode_id: int | None,
    answer_episode_id: int | None,
    model: str | None,
    context: dict[str, Any],
    now: datetime,
) -> int:
    cur = conn.execute(
        "INSERT INTO answers (source_id, question_episode_id, answer_episode_id, model, context,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            source_id,
            question_episode_id,
            answer_episode_id,
            model,
            json.dumps(context, ensure_ascii=False),
            to_iso(now),
        ),
    )
    return int(cur.lastrowid)  # type: ignore[arg-type]


def latest_answer(conn: sqlite3.Connection, source_id: int | None = None) -> AnswerRecord | None:
    """The newest answer, in one conversation (a source) or in any."""
    if source_id is None:
        row = conn.execute("SELECT * FROM answers ORDER BY id DESC LIMIT 1").fetchone()
    else:
        row = conn.execute(
            "SELECT * FROM answers WHERE source_id = ? ORDER BY id DESC LIMIT 1", (source_id,)
        ).fetchone()
    return AnswerRecord.from_row(row) if row else None
