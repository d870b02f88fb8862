"""The meter counts each call through the seam, with the backend's usage or an estimate."""

from __future__ import annotations

import pytest

from pasi.models.chat import (
    ChatModel,
    ChatRequest,
    Completion,
    Message,
    ScriptedModel,
    ToolCall,
    ToolSpec,
    Usage,
    replies,
)
from pasi.models.metered import Meter, MeteredModel, prompt_estimate

ASK = ChatRequest([Message("system", "You are pasi."), Message("user", "where is Ana?")])


def _words(text: str) -> int:
    return len(text.split())


def test_reported_usage_is_summed_over_complete_and_stream_calls() -> None:
    model = ScriptedModel(replies(
        Completion("In Porto.", usage=Usage(120, 4)),
        Completion("She moved there in May.", usage=Usage(130, 7)),
    ))  # fmt: skip
    meter = Meter()
    metered = MeteredModel(model, meter, _words)
    assert metered.complete(ASK).text == "In Porto."
    streamed = list(metered.stream(ASK))
    assert "".join(c.text for c in streamed) == "She moved there in May."
    assert (meter.calls, meter.prompt_tokens, meter.completion_tokens) == (2, 250, 11)
    assert meter.estimated is False
    assert 0 <= meter.model_seconds <= meter.elapsed()


def test_without_usage_the_tokens_are_estimated_and_marked() -> None:
    call = ToolCall("c1", "recall", '{"query": "Ana"}')
    model = ScriptedModel(replies(Completion("Let me look", (call,))))
    tool = ToolSpec("recall", "search memory", {"type": "object"})
    request = ChatRequest(ASK.messages, tools=[tool])
    meter = Meter()
    MeteredModel(model, meter, _words).complete(request)
    assert meter.calls == 1 and meter.estimated
    assert meter.prompt_tokens == prompt_estimate(request, _words) > _words("where is Ana?")
    assert meter.completion_tokens == _words('Let me lookrecall{"query": "Ana"}')
    assert meter.to_json()["tokens_estimated"] is True


def test_a_failed_call_counts_with_its_prompt() -> None:
    def broken(_: ChatRequest) -> str:
        raise RuntimeError("server gone")

    meter = Meter()
    with pytest.raises(RuntimeError):
        MeteredModel(ScriptedModel(broken), meter, _words).complete(ASK)
    assert meter.calls == 1 and meter.completion_tokens == 0
    assert meter.prompt_tokens == _words("You are pasi.") + _words("where is Ana?")


def test_a_stream_closed_early_counts_what_was_written() -> None:
    model = ScriptedModel(replies("one two three four"))
    meter = Meter()
    stream = MeteredModel(model, meter, _words).stream(ASK)
    assert next(stream).text == "one"
    stream.close()
    assert meter.calls == 1 and meter.completion_tokens == 1 and meter.estimated


def test_the_wrapper_is_the_model_it_wraps_to_its_callers() -> None:
    model = ScriptedModel(replies("hi"), name="scripted-x", local=False)
    metered = MeteredModel(model, Meter())
    assert isinstance(metered, ChatModel)
    assert (metered.name, metered.local) == ("scripted-x", False)
    metered.complete(ASK)
    assert metered.requests == [ASK]  # the wrapped model's own attributes
