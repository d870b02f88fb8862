"""The OpenAI-compatible backend against real HTTP servers on 127.0.0.1 that answer as scripted."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from scripted_http import Reply, Seen, chat_reply, chunk, closed_port, serve

from pasi.errors import (
    ModelAuthError,
    ModelError,
    ModelNotFoundError,
    ModelOutputError,
    ModelTimeoutError,
    ModelUnreachableError,
)
from pasi.models.chat import ChatRequest, Message, ToolSpec
from pasi.models.openai_compat import OpenAICompatModel, OpenAIEmbedder, Provider

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "years": {"type": "integer"}},
    "required": ["city", "years"],
    "additionalProperties": False,
}
HELLO = ChatRequest([Message("user", "hello")])
ASK_JSON = ChatRequest([Message("user", "where do I live?")], json_schema=SCHEMA)


def _model(url: str, *, timeout: float = 5.0, retries: int = 2) -> OpenAICompatModel:
    return OpenAICompatModel("tiny", Provider(f"{url}/v1", "key", timeout, retries))


def _replies(*replies: Reply):
    queue = list(replies)

    def handler(_: Seen) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


def test_a_server_that_is_down_is_named_in_one_clear_error() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    model = _model(url, retries=0)
    model.provider.client()  # the SDK's import is not what this measures
    started = time.perf_counter()
    with pytest.raises(ModelUnreachableError, match=f"cannot reach the model server at {url}/v1"):
        model.complete(HELLO)
    assert time.perf_counter() - started < 2


def test_a_slow_server_gives_a_timeout_error_naming_the_url() -> None:
    with serve(_replies(Reply(body=chat_reply("late"), delay=1.5))) as server:
        model = _model(server.url, timeout=0.2, retries=0)
        with pytest.raises(ModelTimeoutError, match=r"did not answer within 0\.2 s") as caught:
            model.complete(HELLO)
    assert server.url in str(caught.value) and "model_timeout" in str(caught.value)


def test_a_refused_key_and_an_unknown_model_are_told_apart() -> None:
    denied = Reply(401, {"error": {"message": "Incorrect API key provided", "code": "bad_key"}})
    with serve(_replies(denied)) as server, pytest.raises(ModelAuthError, match="OPENAI_API_KEY"):
        _model(server.url).complete(HELLO)
    missing = Reply(404, {"error": {"message": "model 'tiny' not found"}})
    with (
        serve(_replies(missing)) as server,
        pytest.raises(ModelNotFoundError, match="has no model 'tiny'") as caught,
    ):
        _model(server.url).complete(HELLO)
    assert server.url in str(caught.value)


def test_a_server_error_is_retried_then_the_answer_used() -> None:
    flaky = Reply(500, {"error": {"message": "overloaded"}}, headers={"retry-after-ms": "10"})
    with serve(_replies(flaky, Reply(body=chat_reply("hi there")))) as server:
        completion = _model(server.url).complete(HELLO)
    assert completion.text == "hi there" and len(server.seen) == 2
    assert completion.usage is not None and completion.usage.completion_tokens == 2


def test_a_server_error_that_persists_names_the_status() -> None:
    broken = Reply(
        503, {"error": {"message": "down for maintenance"}}, headers={"retry-after-ms": "1"}
    )
    with serve(_replies(broken)) as server, pytest.raises(ModelError, match="HTTP 503"):
        _model(server.url, retries=1).complete(HELLO)
    assert len(server.seen) == 2


def test_invalid_json_for_a_schema_is_retried_with_the_problem_shown() -> None:
    good = json.dumps({"city": "Berlin", "years": 3})
    with serve(
        _replies(Reply(body=chat_reply("I live in Berlin")), Reply(body=chat_reply(good)))
    ) as s:
        completion = _model(s.url).complete(ASK_JSON)
    assert json.loads(completion.text) == {"city": "Berlin", "years": 3}
    first, second = (seen.body for seen in s.seen)
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"] == {"type": "json_object", "schema": SCHEMA}  # stepped down
    assert "not JSON" in second["messages"][-1]["content"]


def test_json_that_never_matches_the_schema_is_an_error_not_silence() -> None:
    wrong = Reply(body=chat_reply(json.dumps({"city": "Berlin"})))
    with serve(_replies(wrong)) as server, pytest.raises(ModelOutputError) as caught:
        _model(server.url).complete(ASK_JSON)
    assert "'years' is a required property" in str(caught.value)
    assert server.url in str(caught.value) and len(server.seen) == 2


def test_json_in_a_code_fence_is_repaired_without_asking_again() -> None:
    fenced = '```json\n{"city": "Paris", "years": 2,}\n```'
    with serve(_replies(Reply(body=chat_reply(fenced)))) as server:
        completion = _model(server.url).complete(ASK_JSON)
    assert json.loads(completion.text) == {"city": "Paris", "years": 2}
    assert len(server.seen) == 1


def test_a_server_refusing_json_schema_is_asked_with_json_object_then_instructions() -> None:
    def handler(seen: Seen) -> Reply:
        if seen.body.get("response_format") is not None:
            return Reply(400, {"error": {"message": "response_format is not supported"}})
        return Reply(body=chat_reply('{"city": "Rome", "years": 1}'))

    with serve(handler) as server:
        model = _model(server.url)
        assert json.loads(model.complete(ASK_JSON).text)["city"] == "Rome"
    assert [("response_format" in seen.body) for seen in server.seen] == [True, True, False]
    assert "JSON schema" in server.seen[-1].body["messages"][0]["content"]
    assert model.schema_mode == "instructions"  # remembered for the next request


def test_tools_go_out_as_functions_and_calls_come_back() -> None:
    call = {
        "id": "call_7",
        "type": "function",
        "function": {"name": "recall", "arguments": '{"query": "dog"}'},
    }
    tool = ToolSpec("recall", "search memory", {"type": "object", "properties": {}})
    request = ChatRequest([Message("user", "what is my dog called?")], tools=[tool])
    with serve(_replies(Reply(body=chat_reply(None, [call])))) as server:
        completion = _model(server.url).complete(request)
    assert server.seen[0].body["tools"][0]["function"]["name"] == "recall"
    assert completion.tool_calls[0].name == "recall"
    assert completion.tool_calls[0].parsed_arguments() == {"query": "dog"}
    assert completion.finish_reason == "tool_calls"


def test_streaming_yields_text_then_the_completion_with_assembled_tool_calls() -> None:
    events = [
        chunk({"role": "assistant", "content": "Let me "}),
        chunk({"content": "look."}),
        chunk({"tool_calls": [{"index": 0, "id": "call_1", "function": {"name": "recall"}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"query": '}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"tea"}'}}]}),
        chunk({}, finish="tool_calls"),
    ]
    with serve(_replies(Reply(events=events))) as server:
        chunks = list(_model(server.url).stream(HELLO))
    assert [c.text for c in chunks if c.text] == ["Let me ", "look."]
    final = chunks[-1].completion
    assert final is not None and final.text == "Let me look."
    assert final.tool_calls[0].parsed_arguments() == {"query": "tea"}
    assert final.tool_calls[0].id == "call_1" and final.finish_reason == "tool_calls"


def test_closing_a_stream_closes_the_http_connection() -> None:
    events = [chunk({"content": f"w{i} "}) for i in range(200)]
    with serve(_replies(Reply(events=events, event_delay=0.01))) as server:
        stream = _model(server.url).stream(HELLO)
        assert next(stream).text == "w0 "
        stream.close()
        deadline = time.monotonic() + 3
        while not server.stream_errors and time.monotonic() < deadline:
            time.sleep(0.02)
    assert server.stream_errors, "the server kept streaming to a closed client"


def test_a_streamed_schema_reply_is_checked_and_repaired_by_asking_again() -> None:
    events = [chunk({"content": "not json"}), chunk({}, finish="stop")]
    again = Reply(body=chat_reply('{"city": "Oslo", "years": 4}'))
    with serve(_replies(Reply(events=events), again)) as server:
        final = list(_model(server.url).stream(ASK_JSON))[-1].completion
    assert final is not None and json.loads(final.text)["city"] == "Oslo"


def test_embeddings_are_normalised_and_their_dimension_learnt() -> None:
    def handler(seen: Seen) -> Reply:
        texts = seen.body["input"]
        data = [
            {"object": "embedding", "index": i, "embedding": [3.0, 4.0 * (i + 1), 0.0]}
            for i in reversed(range(len(texts)))  # out of order on purpose
        ]
        return Reply(body={"object": "list", "data": data, "model": "emb", "usage": {}})

    with serve(handler) as server:
        embedder = OpenAIEmbedder("emb", Provider(f"{server.url}/v1", None, 5, 0))
        assert embedder.dim == 3
        vectors = embedder.embed(["a", "b"])
    assert vectors.dtype == np.float32 and vectors.shape == (2, 3)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.allclose(vectors[0], [0.6, 0.8, 0.0])


def test_a_stream_asks_for_its_usage_and_the_completion_carries_it() -> None:
    usage = {"prompt_tokens": 42, "completion_tokens": 3, "total_tokens": 45}
    last = {**chunk({}), "choices": [], "usage": usage}  # what include_usage adds, at the end
    events = [chunk({"role": "assistant", "content": "Hi there."}), chunk({}, "stop"), last]

    def handler(seen: Seen) -> Reply:
        return Reply(events=events) if seen.body["stream"] else Reply(body=chat_reply("Hi."))

    with serve(handler) as server:
        chunks = list(_model(server.url).stream(HELLO))
        complete = _model(server.url).complete(HELLO)  # a plain call is not asked to stream
    final = chunks[-1].completion
    assert final is not None and final.text == "Hi there."
    assert (final.usage.prompt_tokens, final.usage.completion_tokens) == (42, 3)
    assert server.seen[0].body["stream_options"] == {"include_usage": True}
    assert "stream_options" not in server.seen[1].body and complete.usage is not None


def test_a_server_refusing_stream_options_is_asked_again_without_them() -> None:
    refusal = Reply(
        status=400,
        body={"error": {"message": "Unrecognized request argument: stream_options"}},
    )
    events = [chunk({"content": "Fine."}), chunk({}, "stop")]
    with serve(_replies(refusal, Reply(events=events), Reply(events=events))) as server:
        model = _model(server.url)
        first = list(model.stream(HELLO))[-1].completion
        second = list(model.stream(HELLO))[-1].completion
    assert first is not None and first.text == "Fine." and first.usage is None
    assert second is not None and second.text == "Fine."
    assert [("stream_options" in s.body) for s in server.seen] == [True, False, False]
