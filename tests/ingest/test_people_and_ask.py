"""People merged across sources; questions answered from items; read-only SQL with limits."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from files import write_ics, write_mbox, write_telegram, write_vcf, write_whatsapp

from pasi.errors import InputError
from pasi.ingest.ask import ask
from pasi.ingest.people import normalise_name
from pasi.vault import items as it
from pasi.vault.readonly import run_readonly_query, typed_views


@pytest.fixture
def synced(syncer, data):
    write_vcf(data / "contacts.vcf")
    write_mbox(data / "mail.mbox", 40)
    write_ics(data / "cal.ics")
    write_whatsapp(data / "wa.txt")
    write_telegram(data / "result.json")
    assert syncer.ingest([data]).failed == []
    return syncer


def test_names_normalise_across_order_case_and_accents() -> None:
    assert normalise_name("Berg, Anna") == normalise_name("anna  BERG") == "anna berg"
    assert normalise_name("Chloé Martin") == "chloe martin"


def test_one_person_from_contacts_email_calendar_and_chat(synced) -> None:
    conn = synced.store.vault.read()
    rows = conn.execute("SELECT id, name, aliases, attributes FROM entities").fetchall()
    annas = [r for r in rows if "anna" in r["name"].lower()]
    assert len(annas) == 1
    attributes = json.loads(annas[0]["attributes"])
    assert attributes["emails"] == ["anna@example.org", "anna.berg@work.example"]
    roles = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT role FROM entity_links WHERE entity_id = ?", (annas[0]["id"],)
        )
    }
    assert roles == {"contact", "from", "attendee", "speaker"}


def test_people_lists_last_contact_and_how_often(synced) -> None:
    now = datetime(2024, 3, 16, tzinfo=UTC)
    rows = {r["name"]: r for r in it.people_summary(synced.store.vault.read(), now, 50)}
    anna = rows["Anna Berg"]
    assert anna["times"] == 10 + 1 + 2  # 10 emails, the dinner, two chat messages
    assert anna["last"].startswith("2024-03-14T18:00")  # the dinner, not the planned standups
    assert anna["sources"] == 4


def test_ask_emails_from_a_person_in_a_period(synced) -> None:
    answer = ask(synced.store, "emails from Anna in January 2024",
                 now=datetime(2024, 3, 10, tzinfo=UTC))  # fmt: skip
    assert answer.question.kind == "email" and answer.question.sender_only
    assert answer.total == 10
    assert all(r["kind"] == "email" and r["source"].endswith("mail.mbox") for r in answer.rows)


def test_ask_whats_on_my_calendar_next_week(synced) -> None:
    answer = ask(synced.store, "what's on my calendar next week",
                 now=datetime(2024, 3, 20, 12, tzinfo=UTC))  # fmt: skip
    assert [(r["title"], r["at"][:10]) for r in answer.rows] == [("Team standup", "2024-03-25")]


def test_ask_how_many_times_did_i_meet_someone(synced) -> None:
    answer = ask(synced.store, "how many times did I meet Anna in 2024")
    assert answer.question.count and answer.question.person[1] == "Anna Berg"
    assert answer.total == 1 and answer.rows[0]["title"] == "Dinner with Anna"


def test_ask_without_a_shape_falls_back_to_text_search(synced) -> None:
    answer = ask(synced.store, "climbing gym booking")
    assert answer.rows == [] and "climbing gym" in answer.recalled[0].text


@pytest.mark.sqlite_only(
    reason="free SQL over the vault (query_data, readonly_query) is refused on PostgreSQL"
)
def test_typed_views_exist(synced) -> None:
    views = typed_views(synced.store.vault.path)
    assert {"emails", "events", "contacts"} <= set(views)


@pytest.mark.sqlite_only(
    reason="free SQL over the vault (query_data, readonly_query) is refused on PostgreSQL"
)
def test_readonly_query_refuses_writes(synced) -> None:
    path = synced.store.vault.path
    for sql in ("DELETE FROM items", "INSERT INTO entities (name) VALUES ('x')",
                "DROP VIEW emails", "PRAGMA user_version = 99"):  # fmt: skip
        with pytest.raises(InputError):
            run_readonly_query(path, sql)
    assert run_readonly_query(path, "SELECT COUNT(*) FROM items").rows[0][0] > 0


@pytest.mark.sqlite_only(
    reason="free SQL over the vault (query_data, readonly_query) is refused on PostgreSQL"
)
def test_readonly_query_limits_rows_and_time(synced) -> None:
    path = synced.store.vault.path
    result = run_readonly_query(path, "SELECT id, subject FROM emails", max_rows=5)
    assert len(result.rows) == 5 and result.truncated and result.columns == ["id", "subject"]
    runaway = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"
               " SELECT COUNT(*) FROM n")  # fmt: skip
    started = time.monotonic()
    with pytest.raises(InputError, match="time limit"):
        run_readonly_query(path, runaway, timeout_seconds=0.3)
    assert time.monotonic() - started < 2


@pytest.mark.sqlite_only(
    reason="no julianday() on PostgreSQL for the ask planner's SQL, and the csv_ views read numbers as text"
)
def test_ask_how_many_hours_in_meetings_with_someone(synced) -> None:
    answer = ask(synced.store, "how many hours did I spend in meetings with Anna in March 2024",
                 now=datetime(2024, 4, 2, tzinfo=UTC))  # fmt: skip
    assert (answer.value, answer.unit, answer.total) == (2.0, "hours", 1)  # the dinner, 19-21
    assert answer.summary.startswith("2 hours in 1 calendar event with Anna Berg")
    standups = ask(synced.store, "how much time was on my calendar in March 2024",
                   now=datetime(2024, 4, 2, tzinfo=UTC))  # fmt: skip
    assert standups.value == 2.0 + 0.5 * 2  # the dinner and the standups of 18 and 25 March
