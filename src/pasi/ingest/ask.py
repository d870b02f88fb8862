"""Answer common questions about the user's files without a language model.

"emails from Anna last month", "what's on my calendar next week", "how many times did I meet
Anna in 2024": the question is parsed into a time range (pasi.memory.timeref), a person (the
entities built from contacts, mail, calendars and chats), a kind of record (email, event,
contact, a CSV table) and a shape (a count or a list). Those become filters over items; the
words that are left go to text search (``MemoryStore.recall``). Every answer cites its rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pasi.clock import to_iso
from pasi.ingest import ask_tables
from pasi.ingest.people import normalise_name
from pasi.memory.retrieval import Recalled
from pasi.memory.store import MemoryStore
from pasi.memory.timeref import TimeRange, find_time_range

_KINDS = [
    ("email", re.compile(r"\b(e-?mails?|mails?|wrote|sent|inbox|messages? from)\b")),
    (
        "event",
        re.compile(
            r"\b(calendar|meet|meets|met|meeting|meetings|events?|appointments?|"
            r"schedule[ds]?|agenda|on my plate)\b"
        ),
    ),
    ("contact", re.compile(r"\b(contacts?|phone|number|email address|birthday)\b")),
]
_COUNT = re.compile(r"\bhow (many|often)\b")
_FROM = re.compile(r"\bfrom\s+(\w[\w .'-]*)")


@dataclass
class Question:
    text: str
    kind: str | None = None
    period: TimeRange | None = None
    person: tuple[int, str] | None = None  # entity id and name
    sender_only: bool = False  # "emails from Anna": Anna sent them
    count: bool = False


@dataclass
class Answer:
    question: Question
    summary: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    recalled: list[Recalled] = field(default_factory=list)
    value: float | None = None  # the figure a money question asks for (pasi.ingest.ask_tables)
    unit: str | None = None  # its currency, or "transactions" for a count
    sql: str | None = None  # the read-only query that computed it
    notes: list[str] = field(default_factory=list)  # the reading chosen, and the others


def _tables(store: MemoryStore) -> list[str]:
    rows = store.vault.read().execute("SELECT DISTINCT kind FROM items WHERE kind LIKE 'row:%'")
    return [r[0].removeprefix("row:") for r in rows]


def _person(store: MemoryStore, text: str) -> tuple[int, str] | None:
    """The entity the question names: full name or alias first, then a unique first name."""
    question = f" {normalise_name(text)} "
    rows = (
        store.vault.read()
        .execute("SELECT id, name, aliases FROM entities WHERE kind = 'person'")
        .fetchall()
    )
    firsts: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        names = [row["name"], *json.loads(row["aliases"])]
        for name in names:
            key = normalise_name(name)
            if key and "@" not in key and f" {key} " in question and " " in key:
                return row["id"], row["name"]
            if key and "@" not in key:
                firsts.setdefault(key.split()[0], []).append((row["id"], row["name"]))
    for word in question.split():
        candidates = {c[0]: c for c in firsts.get(word, [])}
        if len(candidates) == 1 and len(word) > 2:
            return next(iter(candidates.values()))
    return None


def parse_question(store: MemoryStore, text: str, now: datetime) -> Question:
    lowered = text.lower()
    question = Question(text, period=find_time_range(text, now), count=bool(_COUNT.search(lowered)))
    for table in _tables(store):
        if re.search(rf"\b{re.escape(table.replace('_', ' '))}\b", lowered.replace("_", " ")):
            question.kind = f"row:{table}"
    for kind, pattern in _KINDS:
        if question.kind is None and pattern.search(lowered):
            question.kind = kind
    question.person = _person(store, text)
    if question.person and question.kind == "email":
        match = _FROM.search(lowered)
        question.sender_only = bool(match and normalise_name(question.person[1]).split()[0]
                                    in normalise_name(match.group(1)))  # fmt: skip
    return question


def _item_query(question: Question) -> tuple[str, list[Any]]:
    where, params = ["1 = 1"], []
    if question.kind:
        where.append("i.kind = ?")
        params.append(question.kind)
    if question.period:
        where.append("i.at >= ? AND i.at < ?")
        params += [to_iso(question.period.start), to_iso(question.period.end)]
    if question.person:
        roles = "AND l.role = 'from'" if question.sender_only else ""
        where.append(
            f"i.id IN (SELECT l.item_id FROM entity_links l WHERE l.entity_id = ? {roles})"
        )
        params.append(question.person[0])
    sql = (
        "SELECT i.id, i.kind, i.title, i.at, i.fields, s.uri FROM items i"
        f" JOIN sources s ON s.id = i.source_id WHERE {' AND '.join(where)}"
    )
    return sql, params


def ask(store: MemoryStore, text: str, *, limit: int = 20, now: datetime | None = None) -> Answer:
    """Answer from items when the question has a shape we know; otherwise search the text."""
    now = now or store.clock()
    question = parse_question(store, text, now)
    tabular = question.kind is None or question.kind.startswith("row:")
    if tabular or (question.kind == "contact" and ask_tables.is_money_question(text)):
        figured = ask_tables.answer(store.vault, text, now, limit=limit)
        if figured is not None:
            return Answer(question, figured.summary, figured.rows, figured.total, [],
                          figured.value, figured.unit, figured.sql, figured.notes)  # fmt: skip
    structured = question.kind is not None or question.person is not None
    if not structured:
        recalled = store.recall(text, k=limit, at=now)
        return Answer(question, f"{len(recalled)} passage(s) matching the question", [], 0,
                      recalled)  # fmt: skip
    sql, params = _item_query(question)
    conn = store.vault.read()
    total = conn.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0]
    order = "DESC" if question.kind in ("email", None) else "ASC"
    rows = conn.execute(f"{sql} ORDER BY i.at {order} LIMIT ?", [*params, limit]).fetchall()
    cited = [_row(r) for r in rows]
    recalled = [] if total else store.recall(text, k=min(limit, 5), at=now)
    answer = Answer(question, _summary(question, total), cited, total, recalled)
    if question.kind == "event" and _DURATION.search(text.lower()):
        _add_hours(store, answer, sql, params)
    return answer


_DURATION = re.compile(r"\bhow (many|much) (hours?|minutes?|time)\b|\bhow long\b")


def _add_hours(store: MemoryStore, answer: Answer, sql: str, params: list[Any]) -> None:
    """ "How many hours in meetings with Anna last month": the events' durations, summed (an
    all-day event or one without an end counts nothing, and is said)."""
    total = (
        f"SELECT ROUND(SUM((julianday(json_extract(i.fields, '$.end_utc')) - julianday(i.at))"
        f" * 24), 2) AS hours, COUNT(json_extract(i.fields, '$.end_utc')) AS timed FROM ({sql}) i"
        " WHERE NOT coalesce(json_extract(i.fields, '$.all_day'), 0)"
    )
    hours, timed = store.vault.read().execute(total, params).fetchone()
    answer.value, answer.unit, answer.sql = hours or 0.0, "hours", total
    answer.summary = f"{answer.value:g} hours in " + answer.summary
    if timed < answer.total:
        answer.notes.append(f"{answer.total - timed} all-day or open-ended event(s) not counted.")


def _row(row: Any) -> dict[str, Any]:
    fields = json.loads(row["fields"])
    detail = fields.get("from") or fields.get("location") or fields.get("snippet")
    return {"id": row["id"], "kind": row["kind"], "title": row["title"], "at": row["at"],
            "detail": detail, "source": row["uri"]}  # fmt: skip


def _summary(question: Question, total: int) -> str:
    what = {"email": "email", "event": "calendar event", "contact": "contact"}.get(
        question.kind or "", (question.kind or "record").removeprefix("row:") + " row"
    )
    parts = [f"{total} {what}{'' if total == 1 else 's'}"]
    if question.person:
        parts.append(("from " if question.sender_only else "with ") + question.person[1])
    if question.period:
        parts.append(f"in {question.period.phrase} ({question.period.start.date()} to "
                     f"{question.period.end.date()}, end exclusive)")  # fmt: skip
    return " ".join(parts)
