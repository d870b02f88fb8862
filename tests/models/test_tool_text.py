"""The text-tool-call wrapper: calls parsed from replies, held back while streaming, prompt mode."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from pasi.errors import ModelCapabilityError
from pasi.models.chat import (
    ChatRequest,
    Chunk,
    Completion,
    Message,
    ScriptedModel,
    ToolCall,
    ToolSpec,
    replies,
)
from pasi.models.tool_text import TextToolCalls

RECALL = ToolSpec(
    "recall",
    "Search the user's memories.",
    {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
)
CALL = '{"name": "recall", "arguments": {"query": "sister"}}'
# Verbatim from Qwen2.5-Coder-0.5B-Instruct (see tests/models/test_toolcalls.py).
QWEN = (
    '{"name": "recall", "arguments": {"query": "Where does my sister live?", "k": 5, '
    '"required": ["query"]}}'
)
CALL_PIECES = ("{", "name", "recall", "tool_call", "```", "python_tag", "TOOL_CALLS", "functions")


@dataclass
class CharModel:
    """Streams its scripted reply one character at a time: the hardest case for holding back."""

    reply: str
    name: str = "chars"
    local: bool = True
    requests: list[ChatRequest] = field(default_factory=list)

    def complete(self, request: ChatRequest) -> Completion:
        self.requests.append(request)
        return Completion(self.reply)

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        self.requests.append(request)
        yield from (Chunk(text=char) for char in self.reply)
        yield Chunk(completion=Completion(self.reply))


def _streamed(reply: str) -> tuple[list[str], Completion]:
    model = TextToolCalls(CharModel(reply), "native")
    request = ChatRequest([Message("user", "where does my sister live?")], [RECALL])
    chunks = list(model.stream(request))
    # the completion comes once, last, after every piece of text
    assert [c.completion is not None for c in chunks] == [False] * (len(chunks) - 1) + [True]
    return [c.text for c in chunks if c.text], chunks[-1].completion  # type: ignore[return-value]


@pytest.mark.parametrize(
    "reply",
    [
        CALL,
        QWEN,
        f"```json\n{CALL}\n```",
        f"  \n<tool_call>\n{CALL}\n</tool_call>",
        f"<|python_tag|>{CALL}",
        f"[TOOL_CALLS][{CALL}]",
        'functions.recall:{"query": "sister"}',
    ],
)
def test_no_chunk_ever_shows_a_call(reply: str) -> None:
    texts, completion = _streamed(reply)
    assert texts == []
    assert [c.name for c in completion.tool_calls] == ["recall"]
    assert completion.text == "" and completion.finish_reason == "tool_calls"


@pytest.mark.parametrize("marker", ["<tool_call>", "```json\n", "", "<|python_tag|>"])
def test_prose_before_a_call_streams_and_the_call_does_not(marker: str) -> None:
    closing = {"<tool_call>": "</tool_call>", "```json\n": "\n```"}.get(marker, "")
    texts, completion = _streamed(f"Let me look that up. {marker}{CALL}{closing}")
    assert "".join(texts).strip() == "Let me look that up."
    assert not any(piece in "".join(texts) for piece in CALL_PIECES)
    assert completion.text == "Let me look that up." and len(completion.tool_calls) == 1


@pytest.mark.parametrize(
    "reply",
    [
        "Your sister lives in Lisbon.",
        '{"name": "Tom", "age": 31}',
        'Here is the JSON you asked for:\n```json\n{"name": "Tom", "age": 31}\n```\nAnything else?',
        "Use the form <b>bold</b> or func(x) [1] for that.",
    ],
)
def test_text_that_is_not_a_call_is_released_whole(reply: str) -> None:
    texts, completion = _streamed(reply)
    assert "".join(texts) == reply
    assert completion.text == reply and completion.tool_calls == ()


@pytest.mark.parametrize(
    ("reply", "first"),
    [("Your sister lives in Lisbon.", "Y"), ("[m1] says Lisbon.", "[m"), ("{1, 2} is a set", "{1")],
)
def test_plain_prose_streams_before_the_reply_ends(reply: str, first: str) -> None:
    model = TextToolCalls(CharModel(reply), "native")
    stream = model.stream(ChatRequest([Message("user", "hi")], [RECALL]))
    assert next(stream).text == first  # not held to the end: it cannot be a call


def test_complete_parses_calls_too() -> None:
    model = TextToolCalls(ScriptedModel(replies(f"<tool_call>{CALL}</tool_call>")))
    completion = model.complete(ChatRequest([Message("user", "x")], [RECALL]))
    assert completion.text == "" and completion.tool_calls[0].arguments == '{"query": "sister"}'


def test_native_calls_win_and_requests_without_tools_pass_untouched() -> None:
    native = ToolCall("n1", "recall", '{"query": "a"}')
    inner = ScriptedModel(replies(Completion("", (native,)), '{"name": "recall"}'))
    model = TextToolCalls(inner, "prompt")
    assert model.complete(ChatRequest([Message("user", "x")], [RECALL])).tool_calls == (native,)
    plain = ChatRequest([Message("user", "give me JSON")], json_schema={"type": "object"})
    assert model.complete(plain).text == '{"name": "recall"}'
    assert inner.requests[-1] is plain


def _conversation() -> list[Message]:
    call = ToolCall("c1", "recall", '{"query": "sister"}')
    return [
        Message("system", "You are pasi."),
        Message("system", "The client's own instructions."),
        Message("user", "Where does my sister live?"),
        Message("assistant", "", (call,)),
        Message("tool", "[m1] Ana lives in Lisbon", tool_call_id="c1"),
    ]


def test_prompt_mode_writes_the_tools_and_the_calls_as_text() -> None:
    inner = ScriptedModel(replies("Your sister lives in Lisbon."))
    model = TextToolCalls(inner, "prompt")
    list(model.stream(ChatRequest(_conversation(), [RECALL])))
    sent = inner.requests[0]
    assert sent.tools == ()
    assert [m.role for m in sent.messages] == ["system", "user", "assistant", "user"]
    system = sent.messages[0].content
    assert system.startswith("You are pasi.\n\nThe client's own instructions.\n\n# Tools")
    assert "- recall: Search the user's memories." in system
    assert sent.messages[2].content == (
        '<tool_call>{"name": "recall", "arguments": {"query": "sister"}}</tool_call>'
    )
    assert sent.messages[3].content == "<tool_response>\n[m1] Ana lives in Lisbon\n</tool_response>"
    assert all(not m.tool_calls and m.tool_call_id is None for m in sent.messages)


@dataclass
class NoToolsServer(ScriptedModel):
    """Refuses native tools, as a server without tool support answers (HTTP 400/500)."""

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        if request.tools:
            self.requests.append(request)
            raise ModelCapabilityError("the server does not support tools", "tools")
        yield from super().stream(request)

    def complete(self, request: ChatRequest) -> Completion:
        if request.tools:
            self.requests.append(request)
            raise ModelCapabilityError("the server does not support tools", "tools")
        return super().complete(request)


def test_auto_mode_moves_the_tools_into_the_prompt_once_they_are_refused() -> None:
    inner = NoToolsServer(replies(f"<tool_call>{CALL}</tool_call>"))
    model = TextToolCalls(inner, "auto")
    request = ChatRequest([Message("system", "You are pasi."), Message("user", "x")], [RECALL])
    completion = list(model.stream(request))[-1].completion
    assert completion is not None and completion.tool_calls[0].name == "recall"
    assert [bool(r.tools) for r in inner.requests] == [True, False]
    assert model.complete(request).tool_calls[0].name == "recall"
    assert [bool(r.tools) for r in inner.requests] == [True, False, False]  # remembered
    assert "# Tools" in inner.requests[-1].messages[0].content


def test_native_mode_reports_the_refusal() -> None:
    model = TextToolCalls(NoToolsServer(replies("x")), "native")
    with pytest.raises(ModelCapabilityError, match="does not support tools"):
        list(model.stream(ChatRequest([Message("user", "x")], [RECALL])))


def test_a_stream_closed_early_closes_the_backend_stream() -> None:
    closed: list[bool] = []

    class Endless(CharModel):
        def stream(self, request: ChatRequest) -> Iterator[Chunk]:
            try:
                while True:
                    yield Chunk(text="word ")
            finally:
                closed.append(True)

    stream = TextToolCalls(Endless(""), "native").stream(ChatRequest([], [RECALL]))
    assert next(stream).text == "word "
    stream.close()
    assert closed == [True]


def test_the_wrapper_shows_the_backend_attributes() -> None:
    inner = ScriptedModel(replies("x"), name="ollama:qwen", local=False)
    model = TextToolCalls(inner)
    assert (model.name, model.local, model.requests) == ("ollama:qwen", False, inner.requests)
    assert model.mode == "auto" and not model.prompted


def test_a_call_of_an_offered_tool_is_never_shown_even_when_it_cannot_run() -> None:
    """Seen with Qwen2.5-Coder-0.5B in the last request (no tools): a call whose arguments hold
    the error it was told. Whole JSON naming no tool stays an answer."""
    reply = '{"name": "recall", "arguments": {"query": 12, "error": "invalid arguments"}'
    shown, final = _streamed(reply)
    assert "".join(shown) == "" and "recall" not in final.text
    shown, final = _streamed('{"name": "Tom", "age": 31}')
    assert "".join(shown) == '{"name": "Tom", "age": 31}'


def test_a_call_written_as_a_bracketed_pair_is_never_shown() -> None:
    """Seen with Qwen2.5-Coder-0.5B asked for a goal, in the last request (no tools)."""
    shown, final = _streamed('[recall, {"query": "sister", "k": 5}]')
    assert "".join(shown) == "" and final.text == ""
