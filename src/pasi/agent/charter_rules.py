"""The charter's rules applied to a finished turn: no bait, a budget note, a consent question.

Kept apart from the tool loop so the assistant calls one function: the answer comes back with
trailing bait questions removed (:func:`pasi.life.engagement.strip_bait`), plus the notices the
user should see beside it, each given once: the day's chat budget reached (once a day), and a
question about keeping sensitive memories (once per kind, ever).
"""

from __future__ import annotations

from datetime import datetime, time

from pasi.agent.events import Notice
from pasi.clock import from_iso, to_iso
from pasi.life.charter import Charter, load_charter
from pasi.life.engagement import budget_note, budget_reached, chat_minutes, strip_bait
from pasi.memory.sensitive import classify
from pasi.memory.store import MemoryStore
from pasi.vault import consent


def consent_question(kind: str) -> str:
    return (
        f"You mentioned something about your {kind}. I keep {kind} details as memories only if "
        f"you agree, and they never leave this machine. Your words stay in this conversation "
        f"either way. To agree: `pasi consent {kind} yes` (or `no`)."
    )


def turn_times_today(memory: MemoryStore, source_uri: str, charter: Charter, now: datetime):
    """The times of this conversation's turns on the user's local day (from its midnight)."""
    midnight = datetime.combine(charter.local_day(now), time(0), tzinfo=charter.timezone)
    rows = memory.vault.read().execute(
        "SELECT e.occurred_at FROM episodes e JOIN sources s ON s.id = e.source_id"
        " WHERE s.uri = ? AND e.occurred_at >= ?",
        (source_uri, to_iso(midnight)),
    )
    return [t for t in (from_iso(row[0]) for row in rows) if t is not None]


def apply_charter(
    memory: MemoryStore, message: str, text: list[str], now: datetime, source_uri: str
) -> tuple[list[str], list[Notice]]:
    """The answer's pieces without trailing bait, and the notices to show with it."""
    charter = load_charter(memory.vault.directory)
    answer = "".join(text)
    kept = strip_bait(answer, message)
    pieces = text if kept == answer.rstrip() or kept == answer else [kept]
    notices = _budget_notice(memory, charter, now, source_uri)
    return pieces, notices + ask_consent(memory, message, now)


def _budget_notice(
    memory: MemoryStore, charter: Charter, now: datetime, source_uri: str
) -> list[Notice]:
    """The day's budget note when it is due. Once given (or with no budget), a turn reads one
    row and neither counts the day's turns nor opens a write."""
    day = charter.local_day(now).isoformat()
    if charter.daily_budget_minutes is None:
        return []
    if consent.was_noted(memory.vault.read(), day, "budget"):
        return []
    minutes = chat_minutes(turn_times_today(memory, source_uri, charter, now), charter, now)
    if not budget_reached(charter, minutes):
        return []
    with memory.vault.write() as conn:  # a write only then: most turns write nothing here
        if consent.note_once(conn, day, "budget", now):
            return [Notice(budget_note(charter, minutes), "budget")]
    return []


def ask_consent(memory: MemoryStore, message: str, now: datetime) -> list[Notice]:
    """A consent question for each sensitive kind the message touches, the first time only.
    Once every such kind was asked, a turn reads and opens no write."""
    known = memory.vault.read()
    kinds = [kind for kind in classify(message) if consent.consent_status(known, kind) is None]
    if not kinds:
        return []
    with memory.vault.write() as conn:
        asked = [kind for kind in kinds if consent.mark_asked(conn, kind, now)]
    return [Notice(consent_question(kind), "consent") for kind in asked]
