"""Errors reach clients as JSON with the right status, never with a stack trace."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import openai
import pytest
from live_server import RunningServer

from pasi.config import Settings
from pasi.models.chat import ChatRequest, ScriptedModel

SECRET = "internal-detail-4c1f"


def _broken(request: ChatRequest) -> str:
    raise RuntimeError(f"a bug with {SECRET} in its message")


@pytest.fixture
def broken(start_server: Callable[..., RunningServer]) -> RunningServer:
    return start_server(chat_model=ScriptedModel(_broken))


def _sse_data(text: str) -> list[str]:
    return [line[len("data: ") :] for line in text.splitlines() if line.startswith("data: ")]


def test_an_internal_error_is_a_generic_500(broken: RunningServer) -> None:
    with broken.http(broken.token()) as client:
        response = client.post(
            "/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}]}
        )
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "server_error"
    assert SECRET not in response.text and "Traceback" not in response.text


def test_an_internal_error_mid_stream_is_the_last_event(broken: RunningServer) -> None:
    client = broken.openai(broken.token())
    with pytest.raises(openai.APIError) as raised:
        list(
            client.chat.completions.create(
                model="pasi", messages=[{"role": "user", "content": "hi"}], stream=True
            )
        )
    assert SECRET not in str(raised.value)
    with broken.http(broken.token()) as http:
        events = _sse_data(http.post("/api/chat", json={"message": "hi"}).text)
    last = json.loads(events[-1])
    assert last["type"] == "error" and SECRET not in last["message"]


def test_unknown_paths_are_json_404(server: RunningServer) -> None:
    with server.http(server.token()) as client:
        response = client.get("/v1/no-such-thing")
        model = client.get("/v1/models/gpt-4")
    assert response.status_code == 404 and "error" in response.json()
    assert model.status_code == 404 and "gpt-4" in model.json()["error"]["message"]


def test_validation_errors_name_the_field(server: RunningServer) -> None:
    with server.http(server.token()) as client:
        missing = client.post("/v1/chat/completions", json={"model": "pasi"})
        wrong = client.post(
            "/v1/chat/completions", json={"messages": [{"role": "wizard", "content": "x"}]}
        )
        empty = client.post("/api/chat", json={"message": "   "})
        not_json = client.post(
            "/api/chat", content=b"{oops", headers={"Content-Type": "application/json"}
        )
    assert (missing.status_code, missing.json()["error"]["param"]) == (422, "messages")
    assert (wrong.status_code, wrong.json()["error"]["param"]) == (422, "messages.0.role")
    assert (empty.status_code, empty.json()["error"]["param"]) == (422, "message")
    assert not_json.status_code == 422 and "error" in not_json.json()


def test_bodies_over_the_limit_get_413(
    start_server: Callable[..., RunningServer], server_settings: Settings
) -> None:
    small = server_settings.model_copy(update={"server_max_request_bytes": 2048})
    server = start_server(small)
    big = {"message": "x" * 5000}

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        data = json.dumps(big).encode()
        for start in range(0, len(data), 1000):
            yield data[start : start + 1000]

    with server.http(server.token()) as client:
        declared = client.post("/api/chat", json=big)
        streamed = client.post(
            "/api/chat", content=chunked(), headers={"Content-Type": "application/json"}
        )
        fits = client.post("/api/chat", json={"message": "short"})
    for response in (declared, streamed):
        assert response.status_code == 413
        assert "2,048 bytes" in response.json()["error"]["message"]
    assert fits.status_code == 200


def test_the_openapi_spec_describes_the_api(server: RunningServer) -> None:
    with server.http() as client:
        spec = client.get("/openapi.json").json()
    assert {"/v1/chat/completions", "/v1/embeddings", "/v1/models", "/api/chat"} <= set(
        spec["paths"]
    )
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
