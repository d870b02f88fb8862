"""What was recorded and seen yesterday, for the brief: the recordings ingested (their file,
start time and length) and how many screen captures were kept, in which applications.

Only counts and names, never what was said or shown: the brief says where to look, and
`pasi recall` / the chat answer what was in them. Captured screens are sources kept on this
machine, so their line is withheld from a remote model like every other such source.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, time, timedelta

from pasi.clock import from_iso, to_iso
from pasi.life.charter import Charter

LISTED = 3  # recordings named; the rest counted
APPS = 3  # applications named


def _bounds(charter: Charter, day: date) -> tuple[str, str]:
    start = datetime.combine(day, time(0), tzinfo=charter.timezone)
    return to_iso(start), to_iso(start + timedelta(days=1))


def recording_lines(
    conn: sqlite3.Connection, charter: Charter, day: date
) -> list[tuple[str, str, str, tuple[tuple[str, int], ...]]]:
    """(text, cite, source, basis) of each recording that started on ``day``."""
    start, end = _bounds(charter, day)
    rows = conn.execute(
        "SELECT i.id, i.title, i.at, i.fields, s.uri FROM items i JOIN sources s"
        " ON s.id = i.source_id WHERE i.kind = 'recording' AND i.at >= ? AND i.at < ?"
        " ORDER BY i.at",
        (start, end),
    ).fetchall()
    lines = []
    for row in rows[:LISTED]:
        at = from_iso(row["at"])
        seconds = float(json.loads(row["fields"]).get("seconds", 0))
        length = f"{round(seconds)} s" if seconds < 90 else f"{round(seconds / 60)} min"
        when = charter.local(at).strftime("%H:%M") if at else "?"
        text = f"Recording {row['title']} at {when}, {length}"
        lines.append((text, f"i{row['id']}", row["uri"], (("item", row["id"]),)))
    if len(rows) > LISTED:
        more = rows[LISTED:]
        text = f"and {len(more)} more recording(s)"
        lines.append(
            (text, f"i{more[0]['id']}", more[0]["uri"], tuple(("item", r["id"]) for r in more))
        )
    return lines


def capture_line(
    conn: sqlite3.Connection, charter: Charter, day: date
) -> tuple[str, str, str, tuple[tuple[str, int], ...]] | None:
    """One line counting the screen captures kept on ``day``, with their top applications."""
    start, end = _bounds(charter, day)
    rows = conn.execute(
        "SELECT s.id, s.uri, e.speaker, COUNT(*) AS n FROM episodes e JOIN sources s"
        " ON s.id = e.source_id WHERE s.kind = 'capture' AND e.occurred_at >= ?"
        " AND e.occurred_at < ? GROUP BY s.id, e.speaker ORDER BY n DESC",
        (start, end),
    ).fetchall()
    if not rows:
        return None
    total = sum(r["n"] for r in rows)
    apps = [r["speaker"] for r in rows if r["speaker"]][:APPS]
    text = f"{total} screen capture(s) kept" + (f", mostly {', '.join(apps)}" if apps else "")
    basis = tuple(("source", r["id"]) for r in rows)
    return text, rows[0]["uri"], rows[0]["uri"], basis
