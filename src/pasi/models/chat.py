"""The chat model seam: one protocol, two methods, for every language model pasi can use.

Backends (OpenAI-compatible HTTP, in-process llama.cpp) implement :class:`ChatModel`; so does
:class:`ScriptedModel`, a plain function behind the same protocol, which runs agent and memory
logic in tests with no model at all (the idea of pydantic-ai's ``FunctionModel``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text exactly as the model wrote it: it may be malformed

    def parsed_arguments(self) -> dict[str, Any]:
        """The arguments as a dict; raises ValueError with the raw text when they are not."""
        try:
            value = json.loads(self.arguments or "{}")
        except json.JSONDecodeError as error:
            raise ValueError(f"tool call {self.name}: arguments are not JSON: {error}") from None
        if not isinstance(value, dict):
            raise ValueError(f"tool call {self.name}: arguments must be a JSON object")
        return value


@dataclass(frozen=True)
class ImagePart:
    """An image shown to a vision-capable model with a user message (pasi.models.vision)."""

    data: bytes
    mime: str = "image/jpeg"

    def data_url(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Message:
    role: Role
    content: str
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None  # for role "tool": which call this answers
    images: tuple[ImagePart, ...] = ()  # sent as OpenAI ``image_url`` content parts


@dataclass(frozen=True)
class ToolSpec:
    """A tool offered to the model: its JSON-schema ``parameters`` describe the arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ChatRequest:
    messages: Sequence[Message]
    tools: Sequence[ToolSpec] = ()
    json_schema: dict[str, Any] | None = None  # when set, the reply must be JSON of this schema
    max_tokens: int | None = None
    temperature: float | None = None


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class Completion:
    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    usage: Usage | None = None


@dataclass(frozen=True)
class Chunk:
    """A piece of a streamed reply; the last chunk carries the whole :class:`Completion`."""

    text: str = ""
    completion: Completion | None = None


@runtime_checkable
class ChatModel(Protocol):
    """A language model. ``name`` says which one, for logs, audit and ``pasi models list``.

    ``local`` says whether it runs on the user's machine (pasi.models.locality); a model that
    is not local only ever sees the user's data through the privacy gateway (pasi.privacy).
    """

    name: str
    local: bool

    def complete(self, request: ChatRequest) -> Completion: ...

    def stream(self, request: ChatRequest) -> Iterator[Chunk]: ...


Handler = Callable[[ChatRequest], "Completion | str"]


@dataclass
class ScriptedModel:
    """A model whose replies come from a function: for tests and for offline harnesses.

    The handler gets the whole request and returns a :class:`Completion` or plain text.
    Every request is kept in ``requests`` so tests can check what the model was sent.
    ``local=False`` makes it stand in for a cloud model.
    """

    handler: Handler
    name: str = "scripted"
    local: bool = True
    requests: list[ChatRequest] = field(default_factory=list)

    def complete(self, request: ChatRequest) -> Completion:
        self.requests.append(request)
        reply = self.handler(request)
        return reply if isinstance(reply, Completion) else Completion(reply, finish_reason="stop")

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        completion = self.complete(request)
        for index, word in enumerate(completion.text.split(" ")):
            yield Chunk(text=word if index == 0 else " " + word)
        yield Chunk(completion=completion)


def replies(*texts: str | Completion) -> Handler:
    """A handler that answers with ``texts`` in order (the last one repeats)."""
    queue = list(texts)

    def handler(_: ChatRequest) -> Completion | str:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler
