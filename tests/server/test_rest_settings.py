"""REST settings: backends without secrets, a real connection test, the profile and its zone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from models.scripted_http import Reply, chat_reply, closed_port, serve
from server.rest_app import RestApp, rest_app


@pytest.fixture
def api(tmp_path: Path, embedder) -> Iterator[RestApp]:
    with rest_app(
        tmp_path, embedder, model="openai-compatible:http://me:hunter2@127.0.0.1:9/v1#tiny",
        model_api_key="sk-secret-key",
    ) as app:  # fmt: skip
        yield app


def test_settings_show_the_backends_but_never_a_secret(api: RestApp) -> None:
    response = api.get("/api/settings")
    assert response.status_code == 200
    body = response.json()
    assert "hunter2" not in response.text and "sk-secret-key" not in response.text
    assert body["model"] == "openai-compatible:http://127.0.0.1:9/v1#tiny"
    assert body["model_api_key_set"] is True and body["openai_api_key_set"] is False
    strong = next(t for t in body["tiers"] if t["tier"] == "strong")
    assert strong["resolved"] == "openai-compatible:http://127.0.0.1:9/v1#tiny"
    assert strong["local"] is True


def test_a_connection_test_sends_a_real_request_to_the_model_server(api: RestApp) -> None:
    with serve(lambda seen: Reply(body=chat_reply("ok"))) as server:
        spec = f"openai-compatible:{server.url}/v1#tiny"
        result = api.post("/api/settings/test-model", json={"spec": spec}).json()
        assert server.seen[0].path == "/v1/chat/completions"
    assert result["ok"] is True and result["reply"] == "ok"
    assert result["elapsed_ms"] >= 0 and result["local"] is True and result["error"] is None


def test_a_failed_connection_test_says_why(api: RestApp) -> None:
    spec = f"openai-compatible:http://127.0.0.1:{closed_port()}/v1#tiny"
    result = api.post("/api/settings/test-model", json={"spec": spec}).json()
    assert result["ok"] is False
    assert "127.0.0.1" in result["error"]
    configured = api.post("/api/settings/test-model", json={"tier": "strong"}).json()
    assert configured["ok"] is False and configured["error"]
    assert "hunter2" not in str(configured)


def test_a_model_server_error_is_reported_not_raised(api: RestApp) -> None:
    with serve(lambda seen: Reply(status=401, body={"error": {"message": "bad key"}})) as server:
        spec = f"openai-compatible:{server.url}/v1#tiny"
        result = api.post("/api/settings/test-model", json={"spec": spec}).json()
    assert result["ok"] is False and result["error"]


def test_a_malformed_spec_or_an_unconfigured_gguf_is_refused(api: RestApp) -> None:
    bad = api.post("/api/settings/test-model", json={"spec": "telepathy:gpt"})
    assert bad.status_code == 422
    assert bad.json()["error"]["param"] == "spec"
    assert "telepathy:gpt" in bad.json()["error"]["message"]
    gguf = api.post("/api/settings/test-model", json={"spec": "llamacpp:/etc/passwd"})
    assert gguf.status_code == 422 and "not a configured model" in gguf.json()["error"]["message"]


def test_the_profile_shows_the_user_their_zone_and_what_pasi_knows(api: RestApp) -> None:
    api.post("/api/memories", json={"text": "I am a nurse"})
    api.post("/api/memories", json={"text": "Anna is my sister", "subject": "Anna"})
    profile = api.get("/api/profile").json()
    assert profile["name"] == "alice"
    assert [m["text"] for m in profile["memories"]] == ["I am a nurse"]
    changed = api.put("/api/profile", json={"time_zone": "Europe/Lisbon"}).json()
    assert (
        changed["time_zone"] == "Europe/Lisbon" and changed["time_zone_setting"] == "Europe/Lisbon"
    )
    assert api.get("/api/profile").json()["time_zone"] == "Europe/Lisbon"
    assert api.get("/api/profile", user="bob").json()["time_zone_setting"] == ""


def test_an_unknown_time_zone_is_refused_and_the_old_one_kept(api: RestApp) -> None:
    api.put("/api/profile", json={"time_zone": "Asia/Tokyo"})
    response = api.put("/api/profile", json={"time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "Mars/Olympus" in response.json()["error"]["message"]
    assert api.get("/api/profile").json()["time_zone"] == "Asia/Tokyo"
