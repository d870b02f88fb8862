"""query_data on a real vault with a real calendar and CSV: reads, refusals, limits, schema."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar, Event, vCalAddress

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))

from files import write_csv

from pasi.clock import fixed_clock
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.models.chat import ToolCall
from pasi.tools import ToolContext, default_tools, specs
from pasi.tools import data as query_tool
from pasi.vault.sqlite import SQLiteVault

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


def write_calendar(path: Path, meetings: list[tuple[str, datetime, str | None]]) -> Path:
    """One event per (summary, start, attendee email), an hour long, written by icalendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//pasi tests//")
    calendar.add("version", "2.0")
    for number, (summary, start, attendee) in enumerate(meetings):
        event = Event()
        event.add("uid", f"event-{number}@test")
        event.add("summary", summary)
        event.add("dtstart", start)
        event.add("dtend", start.replace(hour=start.hour + 1))
        if attendee:
            address = vCalAddress(f"mailto:{attendee}")
            address.params["cn"] = attendee.split("@")[0].title()
            event.add("attendee", address, encode=0)
        calendar.add_component(event)
    path.write_bytes(calendar.to_ical())
    return path


MEETINGS = [
    ("Coffee with Anna", datetime(2023, 10, 12, 9, 0, tzinfo=UTC), "anna@example.org"),
    ("Garden planning", datetime(2023, 11, 20, 17, 0, tzinfo=UTC), "anna@example.org"),
    ("Budget review", datetime(2023, 11, 21, 10, 0, tzinfo=UTC), "ben@example.com"),
    ("Lunch with Anna", datetime(2023, 12, 15, 12, 0, tzinfo=UTC), "anna@example.org"),
    ("New year walk", datetime(2024, 1, 6, 11, 0, tzinfo=UTC), "anna@example.org"),
]


@pytest.fixture
def lexical(vault: SQLiteVault) -> MemoryStore:
    return MemoryStore(vault, None, fixed_clock(NOW))


@pytest.fixture
def ingested(lexical: MemoryStore, tmp_path: Path) -> MemoryStore:
    folder = tmp_path / "files"
    folder.mkdir()
    write_calendar(folder / "calendar.ics", MEETINGS)
    write_csv(folder / "expenses.csv")
    report = Syncer(lexical, max_bytes=10_000_000).ingest([folder])
    assert not report.failed
    return lexical


def _run(store: MemoryStore, sql: str, **extra: object):
    call = ToolCall("c1", "query_data", json.dumps({"sql": sql, **extra}))
    return default_tools().run(call, ToolContext(store))


def _items(store: MemoryStore) -> int:
    return store.vault.read().execute("SELECT COUNT(*) FROM items").fetchone()[0]


def test_a_count_over_events_runs_on_the_ingested_calendar(ingested: MemoryStore) -> None:
    result = _run(ingested, "SELECT COUNT(*) AS meetings, group_concat(id) AS ids FROM events"
                  " WHERE start_utc >= '2023-10-01' AND start_utc < '2024-01-01'"
                  " AND EXISTS (SELECT 1 FROM json_each(attendees) WHERE value LIKE 'anna@%');")  # fmt: skip
    assert result.ok, result.content
    header, row, note = result.content.splitlines()
    assert header == "meetings | ids"
    assert row.startswith("3 | [i") and row.count("[i") == 3
    assert note == "(1 row)"
    assert len(result.data["items"]) == 3 and not result.data["truncated"]


def test_selected_ids_become_citation_tags_for_existing_items_only(ingested: MemoryStore) -> None:
    result = _run(ingested, "SELECT id AS ID, summary FROM EVENTS ORDER BY start_utc LIMIT 2")
    lines = result.content.splitlines()
    first_id = result.data["items"][0]
    assert lines[0] == "ID | summary"
    assert lines[1] == f'[i{first_id}] {first_id} | "Coffee with Anna"'
    made_up = _run(ingested, "SELECT 99999 AS id, 'x' AS summary")
    assert made_up.ok and "[i" not in made_up.content and made_up.data["items"] == []


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM events",
        "UPDATE items SET title = 'gone'",
        "ATTACH DATABASE '{tmp}/other.db' AS other",
        "PRAGMA query_only = OFF",
        "SELECT 1; DELETE FROM items",
        "SELECT 1; ATTACH DATABASE '{tmp}/other.db' AS other",
        "WITH doomed AS (SELECT id FROM items) DELETE FROM items WHERE id IN doomed",
        "SELECT text FROM memories",
        "SELECT * FROM items",
        "WITH events AS (SELECT text AS summary FROM memories) SELECT summary FROM events",
        'WITH "Events"(id) AS (SELECT id FROM items) SELECT id FROM "Events"',
    ],
)
def test_anything_but_reading_the_views_is_refused_and_nothing_changes(
    ingested: MemoryStore, tmp_path: Path, sql: str
) -> None:
    before = _items(ingested)
    result = _run(ingested, sql.format(tmp=tmp_path))
    assert not result.ok
    error = json.loads(result.content)["error"]
    assert error.startswith("query_data")
    assert _items(ingested) == before
    assert not (tmp_path / "other.db").exists()


def test_a_runaway_query_is_stopped_by_the_time_limit(
    ingested: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query_tool, "TIME_LIMIT_SECONDS", 0.3)
    started = time.monotonic()
    result = _run(ingested, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"
                            " SELECT COUNT(*) FROM n")  # fmt: skip
    assert time.monotonic() - started < 3
    assert not result.ok and "time limit" in json.loads(result.content)["error"]


def test_the_row_limit_truncates_and_says_so(ingested: MemoryStore) -> None:
    result = _run(ingested, "SELECT id, summary, start_utc FROM events", max_rows=2)
    assert result.ok
    lines = result.content.splitlines()
    assert len(lines) == 4  # header, two rows, the note
    assert "MORE ROWS MATCHED" in lines[-1] and "row limit (2)" in lines[-1]
    assert result.data["truncated"] and result.data["rows"] == 2


def test_the_description_lists_the_views_with_typed_columns_from_the_live_vault(
    ingested: MemoryStore,
) -> None:
    [spec] = [s for s in specs(default_tools(), ToolContext(ingested)) if s.name == "query_data"]
    text = spec.description
    assert "events (5 rows):" in text
    assert "  attendees JSON -- array of attendee emails" in text
    assert "  start_utc TEXT -- start, ISO-8601 UTC" in text
    assert "emails (0 rows):" in text and "contacts (0 rows):" in text
    assert "csv_expenses (3 rows, CSV file 'expenses'):" in text
    for column in ("date TEXT (ISO date)", "description TEXT", "amount REAL (amount)",
                   "count INTEGER"):  # fmt: skip
        assert f"  {column}\n" in text + "\n"
    assert spec.parameters["required"] == ["sql"]


def test_a_csv_synced_before_types_were_kept_is_described_from_its_values(
    ingested: MemoryStore,
) -> None:
    with ingested.vault.write() as conn:
        conn.execute('UPDATE sources SET cursor = \'{"kinds": ["table"]}\'')
    text = query_tool.describe(ToolContext(ingested))
    assert "  amount REAL\n" in text and "  count INTEGER\n" in text + "\n"


def test_the_csv_view_answers_a_sum(ingested: MemoryStore) -> None:
    result = _run(ingested, "SELECT round(SUM(amount), 2) AS spent FROM csv_expenses"
                            " WHERE date >= '2024-02-01'")  # fmt: skip
    assert result.ok and result.content.splitlines()[1] == "84.9"
