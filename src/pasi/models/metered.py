"""Counting what a turn costs: model calls, prompt and completion tokens, and model time.

A small model on a laptop writes 10-20 tokens a second, so the number of calls per turn and
the tokens they carry decide how long the user waits. :class:`MeteredModel` wraps any
:class:`~pasi.models.chat.ChatModel` and adds each ``complete()`` and ``stream()`` to a
:class:`Meter`. Tokens come from the backend's ``usage`` (a stream's arrives with its final
chunk); a backend that reports none gets an estimate from ``count`` and the meter says so.
A backend's own retries inside one call (e.g. a schema repair) count as that one call.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pasi.models.chat import ChatModel, ChatRequest, Chunk, Completion

TokenCount = Callable[[str], int]


def rough_tokens(text: str) -> int:
    """About four characters a token: the fallback when no counter is given."""
    return (len(text) + 3) // 4


@dataclass
class Meter:
    """The running totals of the calls made through one or more metered models."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False  # some call's tokens were estimated: the backend gave no usage
    model_seconds: float = 0.0  # time spent waiting on the model, streamed pieces included
    started: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        """Seconds since the meter was made: the whole turn, when made at its start."""
        return time.perf_counter() - self.started

    def to_json(self) -> dict[str, Any]:
        """The totals as the ``answers`` record and ``pasi why`` show them."""
        return {
            "model_calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "tokens_estimated": self.estimated,
            "model_seconds": round(self.model_seconds, 3),
            "turn_seconds": round(self.elapsed(), 3),
        }

    def add(self, request: ChatRequest, completion: Completion | None, count: TokenCount) -> None:
        """One finished call (``completion`` None: it failed or was abandoned mid-stream)."""
        self.calls += 1
        usage = completion.usage if completion is not None else None
        if usage is not None and (usage.prompt_tokens or usage.completion_tokens):
            self.prompt_tokens += usage.prompt_tokens
            self.completion_tokens += usage.completion_tokens
            return
        self.estimated = True
        self.prompt_tokens += prompt_estimate(request, count)
        if completion is not None:
            self.completion_tokens += completion_estimate(completion, count)


def prompt_estimate(request: ChatRequest, count: TokenCount) -> int:
    """Messages and tool specs as the model would read them, give or take the template."""
    texts = [m.content for m in request.messages]
    texts += [c.name + c.arguments for m in request.messages for c in m.tool_calls]
    texts += [json.dumps([t.name, t.description, t.parameters]) for t in request.tools]
    if request.json_schema is not None:
        texts.append(json.dumps(request.json_schema))
    return sum(count(text) for text in texts)


def completion_estimate(completion: Completion, count: TokenCount) -> int:
    calls = "".join(c.name + c.arguments for c in completion.tool_calls)
    return count(completion.text + calls)


class MeteredModel:
    """A :class:`ChatModel` that adds every call it passes on to ``meter``.

    Everything else (``name``, ``local``, ``count_tokens``, a backend's own attributes) is the
    wrapped model's, so code holding the wrapper sees the model it wraps.
    """

    def __init__(self, inner: ChatModel, meter: Meter, count: TokenCount = rough_tokens) -> None:
        self.inner = inner
        self.meter = meter
        self.count = count

    def __getattr__(self, name: str) -> Any:  # only called for what this class lacks
        return getattr(self.inner, name)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def local(self) -> bool:
        return self.inner.local

    def complete(self, request: ChatRequest) -> Completion:
        start = time.perf_counter()
        completion = None
        try:
            completion = self.inner.complete(request)
            return completion
        finally:
            self.meter.model_seconds += time.perf_counter() - start
            self.meter.add(request, completion, self.count)

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        """The inner stream, timing only the waits on the model (not the consumer's work)."""
        completion: Completion | None = None
        pieces: list[str] = []
        start = time.perf_counter()
        chunks = iter(self.inner.stream(request))
        try:
            while True:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    break
                finally:
                    self.meter.model_seconds += time.perf_counter() - start
                pieces.append(chunk.text)
                completion = chunk.completion or completion
                yield chunk
                start = time.perf_counter()
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            if completion is None and pieces:  # abandoned mid-stream: what it wrote so far
                completion = Completion("".join(pieces))
            self.meter.add(request, completion, self.count)
