"""REST memories: timeline, search, show with history and evidence, correct, forget; per user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pasi.app import Pasi
from server.rest_app import RestApp, rest_app


@pytest.fixture
def api(tmp_path: Path, embedder) -> Iterator[RestApp]:
    with rest_app(tmp_path, embedder) as app:
        yield app


def pasi_of(api: RestApp, name: str) -> Pasi:
    state = api.client.app.state
    return state.sessions.session(state.users.require(name)).pasi


def test_every_route_needs_a_token(api: RestApp) -> None:
    for url in ("/api/memories", "/api/sources", "/api/conversations", "/api/settings"):
        response = api.client.get(url)
        assert response.status_code == 401, url
        assert "Bearer" in response.json()["error"]["message"]
    wrong = api.client.get("/api/memories", headers={"Authorization": "Bearer pasi_nope"})
    assert wrong.status_code == 401


def test_remembered_memories_come_back_newest_first_in_pages(api: RestApp) -> None:
    for text in ("I live in Berlin", "I like green tea", "My sister is Anna"):
        assert api.post("/api/memories", json={"text": text}).status_code == 201
    first = api.get("/api/memories", params={"limit": 2}).json()
    assert first["total"] == 3
    assert [m["text"] for m in first["items"]] == ["My sister is Anna", "I like green tea"]
    second = api.get("/api/memories", params={"limit": 2, "offset": 2}).json()
    assert [m["text"] for m in second["items"]] == ["I live in Berlin"]
    assert second["items"][0]["current"] is True


def test_show_lists_the_turns_a_memory_rests_on_with_their_source(api: RestApp) -> None:
    pasi = pasi_of(api, "alice")
    turn = pasi.memory.record_turn("By the way, I moved to Lisbon last month")
    memory = pasi.memory.remember("The user lives in Lisbon", evidence=[turn])
    shown = api.get(f"/api/memories/{memory.id}").json()
    assert shown["memory"]["text"] == "The user lives in Lisbon"
    assert shown["memory"]["evidence"] == [turn]
    [evidence] = shown["evidence"]
    assert evidence["text"] == "By the way, I moved to Lisbon last month"
    assert evidence["source"]["uri"] == "conversation:default"
    context = api.get(f"/api/episodes/{turn}").json()
    assert [t["id"] for t in context] == [turn]


def test_a_correction_supersedes_and_keeps_the_old_version_in_history(api: RestApp) -> None:
    old = api.post("/api/memories", json={"text": "I work at Acme"}).json()
    corrected = api.patch(f"/api/memories/{old['id']}", json={"text": "I work at Globex"})
    assert corrected.status_code == 200
    new = corrected.json()["memory"]
    assert corrected.json()["superseded"] == old["id"]
    history = api.get(f"/api/memories/{new['id']}").json()["history"]
    assert [m["text"] for m in history] == ["I work at Acme", "I work at Globex"]
    assert history[0]["superseded_by"] == new["id"] and history[0]["current"] is False
    timeline = api.get("/api/memories").json()["items"]
    assert [m["text"] for m in timeline] == ["I work at Globex"]
    everything = api.get("/api/memories", params={"include_superseded": True}).json()
    assert everything["total"] == 2
    again = api.patch(f"/api/memories/{old['id']}", json={"text": "I work at Initech"})
    assert again.status_code == 409
    assert f"superseded by memory {new['id']}" in again.json()["error"]["message"]


def test_forget_erases_the_memory_and_the_versions_it_replaced(api: RestApp) -> None:
    old = api.post("/api/memories", json={"text": "My car is red"}).json()
    new = api.patch(f"/api/memories/{old['id']}", json={"text": "My car is blue"}).json()
    gone = api.delete(f"/api/memories/{new['memory']['id']}")
    assert gone.json() == {"memories": 2, "episodes": 0}
    for memory_id in (old["id"], new["memory"]["id"]):
        missing = api.get(f"/api/memories/{memory_id}")
        assert missing.status_code == 404
        assert str(memory_id) in missing.json()["error"]["message"]
    assert api.get("/api/memories").json()["total"] == 0
    assert api.get("/api/search", params={"q": "car colour"}).json()["hits"] == []


def test_search_finds_memories_and_turns(api: RestApp) -> None:
    api.post("/api/memories", json={"text": "My dentist is Dr. Okafor", "kind": "relationship"})
    pasi_of(api, "alice").memory.record_turn("The dentist appointment is on Friday")
    hits = api.get("/api/search", params={"q": "dentist"}).json()["hits"]
    assert {h["kind"] for h in hits} == {"memory", "episode"}
    only = api.get("/api/search", params={"q": "dentist", "kind": "memory"}).json()["hits"]
    assert [h["text"] for h in only] == ["My dentist is Dr. Okafor"]


def test_one_user_cannot_see_or_change_another_users_memories(api: RestApp) -> None:
    mine = api.post("/api/memories", json={"text": "My PIN is in the drawer"}).json()
    assert api.get("/api/memories", user="bob").json()["total"] == 0
    assert api.get(f"/api/memories/{mine['id']}", user="bob").status_code == 404
    assert api.delete(f"/api/memories/{mine['id']}", user="bob").status_code == 404
    assert (
        api.patch(f"/api/memories/{mine['id']}", user="bob", json={"text": "x y"}).status_code
        == 404
    )
    assert api.get("/api/search", user="bob", params={"q": "PIN drawer"}).json()["hits"] == []
    assert api.get(f"/api/memories/{mine['id']}").status_code == 200


def test_bad_input_is_refused_naming_the_field(api: RestApp) -> None:
    response = api.post("/api/memories", json={"text": "I like tea", "kind": "rumour"})
    assert response.status_code == 422
    assert response.json()["error"]["param"] == "kind"
    blank = api.post("/api/memories", json={"text": "   "})
    assert blank.status_code == 422
    assert "empty" in blank.json()["error"]["message"]
    huge = api.get("/api/memories/99999999999999999999")
    assert huge.status_code == 422
    assert huge.json()["error"]["param"] == "memory_id"


def test_a_sensitive_statement_is_marked_so_it_stays_on_this_machine(api: RestApp) -> None:
    typed = api.post("/api/memories", json={"text": "I voted for the Green party"}).json()
    assert typed["sensitivity"] == "politics"
    plain = api.post("/api/memories", json={"text": "I like long walks"}).json()
    assert plain["sensitivity"] == "normal"
    corrected = api.patch(
        f"/api/memories/{plain['id']}", json={"text": "I voted for Labour in the election"}
    )
    assert corrected.json()["memory"]["sensitivity"] == "politics"
