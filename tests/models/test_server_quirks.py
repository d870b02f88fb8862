"""Capability answers (a server saying what it cannot do) against real HTTP servers on 127.0.0.1,
through the real openai client: stepped down at once, never retried, remembered per server."""

from __future__ import annotations

import json

import pytest
from scripted_http import Reply, Seen, chat_reply, chunk, serve

from pasi.errors import ModelCapabilityError, ModelTimeoutError
from pasi.models.chat import ChatRequest, Message, ToolSpec
from pasi.models.openai_compat import OpenAICompatModel, Provider

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}
ASK_JSON = ChatRequest([Message("user", "where do I live?")], json_schema=SCHEMA)
RECALL = ToolSpec("recall", "search memory", {"type": "object", "properties": {}})
WITH_TOOLS = ChatRequest([Message("user", "what is my dog called?")], tools=[RECALL])
# What llama-cpp-python's server answers to a json_schema response_format it cannot take.
NO_JSON_SCHEMA = {
    "error": {
        "message": "1 validation error for CreateChatCompletionRequest\nresponse_format.type\n"
        "  Input should be 'text' or 'json_object'",
        "type": "internal_server_error",
    }
}
NO_TOOLS = {"error": {"message": "registry.ollama.ai/library/tiny does not support tools"}}


def _model(url: str, retries: int = 2) -> OpenAICompatModel:
    return OpenAICompatModel("tiny", Provider(f"{url}/v1", None, 5.0, retries))


def _json_schema_refused(seen: Seen) -> Reply:
    if seen.body["response_format"]["type"] == "json_schema":
        return Reply(500, NO_JSON_SCHEMA, headers={"retry-after-ms": "1"})
    if seen.body["stream"]:
        return Reply(events=[chunk({"content": '{"city": "Oslo"}'}), chunk({}, finish="stop")])
    return Reply(body=chat_reply('{"city": "Oslo"}'))


def test_a_500_naming_response_format_steps_down_at_once_without_retrying() -> None:
    with serve(_json_schema_refused) as server:
        completion = _model(server.url).complete(ASK_JSON)
        assert json.loads(completion.text) == {"city": "Oslo"}
        kinds = [seen.body["response_format"]["type"] for seen in server.seen]
        assert kinds == ["json_schema", "json_object"]  # no blind retry of the 500
        again = _model(server.url)  # a new object for the same server: learnt already
        assert again.schema_mode == "json_object"
        streamed = list(again.stream(ASK_JSON))[-1].completion
        assert streamed is not None and json.loads(streamed.text) == {"city": "Oslo"}
        assert [seen.body["response_format"]["type"] for seen in server.seen[2:]] == ["json_object"]


def test_a_server_refusing_tools_says_so_once_and_is_not_asked_again() -> None:
    def handler(seen: Seen) -> Reply:
        if "tools" in seen.body:
            return Reply(400, NO_TOOLS)
        return Reply(body=chat_reply("Rex"))

    with serve(handler) as server:
        with pytest.raises(ModelCapabilityError, match="does not support 'tools'") as caught:
            _model(server.url).complete(WITH_TOOLS)
        assert caught.value.feature == "tools" and len(server.seen) == 1
        again = _model(server.url)
        assert not again.supports_tools
        with pytest.raises(ModelCapabilityError) as second:
            list(again.stream(WITH_TOOLS))
        assert second.value.feature == "tools" and len(server.seen) == 1  # not asked
        assert again.complete(ChatRequest([Message("user", "hi")])).text == "Rex"
    assert _model(server.url).supports_tools is False
    assert OpenAICompatModel("other", Provider(f"{server.url}/v1")).supports_tools


def test_a_500_about_something_else_is_retried_with_retry_after_honoured() -> None:
    answers = iter(
        [
            Reply(500, {"error": {"message": "out of memory"}}, headers={"retry-after": "0"}),
            Reply(body=chat_reply('{"city": "Rome"}')),
        ]
    )
    with serve(lambda _: next(answers)) as server:
        assert json.loads(_model(server.url).complete(ASK_JSON).text) == {"city": "Rome"}
        kinds = [seen.body["response_format"]["type"] for seen in server.seen]
    assert kinds == ["json_schema", "json_schema"]  # retried as it was: not a capability


def test_a_timeout_is_not_retried_so_a_busy_server_does_not_work_twice() -> None:
    with serve(lambda _: Reply(body=chat_reply("late"), delay=1.0)) as server:
        model = OpenAICompatModel("tiny", Provider(f"{server.url}/v1", None, 0.2, 3))
        with pytest.raises(ModelTimeoutError):
            model.complete(ChatRequest([Message("user", "hi")]))
        assert len(server.seen) == 1
