"""The OpenAI chat wire format, spoken by both backends.

The ``openai`` SDK and llama.cpp's server (in process, models/llamacpp.py) both take messages
and tools as OpenAI-style dicts and return OpenAI-style completions and stream chunks, so the
translation to and from pasi's dataclasses is written once, here. Tool calls in a stream arrive
as fragments keyed by ``index`` (the id and name first, then the arguments a few characters at
a time); :class:`StreamAssembler` joins them into whole :class:`ToolCall` objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pasi.models.chat import ChatRequest, Chunk, Completion, Message, ToolCall, ToolSpec, Usage


def wire_messages(messages: Iterable[Message]) -> list[dict[str, Any]]:
    return [_wire_message(message) for message in messages]


def _wire_message(message: Message) -> dict[str, Any]:
    wired: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.images:  # the OpenAI vision format: a text part, then one part per image
        wired["content"] = [
            {"type": "text", "text": message.content},
            *({"type": "image_url", "image_url": {"url": i.data_url()}} for i in message.images),
        ]
    if message.tool_calls:
        wired["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in message.tool_calls
        ]
    if message.tool_call_id is not None:
        wired["tool_call_id"] = message.tool_call_id
    return wired


def wire_tools(tools: Iterable[ToolSpec]) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": tool.parameters,
            },
        }
        for tool in tools
    ]


def sampling(request: ChatRequest) -> dict[str, Any]:
    """max_tokens and temperature, only when the request sets them (servers have defaults)."""
    options: dict[str, Any] = {}
    if request.max_tokens is not None:
        options["max_tokens"] = request.max_tokens
    if request.temperature is not None:
        options["temperature"] = request.temperature
    return options


def completion_from_wire(response: dict[str, Any]) -> Completion:
    """A whole (non-streamed) chat completion response as a :class:`Completion`."""
    choice = (response.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    calls = tuple(
        ToolCall(
            id=call.get("id") or f"call_{index}",
            name=(call.get("function") or {}).get("name") or "",
            arguments=(call.get("function") or {}).get("arguments") or "",
        )
        for index, call in enumerate(message.get("tool_calls") or [])
    )
    return Completion(
        text=message.get("content") or "",
        tool_calls=calls,
        finish_reason=choice.get("finish_reason"),
        usage=_usage(response.get("usage")),
    )


def _usage(usage: dict[str, Any] | None) -> Usage | None:
    if not usage:
        return None
    return Usage(usage.get("prompt_tokens") or 0, usage.get("completion_tokens") or 0)


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


@dataclass
class StreamAssembler:
    """Turns stream chunks (dicts) into text :class:`Chunk` objects and a final Completion."""

    text: list[str] = field(default_factory=list)
    calls: dict[int, _PartialCall] = field(default_factory=dict)
    finish_reason: str | None = None
    usage: Usage | None = None

    def feed(self, chunks: Iterable[dict[str, Any]]) -> Iterator[Chunk]:
        for chunk in chunks:
            self.usage = _usage(chunk.get("usage")) or self.usage
            for choice in chunk.get("choices") or []:
                piece = self._take(choice)
                if piece:
                    yield Chunk(text=piece)
        yield Chunk(completion=self.completion())

    def _take(self, choice: dict[str, Any]) -> str:
        self.finish_reason = choice.get("finish_reason") or self.finish_reason
        delta = choice.get("delta") or {}
        for fragment in delta.get("tool_calls") or []:
            self._take_call(fragment)
        piece = delta.get("content") or ""
        self.text.append(piece)
        return piece

    def _take_call(self, fragment: dict[str, Any]) -> None:
        partial = self.calls.setdefault(fragment.get("index") or 0, _PartialCall())
        partial.id = fragment.get("id") or partial.id
        function = fragment.get("function") or {}
        partial.name = function.get("name") or partial.name
        partial.arguments.append(function.get("arguments") or "")

    def completion(self) -> Completion:
        calls = tuple(
            ToolCall(id=p.id or f"call_{i}", name=p.name, arguments="".join(p.arguments))
            for i, p in sorted(self.calls.items())
        )
        return Completion("".join(self.text), calls, self.finish_reason, self.usage)
