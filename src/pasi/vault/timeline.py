"""Life at a glance: what the vault holds month by month (the web app's timeline).

Memories are counted by the month they were recorded (learnt), current ones only (not
replaced, not ended); passages and conversation turns by the month they happened (their
``occurred_at``, else when they were stored), per source. Months are calendar months of the
user's time zone (``YYYY-MM``): a memory recorded at 23:30 on 31 March in New York is March's,
although the vault stores it as 04:30 UTC on 1 April.

The vault stores UTC text, and SQLite knows no time zones. No zone is more than 14 hours from
UTC, so a time on the 2nd to the 27th of a UTC month is in that month everywhere: those are
grouped by their UTC month in SQL, and only times on the first and last days of a month are
grouped by the second and placed in their local month here.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from pasi.clock import to_iso
from pasi.errors import InputError
from pasi.vault.memories import get_memories
from pasi.vault.records import Memory

_CURRENT = "superseded_by IS NULL AND valid_to IS NULL"
_HAPPENED = "COALESCE(e.occurred_at, e.recorded_at)"


@dataclass(frozen=True)
class SourceMonth:
    """One source's passages (or turns) in one month."""

    month: str
    source_id: int
    kind: str
    uri: str
    title: str | None
    count: int


def _bucket(column: str) -> str:
    """SQL for a time's group: its UTC month mid-month, else the time to the second."""
    return (
        f"CASE WHEN substr({column}, 9, 2) BETWEEN '02' AND '27' THEN substr({column}, 1, 7)"
        f" ELSE substr({column}, 1, 19) END"
    )


def local_month(bucket: str, zone: tzinfo) -> str:
    """The user's month of a group from :func:`_bucket`."""
    if len(bucket) <= 7:
        return bucket
    try:
        at = datetime.fromisoformat(bucket).replace(tzinfo=UTC)
    except ValueError:  # not a time pasi wrote: its UTC month, as before
        return bucket[:7]
    return at.astimezone(zone).strftime("%Y-%m")


def month_bounds(month: str, zone: tzinfo) -> tuple[str, str]:
    """The UTC text of the start of ``month`` in ``zone`` and of the month after."""
    year, number = (int(part) for part in month.split("-"))
    if not (1 <= number <= 12 and 1 <= year <= 9998):
        raise InputError(f"'{month}' is not a month: write YYYY-MM, e.g. 2024-03")
    after = (year + 1, 1) if number == 12 else (year, number + 1)
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(after[0], after[1], 1, tzinfo=zone)
    return str(to_iso(start)), str(to_iso(end))


def memory_counts(conn: sqlite3.Connection, zone: tzinfo = UTC) -> list[tuple[str, str, int]]:
    """(month, kind, count) of the current memories, oldest month first."""
    rows = conn.execute(
        f"SELECT {_bucket('recorded_at')} AS b, kind, COUNT(*) FROM memories"
        f" WHERE {_CURRENT} GROUP BY b, kind"
    )
    counts: Counter[tuple[str, str]] = Counter()
    for bucket, kind, count in rows:
        counts[(local_month(bucket, zone), kind)] += int(count)
    return [(month, kind, n) for (month, kind), n in sorted(counts.items())]


def source_months(
    conn: sqlite3.Connection, month: str | None = None, zone: tzinfo = UTC
) -> list[SourceMonth]:
    """Each source's passages per month (only ``month``'s when given), oldest month first,
    the most passages first within a month."""
    where, params = "", ()
    if month:
        where, params = f" WHERE {_HAPPENED} >= ? AND {_HAPPENED} < ?", month_bounds(month, zone)
    rows = conn.execute(
        f"SELECT {_bucket(_HAPPENED)} AS b, s.id, s.kind, s.uri, s.title, COUNT(*)"
        f" FROM episodes e JOIN sources s ON s.id = e.source_id{where} GROUP BY b, s.id",
        params,
    )
    counts: Counter[tuple[str, int]] = Counter()
    about: dict[int, tuple[str, str, str | None]] = {}
    for bucket, source_id, kind, uri, title, count in rows:
        counts[(local_month(bucket, zone), source_id)] += int(count)
        about[source_id] = (kind, uri, title)
    found = [SourceMonth(m, s, *about[s], n) for (m, s), n in counts.items()]
    return sorted(found, key=lambda row: (row.month, -row.count, row.source_id))


def memories_of_month(
    conn: sqlite3.Connection, month: str, limit: int, zone: tzinfo = UTC
) -> list[Memory]:
    """The current memories recorded in ``month``, newest first."""
    rows = conn.execute(
        f"SELECT id FROM memories WHERE {_CURRENT} AND recorded_at >= ? AND recorded_at < ?"
        " ORDER BY recorded_at DESC, id DESC LIMIT ?",
        (*month_bounds(month, zone), limit),
    )
    return list(get_memories(conn, [row[0] for row in rows]).values())
