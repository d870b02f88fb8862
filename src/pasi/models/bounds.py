"""Every model call bounded: a token cap, and a stop when the model loops.

A small local model can write the same line until the server's own limit, keeping llama.cpp
busy for minutes after the user has stopped waiting. :class:`Bounded` wraps any
:class:`~pasi.models.chat.ChatModel` (pasi.models.registry wraps every model it builds): a call
without ``max_tokens`` gets the cap (setting ``model_max_tokens``), and a reply that falls into
a degenerate loop (pasi.models.repetition) is ended after the loop's first copy, with
``finish_reason="repetition"``. In a stream the inner stream is closed at once, which closes
the HTTP connection (or stops llama.cpp in process), so the backend stops generating too.

JSON-schema requests are only capped: cutting JSON would break it, and the schema check
(pasi.models.structured) already reports a reply that does not validate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from pasi.models.chat import ChatModel, ChatRequest, Chunk, Completion
from pasi.models.repetition import RepetitionGuard, trim_loop

DEFAULT_MAX_TOKENS = 512
REPETITION = "repetition"  # the finish_reason of a reply ended at a loop


class Bounded:
    """A :class:`ChatModel` around another, with every call capped and stopped on a loop.

    Other attributes (``endpoint``, ``who()``, ``schema_mode``...) are the inner model's.
    """

    def __init__(
        self,
        inner: ChatModel,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float | None = None,
    ) -> None:
        """``temperature``: for calls that set none (None: the backend's own default)."""
        self.inner = inner
        self.name = inner.name
        self.max_tokens = max_tokens
        self.temperature = temperature

    @property
    def local(self) -> bool:
        return self.inner.local

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (e.g. while copying): no recursion
            raise AttributeError(name)
        return getattr(self.inner, name)

    def complete(self, request: ChatRequest) -> Completion:
        completion = self.inner.complete(self._capped(request))
        if request.json_schema is not None:
            return completion
        trimmed = trim_loop(completion.text)
        if trimmed is None:
            return completion
        return replace(completion, text=trimmed, tool_calls=(), finish_reason=REPETITION)

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        """The inner stream, with text that may be a loop's start held back until it is not."""
        inner = self.inner.stream(self._capped(request))
        if request.json_schema is not None:
            yield from inner
            return
        guard, shown = RepetitionGuard(), 0
        try:
            for chunk in inner:
                if chunk.text:
                    guard.feed(chunk.text)
                if guard.cut is not None:
                    guard.stop_at(shown)
                    _close(inner)  # the backend stops generating now
                    yield from _text(guard.part(shown, guard.cut))
                    yield Chunk(completion=Completion(guard.result(), finish_reason=REPETITION))
                    return
                safe = guard.size if chunk.completion is not None else guard.safe()
                if safe > shown:
                    yield Chunk(text=guard.part(shown, safe))
                    shown = safe
                if chunk.completion is not None:
                    yield Chunk(completion=chunk.completion)
            yield from _text(guard.part(shown, guard.size))  # only if no completion came
        finally:
            _close(inner)

    def _capped(self, request: ChatRequest) -> ChatRequest:
        if request.max_tokens is None:
            request = replace(request, max_tokens=self.max_tokens)
        if request.temperature is None and self.temperature is not None:
            request = replace(request, temperature=self.temperature)
        return request


def _close(stream: Iterator[Chunk]) -> None:
    close = getattr(stream, "close", None)
    if close is not None:
        close()


def _text(text: str) -> Iterator[Chunk]:
    if text:
        yield Chunk(text=text)
