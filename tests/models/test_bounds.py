"""Every model call is bounded: a token cap, and a stop (closing the backend's stream) on a loop."""

from __future__ import annotations

from collections.abc import Iterator

from scripted_http import Reply, chunk, serve

from pasi.models.bounds import Bounded
from pasi.models.chat import ChatRequest, Chunk, Completion, Message, ScriptedModel
from pasi.models.openai_compat import OpenAICompatModel, Provider
from pasi.models.repetition import trim_loop

HELLO = ChatRequest([Message("user", "hello")])
LOOP = "Here is your list.\n" + "Buy milk today.\n" * 30
SCHEMA = {"type": "object", "properties": {"items": {"type": "array"}}}


class EndlessModel:
    """Streams the same line forever, as a looping small model does; notes when it is closed."""

    name = "endless"
    local = True

    def __init__(self, line: str) -> None:
        self.line = line
        self.sent = 0
        self.closed = False

    def complete(self, request: ChatRequest) -> Completion:
        raise NotImplementedError("only streamed here")

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        try:
            while True:
                self.sent += 1
                yield Chunk(text=self.line)
        finally:
            self.closed = True


def test_a_call_without_a_cap_gets_one_and_a_call_with_one_keeps_it() -> None:
    inner = ScriptedModel(lambda _: "fine")
    model = Bounded(inner, max_tokens=64)
    model.complete(HELLO)
    list(model.stream(ChatRequest(HELLO.messages, max_tokens=7)))
    assert [r.max_tokens for r in inner.requests] == [64, 7]
    assert model.name == "scripted" and model.local is True


def test_a_looping_reply_is_ended_after_its_first_copy() -> None:
    model = Bounded(ScriptedModel(lambda _: LOOP))
    completion = model.complete(HELLO)
    assert completion.text == "Here is your list.\nBuy milk today."
    assert completion.finish_reason == "repetition"
    chunks = list(model.stream(HELLO))
    final = chunks[-1].completion
    assert final is not None and final.text == "Here is your list.\nBuy milk today."
    assert "".join(c.text for c in chunks) == final.text  # nothing shown that was cut
    assert final.finish_reason == "repetition"


def test_an_endless_stream_is_closed_at_the_loop() -> None:
    inner = EndlessModel("I will check that for you. ")
    chunks = list(Bounded(inner).stream(HELLO))
    assert inner.closed and inner.sent < 20
    final = chunks[-1].completion
    assert final is not None and final.text == "I will check that for you."
    assert "".join(c.text for c in chunks) == final.text


def test_ordinary_text_passes_through_whole() -> None:
    text = (
        "Two things:\n\n- Buy milk.\n- Call Jonas.\n\nHa! Ha!\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n" + "=" * 40 + "\nThat is all, as said: all."
    )
    inner = ScriptedModel(lambda _: Completion(text, finish_reason="stop"))
    chunks = list(Bounded(inner).stream(HELLO))
    assert "".join(c.text for c in chunks) == text
    final = chunks[-1].completion
    assert final is not None and final.text == text and final.finish_reason == "stop"
    assert trim_loop(text) is None


def test_a_short_cycle_is_a_loop_too() -> None:
    looping = "Sure, " + "ok " * 100
    assert Bounded(ScriptedModel(lambda _: looping)).complete(HELLO).text == "Sure, ok"


def test_json_replies_are_capped_but_never_cut() -> None:
    text = '{"items": [' + ", ".join(['"milk"'] * 80) + "]}"
    inner = ScriptedModel(lambda _: text)
    request = ChatRequest(HELLO.messages, json_schema=SCHEMA)
    assert Bounded(inner, max_tokens=300).complete(request).text == text
    assert inner.requests[0].max_tokens == 300


def test_a_looping_server_stream_is_closed_over_real_http() -> None:
    events = [chunk({"content": "Buy milk today.\n"}) for _ in range(400)]
    with serve(lambda _: Reply(events=events, event_delay=0.01)) as server:
        model = Bounded(OpenAICompatModel("tiny", Provider(f"{server.url}/v1", None, 5.0, 0)))
        final = list(model.stream(HELLO))[-1].completion
        assert final is not None and final.text == "Buy milk today."
        assert server.seen[0].body["max_tokens"] == 512
        _wait_for(lambda: bool(server.stream_errors))
    assert server.stream_errors, "the server kept streaming after the loop was found"


def _wait_for(condition, seconds: float = 3.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
