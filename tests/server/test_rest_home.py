"""The web app's home over REST, on a real server on 127.0.0.1: today, reminders, goals,
people, held memories, conversations and the audit log, against a vault holding real files
(a calendar, contact cards, a mailbox and a chat export, as the brief's tests use)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from live_server import RunningServer

from life.test_brief import CALENDAR, CONTACTS, NOW, _mbox
from pasi.clock import fixed_clock
from pasi.ingest.sync import Syncer
from pasi.life.charter import set_charter_field
from pasi.models.chat import ScriptedModel
from pasi.vault.held import NewHeld, add_held


@pytest.fixture
def home(
    start_server: Callable[..., RunningServer], echo_model: ScriptedModel, tmp_path: Path
) -> RunningServer:
    """A server frozen at Sunday 10 March 2024, alice's vault holding her files."""
    server = start_server(chat_model=echo_model, clock=fixed_clock(NOW))
    server.token("alice")
    pasi = server.pasi("alice")
    data = tmp_path / "data"
    data.mkdir()
    (data / "calendar.ics").write_text(CALENDAR)
    (data / "contacts.vcf").write_text(CONTACTS)
    _mbox(data / "mail.mbox")
    Syncer(pasi.memory, max_bytes=10**7).ingest([data])
    set_charter_field(pasi.vault.directory, "timezone", "Europe/Berlin")
    set_charter_field(pasi.vault.directory, "people", "Anna Berg; Dev Patel")
    return server


def test_today_cites_each_line_with_what_it_opens(home: RunningServer) -> None:
    api = home.http(home.token())
    made = api.post("/api/reminders", json={"text": "call mum", "when": "today at 18:00"})
    assert made.status_code == 201
    reminder = made.json()["id"]
    goal = api.post("/api/goals", json={"title": "Run a 10k", "check_in": "every day"}).json()
    today = api.get("/api/today").json()
    assert today["day"] == "2024-03-10" and today["time_zone"] == "Europe/Berlin"
    lines = {line["text"]: line for line in today["brief"]}
    assert lines["18:00 call mum"]["target"] == {"kind": "reminder", "id": reminder}
    assert lines["Check-in on your goal: Run a 10k"]["target"] == {"kind": "goal", "id": goal["id"]}
    train = lines["00:30 Night train"]
    assert train["target"]["kind"] == "item" and train["source"].endswith("calendar.ics")
    assert api.get(f"/api/items/{train['target']['id']}").json()["title"] == "Night train"
    quiet = next(line for line in today["brief"] if line["section"] == "people")
    assert "Anna Berg" in quiet["text"] and quiet["target"]["kind"] == "person"
    person = api.get(f"/api/people/{quiet['target']['id']}").json()
    assert person["person"]["name"] == "Anna Berg"
    # done from the page: the line leaves the brief; snooze moves it past today
    assert api.post(f"/api/reminders/{reminder}/done").json()["status"] == "done"
    assert "18:00 call mum" not in {l["text"] for l in api.get("/api/today").json()["brief"]}  # noqa: E741


def test_a_reminder_snoozed_to_tomorrow_leaves_todays_brief(home: RunningServer) -> None:
    api = home.http(home.token())
    made = api.post("/api/reminders", json={"text": "water the plants", "when": "today at 19:00"})
    snoozed = api.post(f"/api/reminders/{made.json()['id']}/snooze", json={"until": "tomorrow"})
    assert snoozed.status_code == 200 and snoozed.json()["due"].startswith("2024-03-1")
    texts = [line["text"] for line in api.get("/api/today").json()["brief"]]
    assert not any("water the plants" in text for text in texts)
    refused = api.post(f"/api/reminders/{made.json()['id']}/snooze", json={"until": "every day"})
    assert refused.status_code == 422 and "repetition" in refused.json()["error"]["message"]


def test_held_memories_are_kept_with_their_evidence_or_dropped(home: RunningServer) -> None:
    api, pasi = home.http(home.token()), home.pasi("alice")
    turn = pasi.memory.record_turn("My cousin moved to Porto")
    with pasi.vault.write() as conn:
        add_held(conn, [NewHeld("The user's cousin lives in Porto", "fact", "user", 0.8, (turn,),
                                "names a place"),
                        NewHeld("The user owns a boat", "fact", "user", 0.4, (turn,),
                                "not in the turns")], "test", NOW)  # fmt: skip
    today = api.get("/api/today").json()
    held = {h["text"]: h for h in today["held_memories"]}
    assert held["The user's cousin lives in Porto"]["reason"] == "names a place"
    cousin, boat = held["The user's cousin lives in Porto"], held["The user owns a boat"]
    kept = api.post(f"/api/held/{cousin['id']}/keep").json()
    assert kept["text"] == "The user's cousin lives in Porto" and kept["evidence"] == [turn]
    assert api.delete(f"/api/held/{boat['id']}").status_code == 204
    after = api.get("/api/today").json()
    assert after["held_memories"] == []
    assert "The user's cousin lives in Porto" in [m["text"] for m in after["learnt"]]
    assert api.delete(f"/api/held/{boat['id']}").status_code == 404


def test_a_goal_is_edited_checked_in_and_closed(home: RunningServer) -> None:
    api = home.http(home.token())
    goal = api.post("/api/goals", json={"title": "Learn Portuguese", "why": "for Porto",
                                        "milestones": ["A1", "A2"]}).json()  # fmt: skip
    edited = api.patch(f"/api/goals/{goal['id']}", json={"title": "Learn European Portuguese"})
    assert (
        edited.json()["title"] == "Learn European Portuguese"
        and edited.json()["why"] == "for Porto"
    )
    checked = api.post(
        f"/api/goals/{goal['id']}/progress", json={"note": "passed A1", "milestone": 1}
    )
    assert checked.status_code == 201
    shown = checked.json()
    assert (
        shown["milestones"][0]["done_at"] is not None and shown["milestones"][1]["done_at"] is None
    )
    assert [p["note"] for p in shown["progress"]] == ["passed A1"]
    bad = api.post(f"/api/goals/{goal['id']}/progress", json={"note": "x", "milestone": 5})
    assert bad.status_code == 422 and "milestone" in bad.json()["error"]["message"]
    closed = api.post(f"/api/goals/{goal['id']}/close", json={"status": "done"}).json()
    assert closed["status"] == "done"
    assert api.get("/api/goals").json() == []
    assert [g["id"] for g in api.get("/api/goals", params={"status": "done"}).json()] == [
        goal["id"]
    ]


def test_people_show_rhythm_overdue_birthdays_and_where_it_came_from(home: RunningServer) -> None:
    api, pasi = home.http(home.token()), home.pasi("alice")
    pasi.memory.remember("Anna Berg is the user's climbing partner", kind="relationship")
    people = {p["name"]: p for p in api.get("/api/people").json()}
    anna, dev = people["Anna Berg"], people["Dev Patel"]
    assert anna["rhythm_days"] == 7 and anna["days_since"] == 40 and anna["overdue"] is True
    assert (
        dev["days_since"] == 3 and dev["overdue"] is False and dev["matters"] == "in your charter"
    )
    assert anna["birthday"] == "03-12" and anna["next_birthday"] == "2024-03-12"
    detail = api.get(f"/api/people/{anna['id']}").json()
    assert "Anna Berg is the user's climbing partner" in [m["text"] for m in detail["memories"]]
    assert detail["contacts"][0]["kind"] == "email" and detail["contacts"][0]["source"].endswith(
        "mail.mbox"
    )
    assert any(s.endswith("mail.mbox") for s in detail["sources"])
    assert api.get("/api/people/999999").status_code == 404
    assert home.http(home.token("bob")).get("/api/people").json() == []  # per-user vault


def test_conversations_are_started_searched_renamed_and_deleted(home: RunningServer) -> None:
    api, pasi = home.http(home.token()), home.pasi("alice")
    new = api.post("/api/conversations", json={}).json()
    assert new["label"] == "New conversation" and new["origin"] == "web" and new["turns"] == 0
    with api.stream("POST", "/api/chat", json={"message": "I adopted a cat named Miso",
                                               "conversation_id": new["id"]}) as streamed:  # fmt: skip
        assert streamed.status_code == 200 and "answer" in "".join(streamed.iter_text())
    assert home.app.state.titles.wait(30)  # the model titled it after the first exchange
    listed = api.get("/api/conversations", params={"q": "miso"}).json()
    assert [c["id"] for c in listed["items"]] == [new["id"]] and listed["total"] == 1
    assert listed["items"][0]["label"] == listed["items"][0]["title"]
    assert listed["items"][0]["title"] == "You said: Conversation"  # the echo model's first line
    assert api.get("/api/conversations", params={"q": "zebra"}).json()["total"] == 0
    renamed = api.patch(f"/api/conversations/{new['id']}", json={"title": "Cats"}).json()
    assert renamed["label"] == "Cats" and renamed["title"] == "Cats"
    turn = api.get(f"/api/conversations/{new['id']}").json()["turns"][0]
    learnt = pasi.memory.remember("The user has a cat named Miso", evidence=[turn["id"]])
    kept = api.delete(f"/api/conversations/{new['id']}").json()
    assert kept["turns"] >= 1 and kept["memories"] == 0
    assert pasi.memory.get(learnt.id).evidence == ()  # the memory stays, its turn is gone
    assert api.get(f"/api/conversations/{new['id']}").status_code == 404
    other = api.post("/api/conversations", json={"title": "Plans"}).json()
    pasi.memory.record_turn("We fly to Oslo in May", source_uri=other["uri"])
    [said] = api.get(f"/api/conversations/{other['id']}").json()["turns"]
    plan = pasi.memory.remember("The user flies to Oslo in May", evidence=[said["id"]])
    erased = api.delete(f"/api/conversations/{other['id']}", params={"forget_learnt": "true"})
    assert erased.json() == {"turns": 1, "memories": 1}
    assert api.get(f"/api/memories/{plan.id}").status_code == 404
    assert (
        api.post("/api/chat", json={"message": "hi", "conversation_id": 999999}).status_code == 404
    )


def test_openai_clients_conversations_are_listed_apart(home: RunningServer) -> None:
    client = home.openai(home.token())
    first = [{"role": "user", "content": "Plan my trip to Oslo"}]
    reply = client.chat.completions.create(model="pasi", messages=first)
    follow = [*first, {"role": "assistant", "content": reply.choices[0].message.content},
              {"role": "user", "content": "And the hotel?"}]  # fmt: skip
    client.chat.completions.create(model="pasi", messages=follow)
    client.chat.completions.create(model="pasi", messages=[{"role": "user", "content": "Hi"}])
    listed = home.http(home.token()).get("/api/conversations").json()["items"]
    openai = [c for c in listed if c["origin"] == "openai"]
    assert sorted(c["label"] for c in openai) == ["Hi", "Plan my trip to Oslo"]
    oslo = next(c for c in openai if c["label"] == "Plan my trip to Oslo")
    assert oslo["turns"] == 4  # two questions and two answers, one conversation


def test_the_audit_log_lists_and_deletes_remote_calls(home: RunningServer) -> None:
    from pasi.privacy.audit import AuditLog

    api, pasi = home.http(home.token()), home.pasi("alice")
    AuditLog(pasi.vault, fixed_clock(NOW)).record_remote_call(
        actor="chat", endpoint="https://api.example.com/v1", model="gpt-x",
        payload={"messages": [{"role": "user", "content": "hello <PERSON_1>"}]},
    )  # fmt: skip
    [entry] = api.get("/api/audit").json()
    assert (
        entry["model"] == "gpt-x"
        and entry["payload"]["messages"][0]["content"] == "hello <PERSON_1>"
    )
    assert home.http(home.token("bob")).get("/api/audit").json() == []
    deleted = api.delete("/api/audit", params={"before": "2024-03-11T00:00:00Z"}).json()
    assert deleted == {"deleted": 1} and api.get("/api/audit").json() == []
