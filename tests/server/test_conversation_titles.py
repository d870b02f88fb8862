"""Conversation titles from the model after a web conversation's first exchange, on a real pasi
server on 127.0.0.1: never delaying the reply, never over the user's own title, the first line
offline; and with a real small model (Qwen2.5-Coder-0.5B in process)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
from live_server import RunningServer, echo_reply

from pasi.models.chat import ChatRequest, ScriptedModel
from pasi.server.titles import INSTRUCTIONS, clean_title


def _is_title_request(request: ChatRequest) -> bool:
    return request.messages[0].content == INSTRUCTIONS


def _chat(http, conversation: int, message: str) -> str:
    with http.stream("POST", "/api/chat", json={"message": message,
                                                "conversation_id": conversation}) as streamed:  # fmt: skip
        assert streamed.status_code == 200
        return "".join(streamed.iter_text())


def test_the_title_comes_after_the_reply_without_delaying_it(
    start_server: Callable[..., RunningServer],
) -> None:
    release = threading.Event()
    asked: list[str] = []

    def reply(request: ChatRequest) -> str:
        if not _is_title_request(request):
            return echo_reply(request)
        asked.append(request.messages[1].content)
        release.wait(30)  # the model is slow to title: the answer must not wait for it
        return '"Miso the new cat."'

    server = start_server(chat_model=ScriptedModel(reply))
    http = server.http(server.token())
    new = http.post("/api/conversations", json={}).json()
    body = _chat(http, new["id"], "I adopted a cat named Miso")
    assert '"type": "answer"' in body and not release.is_set()  # answered while titling waits
    [listed] = http.get("/api/conversations").json()["items"]
    assert listed["title"] is None and listed["label"] == "I adopted a cat named Miso"
    release.set()
    assert server.app.state.titles.wait(30)
    [listed] = http.get("/api/conversations").json()["items"]
    assert listed["title"] == "Miso the new cat" and listed["label"] == "Miso the new cat"
    assert asked and asked[0].startswith(
        "Conversation:\nUser: I adopted a cat named Miso\nAssistant: You said"
    )
    _chat(http, new["id"], "She likes tuna")  # past the first exchange: not asked again
    assert server.app.state.titles.wait(30) and len(asked) == 1


def test_the_users_title_wins_and_offline_the_first_line_stays(
    start_server: Callable[..., RunningServer],
) -> None:
    titled = ScriptedModel(lambda r: "Cat talk" if _is_title_request(r) else echo_reply(r))
    server = start_server(chat_model=titled)
    http = server.http(server.token())
    mine = http.post("/api/conversations", json={"title": "Pets"}).json()
    _chat(http, mine["id"], "I adopted a cat named Miso")
    assert server.app.state.titles.wait(30)
    assert http.get("/api/conversations").json()["items"][0]["label"] == "Pets"
    assert not any(_is_title_request(r) for r in titled.requests)  # never asked for a title

    offline = start_server()  # no model at all (same server home: another user's vault)
    api = offline.http(offline.token("carol"))
    new = api.post("/api/conversations", json={}).json()
    _chat(api, new["id"], "Where did I park?\nIt was raining")
    assert offline.app.state.titles.wait(30)
    [listed] = api.get("/api/conversations").json()["items"]
    assert listed["title"] is None and listed["label"] == "Where did I park?"


def test_a_models_answer_is_cleaned_into_a_title() -> None:
    assert clean_title("<think>hmm</think>\n\nTitle: **Planning a trip to Oslo.**") == (
        "Planning a trip to Oslo"
    )
    assert clean_title('"Cat care"\nBecause the user...') == "Cat care"
    assert clean_title("   \n") is None and clean_title('{"title": "x"}') is None
    long = clean_title("word " * 40)
    assert long is not None and len(long) <= 80 and long.endswith("…")


def test_a_real_small_model_titles_a_conversation(
    start_server: Callable[..., RunningServer], qwen_chat
) -> None:
    server = start_server(chat_model=qwen_chat)
    http = server.http(server.token())
    http.timeout = httpx.Timeout(600)  # a real model on a shared 2-core machine
    new = http.post("/api/conversations", json={}).json()
    body = _chat(http, new["id"], "I want to learn to sail this summer on the Baltic sea.")
    assert '"type": "answer"' in body
    assert server.app.state.titles.wait(300)
    [listed] = http.get("/api/conversations").json()["items"]
    title = listed["title"]
    assert title and "\n" not in title and len(title) <= 80, listed
    assert title != "I want to learn to sail this summer on the Baltic sea."  # the model's own
    assert 1 <= len(title.split()) <= 12, title
