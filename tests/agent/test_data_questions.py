"""A question over the user's data: query_data counts the meetings, recall finds what was said."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar, Event, vCalAddress

from pasi.agent.assistant import Assistant
from pasi.agent.why import explain_last
from pasi.clock import fixed_clock
from pasi.ingest.document import file_uri
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatRequest, Completion, ScriptedModel, ToolCall
from pasi.vault.sqlite import SQLiteVault

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)  # "last quarter" is October to December 2023
COUNT_SQL = (
    "SELECT COUNT(*) AS meetings, group_concat(id) AS ids FROM events"
    " WHERE start_utc >= '2023-10-01' AND start_utc < '2024-01-01'"
    " AND EXISTS (SELECT 1 FROM json_each(attendees) WHERE value = 'anna@example.org')"
)


def _write_calendar(path: Path) -> Path:
    calendar = Calendar()
    calendar.add("prodid", "-//pasi tests//")
    calendar.add("version", "2.0")
    meetings = [
        ("Coffee with Anna", datetime(2023, 10, 12, 9, 0, tzinfo=UTC), "anna@example.org"),
        ("Garden planning", datetime(2023, 11, 20, 17, 0, tzinfo=UTC), "anna@example.org"),
        ("Budget review", datetime(2023, 11, 21, 10, 0, tzinfo=UTC), "ben@example.com"),
        ("Lunch with Anna", datetime(2023, 12, 15, 12, 0, tzinfo=UTC), "anna@example.org"),
        ("New year walk", datetime(2024, 1, 6, 11, 0, tzinfo=UTC), "anna@example.org"),
    ]
    for number, (summary, start, attendee) in enumerate(meetings):
        event = Event()
        event.add("uid", f"meeting-{number}@test")
        event.add("summary", summary)
        event.add("dtstart", start)
        event.add("dtend", start.replace(hour=start.hour + 1))
        address = vCalAddress(f"mailto:{attendee}")
        address.params["cn"] = attendee.split("@")[0].title()
        event.add("attendee", address, encode=0)
        calendar.add_component(event)
    path.write_bytes(calendar.to_ical())
    return path


def _tags(request: ChatRequest, letter: str) -> list[str]:
    found = [m.content for m in request.messages if m.role == "tool"]
    return re.findall(rf"\[{letter}\d+\]", "\n".join(found))


def _analyst(request: ChatRequest) -> Completion | str:
    """Count with SQL, then recall what was discussed, then answer citing both."""
    rounds = sum(1 for m in request.messages if m.role == "tool")
    if rounds == 0:
        return Completion("", (ToolCall("q1", "query_data", json.dumps({"sql": COUNT_SQL})),))
    if rounds == 1:
        return Completion("", (ToolCall("r1", "recall", '{"query": "Anna discussed"}'),))
    meetings = " ".join(_tags(request, "i"))
    memory = _tags(request, "m")[0]
    return f"You met Anna 3 times last quarter {meetings}; you discussed her garden {memory}."


def test_how_many_times_did_i_meet_anna_combines_sql_and_recall(
    vault: SQLiteVault, tmp_path: Path
) -> None:
    store = MemoryStore(vault, None, fixed_clock(NOW))
    calendar = _write_calendar(tmp_path / "calendar.ics")
    assert not Syncer(store, max_bytes=10_000_000).ingest([calendar]).failed
    store.remember("Anna and I discussed redesigning her garden with native plants",
                   subject="Anna")  # fmt: skip
    model = ScriptedModel(_analyst)

    question = "How many times did I meet Anna last quarter and what did we discuss?"
    answer = Assistant(store, model, clock=store.clock).ask(question)

    offered = {spec.name: spec.description for spec in model.requests[0].tools}
    assert "events (5 rows):" in offered["query_data"]
    counted, recalled = answer.tool_calls
    assert counted.ok and counted.content.splitlines()[1].startswith("3 | ")
    assert recalled.ok and "[m1]" in recalled.content
    expected = {
        row[0]: row[1]
        for row in vault.read().execute(
            "SELECT id, summary FROM events WHERE summary IN"
            " ('Coffee with Anna', 'Garden planning', 'Lunch with Anna')"
        )
    }
    assert set(counted.data["items"]) == set(expected)
    cited = {c.tag: c for c in answer.citations}
    assert set(cited) == {f"i{i}" for i in expected} | {"m1"}
    assert all(c.resolved for c in answer.citations)
    for item_id, summary in expected.items():
        citation = cited[f"i{item_id}"]
        assert citation.kind == "item" and summary in (citation.text or "")
        assert citation.source == file_uri(calendar.resolve())
    assert "garden" in (cited["m1"].text or "")

    why = explain_last(store)
    assert why and (why["answer_id"], why["question"]) == (answer.answer_id, question)
    [query_call, _] = why["tool_calls"]
    assert query_call["name"] == "query_data" and query_call["arguments"]["sql"] == COUNT_SQL
    assert sorted(query_call["found"]) == sorted(f"i{i}" for i in expected)
    items = [c for c in why["citations"] if c["kind"] == "item"]
    assert len(items) == 3 and all(c["resolved"] and "event:" in c["text"] for c in items)


def test_a_csv_ingested_between_turns_is_offered_on_the_next_turn(
    vault: SQLiteVault, tmp_path: Path
) -> None:
    store = MemoryStore(vault, None, fixed_clock(NOW))
    model = ScriptedModel(lambda _: "ok")
    assistant = Assistant(store, model, clock=store.clock, tool_offer="all")
    assistant.ask("hello")
    (tmp_path / "books.csv").write_text("Title,Pages\nDune,412\nEmma,474\n", encoding="utf-8")
    Syncer(store, max_bytes=10_000_000).ingest([tmp_path / "books.csv"])
    assistant.ask("hello again")
    first, second = (
        next(s.description for s in r.tools if s.name == "query_data") for r in model.requests
    )
    assert "csv_books" not in first
    assert "csv_books (2 rows, CSV file 'books'):" in second and "  pages INTEGER" in second
