"""Every API route needs a valid token, and one user's token never reaches another's vault."""

from __future__ import annotations

import re

import pytest
from live_server import RunningServer

from pasi.models.chat import ScriptedModel


def _api_routes(server: RunningServer) -> list[tuple[str, str]]:
    """(method, path with ids filled in) for every route in the API, whoever wrote it."""
    found = []
    for path, operations in server.app.openapi()["paths"].items():
        filled = re.sub(r"\{[^}]+\}", "1", path)
        found.extend((method.upper(), filled) for method in sorted(operations))
    return found


@pytest.mark.parametrize("token", [None, "pasi_not-a-real-token", "not-even-a-pasi-token"])
def test_every_route_refuses_a_missing_or_bad_token(server: RunningServer, token) -> None:
    routes = _api_routes(server)
    assert ("POST", "/v1/chat/completions") in routes and ("POST", "/api/chat") in routes
    refused = []
    with server.http(token) as client:
        for method, path in routes:
            response = client.request(method, path, json={})
            body = response.json()
            if response.status_code != 401 or "Bearer" not in body["error"]["message"] + str(
                response.headers.get("www-authenticate")
            ):
                refused.append((method, path, response.status_code))
    assert refused == []


def test_a_revoked_token_stops_working_at_once(server: RunningServer) -> None:
    token = server.token("alice")
    with server.http(token) as client:
        assert client.get("/v1/models").status_code == 200
        token_id = server.users.tokens("alice")[-1].id
        server.users.revoke(token_id)
        assert client.get("/v1/models").status_code == 401


def test_users_never_see_each_others_memory(
    server: RunningServer, echo_model: ScriptedModel
) -> None:
    alice, bob = server.token("alice"), server.token("bob")
    server.openai(alice).chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": "My locker code is 4711"}]
    )
    server.pasi("alice").memory.remember("Alice's locker code is 4711")
    asked = len(echo_model.requests)
    server.openai(bob).chat.completions.create(
        model="pasi", messages=[{"role": "user", "content": "What is my locker code?"}]
    )
    with server.http(bob) as client:
        client.post("/api/chat", json={"message": "Tell me the locker code"}).raise_for_status()
    bob_requests = echo_model.requests[asked:]
    assert len(bob_requests) == 2
    assert all("4711" not in m.content for r in bob_requests for m in r.messages)
    assert server.users.require("alice").vault != server.users.require("bob").vault
    bob_turns = [t.text for t in server.pasi("bob").memory.recent_turns()]
    assert bob_turns and not any("4711" in text for text in bob_turns)
    alice_turns = [t.text for t in server.pasi("alice").memory.recent_turns()]
    assert "What is my locker code?" not in alice_turns


def test_bobs_embeddings_and_models_work_on_his_own_session(server: RunningServer) -> None:
    """Routes without user data still run as the token's user, never as another."""
    bob = server.token("bob")
    with server.http(bob) as client:
        assert client.get("/v1/models").json()["data"][0]["id"] == "pasi"
        response = client.post("/v1/embeddings", json={"input": "hello"})
    assert response.status_code == 200
    assert server.users.authenticate(bob).name == "bob"  # type: ignore[union-attr]


def test_a_released_vault_is_opened_afresh_on_the_next_request(server: RunningServer) -> None:
    token = server.token("alice")
    first = server.pasi("alice")
    server.app.state.sessions.release(server.users.require("alice").vault)
    with server.http(token) as client:
        assert client.get("/v1/models").status_code == 200
    assert server.pasi("alice") is not first
