"""``POST /api/chat``: the web app's stream of delta, tool and answer events (docs/server.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from live_server import RunningServer

from pasi.models.chat import Completion, ScriptedModel, ToolCall, replies


def _events(server: RunningServer, token: str, message: str) -> list[dict[str, Any]]:
    with (
        server.http(token) as client,
        client.stream("POST", "/api/chat", json={"message": message}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    return [json.loads(line[len("data: ") :]) for line in lines]


def test_a_turn_streams_deltas_tools_and_the_cited_answer(
    start_server: Callable[..., RunningServer],
) -> None:
    look_up = ToolCall("call-1", "recall", json.dumps({"query": "sister"}))
    model = ScriptedModel(replies(Completion("", (look_up,)), "Your sister is Ines [m1]."))
    server = start_server(chat_model=model)
    token = server.token()
    server.pasi("alice").memory.remember("Alice's sister is called Ines")

    events = _events(server, token, "Who is my sister?")

    assert [e["type"] for e in events[:2]] == ["tool", "tool"]
    assert [e["status"] for e in events[:2]] == ["started", "finished"]
    assert {e["name"] for e in events[:2]} == {"recall"}
    deltas = [e["text"] for e in events if e["type"] == "delta"]
    assert "".join(deltas) == "Your sister is Ines [m1]."
    answer = events[-1]
    assert answer["type"] == "answer" and answer["text"] == "Your sister is Ines [m1]."
    assert isinstance(answer["answer_id"], int)
    assert answer["citations"] == [
        {
            "tag": "m1",
            "kind": "memory",
            "id": 1,
            "text": "Alice's sister is called Ines",
            "source": None,
        }
    ]


def test_offline_answers_cite_what_they_found(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server()  # no model: the offline mode answers
    token = server.token()
    _events(server, token, "I park the car on level 3")
    events = _events(server, token, "Where do I park the car?")
    answer = events[-1]
    assert answer["type"] == "answer" and answer["answer_id"] is None
    assert "level 3" in answer["text"]
    assert answer["citations"][0]["text"] == "I park the car on level 3"
    assert answer["citations"][0]["tag"] == f"t{answer['citations'][0]['id']}"
