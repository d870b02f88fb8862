"""Calendars (.ics) through icalendar and recurring-ical-events.

Recurring events are expanded into one ``event`` item per occurrence inside a window around
now (``window_days`` back and forward), so "what's on my calendar next week" is a range query.
Each occurrence keeps its own time zone: a weekly 09:00 meeting in Europe/Berlin stays at 09:00
local time across the daylight-saving change (its UTC time moves by an hour), and ``at`` holds
the UTC instant for sorting. Each event (not each occurrence) also becomes one searchable chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pasi.clock import Clock, system_clock
from pasi.ingest.document import Chunk, Document, IngestError, Item, Person, file_uri, read_text


def _instant(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _tz_name(value: date | datetime) -> str | None:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return str(getattr(value.tzinfo, "key", None) or value.tzinfo)
    return None


def _address(value: Any) -> str | None:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.lower() if "@" in text else None


def _attendees(event: Any, at: datetime) -> list[Person]:
    people = []
    raw = event.get("ATTENDEE") or []
    for value in raw if isinstance(raw, list) else [raw]:
        name = value.params.get("CN") if hasattr(value, "params") else None
        address = _address(value)
        if address or name:
            people.append(Person(name, emails=(address,) if address else (), role="attendee",
                                 at=at))  # fmt: skip
    organizer = event.get("ORGANIZER")
    if organizer is not None:
        address = _address(organizer)
        name = organizer.params.get("CN") if hasattr(organizer, "params") else None
        if address or name:
            people.append(Person(name, emails=(address,) if address else (), role="organizer",
                                 at=at))  # fmt: skip
    return people


def _occurrence(event: Any) -> Item:
    start = event.get("DTSTART").dt
    end_prop = event.get("DTEND")
    end = end_prop.dt if end_prop is not None else None
    at = _instant(start).astimezone(UTC)
    title = str(event.get("SUMMARY", "") or "(untitled event)")
    people = _attendees(event, at)
    fields = {
        "uid": str(event.get("UID", "")),
        "start": start.isoformat(),
        "end": end.isoformat() if end is not None else None,
        "end_utc": _instant(end).astimezone(UTC).isoformat() if end is not None else None,
        "timezone": _tz_name(start),
        "all_day": not isinstance(start, datetime),
        "location": str(event.get("LOCATION", "") or "") or None,
        "description": str(event.get("DESCRIPTION", "") or "") or None,
        "recurring": event.get("RRULE") is not None or event.get("RECURRENCE-ID") is not None,
        "attendees": [p.emails[0] if p.emails else p.name for p in people if p.role == "attendee"],
        "organizer": next(
            (p.emails[0] if p.emails else p.name for p in people if p.role == "organizer"), None
        ),
    }
    return Item("event", title, at, fields, tuple(people))


def _chunk(item: Item) -> Chunk:
    fields = item.fields
    parts = [f"Event: {item.title}"]
    if fields["location"]:
        parts.append(f"at {fields['location']}")
    text = " ".join(parts) + f" ({fields['start']})"
    if fields["description"]:
        text += "\n" + fields["description"]
    if fields["attendees"]:
        text += "\nWith: " + ", ".join(str(a) for a in fields["attendees"])
    return Chunk(text, f"UID {fields['uid']}", at=item.at, session="calendar")


class IcsConnector:
    name = "ics"

    def __init__(self, clock: Clock = system_clock, window_days: int = 730) -> None:
        self.clock = clock
        self.window = timedelta(days=window_days)

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in (".ics", ".ical", ".ifb")

    def read(self, path: Path) -> Iterator[Document]:
        import icalendar
        import recurring_ical_events

        text = read_text(path)
        try:
            calendar = icalendar.Calendar.from_ical(text)
            now = self.clock()
            events = recurring_ical_events.of(calendar).between(
                now - self.window, now + self.window
            )
            items = [_occurrence(e) for e in events if e.get("DTSTART") is not None]
        except Exception as error:  # icalendar and dateutil raise many types on bad input
            raise IngestError(f"{path}: not a readable calendar ({type(error).__name__}: "
                              f"{error})") from None  # fmt: skip
        items.sort(key=lambda i: i.at or datetime.min.replace(tzinfo=UTC))
        first_per_uid = {}
        for item in items:
            first_per_uid.setdefault(item.fields["uid"] or item.title, item)
        name = calendar.get("X-WR-CALNAME")
        yield Document(
            uri=file_uri(path),
            title=str(name) if name else path.stem,
            kind="calendar",
            chunks=[_chunk(item) for item in first_per_uid.values()],
            items=items,
            modified=datetime.fromtimestamp(path.stat().st_mtime, UTC),
            # Invitations carry titles, descriptions and locations their organisers wrote:
            # text others can aim at the assistant (pasi.safety.provenance).
            trust="external",
        )
