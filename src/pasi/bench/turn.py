"""The time a chat turn spends outside the model, on a vault of n synthetic memories.

A :class:`ScriptedModel` answers instantly, so what is timed is pasi's own work on each turn:
recording the message (SQLite, FTS terms, an embedding), assembling the context (profile query,
recent turns, retrieval, neighbour lookups, token counting), streaming the reply through the
tool loop, recording the reply and its ``answers`` row. The model's own time (the scripted
handler) is measured apart and subtracted. The first turn loads the vector matrix; it is
reported as ``cold`` and left out of the percentiles, as in ``pasi bench scale``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pasi.agent.assistant import Assistant
from pasi.agent.context import ContextLimits
from pasi.bench.common import peak_rss_mb, percentile, postgres_databases, scratch_store
from pasi.bench.scale import CHUNK, machine_info
from pasi.bench.synthetic import MemoryFaker
from pasi.clock import Clock
from pasi.models.chat import ChatRequest, Completion, ScriptedModel
from pasi.models.embedder import Embedder

ASKED_AT = datetime(2026, 6, 1, tzinfo=UTC)
REPLY = "Here is what I found in your notes [m1]; tell me more if that is not it."


class _TimedHandler:
    """The scripted model's handler, keeping how long the 'model' itself took."""

    def __init__(self) -> None:
        self.spent = 0.0

    def __call__(self, request: ChatRequest) -> Completion:
        began = time.perf_counter()
        reply = Completion(REPLY, finish_reason="stop")
        self.spent += time.perf_counter() - began
        return reply


def _ticking_clock(start: datetime) -> Clock:
    """A clock one minute later at every reading: turns get distinct, ordered times."""
    state = {"now": start}

    def clock() -> datetime:
        state["now"] += timedelta(minutes=1)
        return state["now"]

    return clock


def run_turn(
    n: int = 100_000,
    turns: int = 200,
    *,
    embedder: Embedder | None,
    budget: int = ContextLimits.tokens,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    backend: str = "sqlite",
    postgres_url: str | None = None,
) -> dict[str, Any]:
    """``backend="postgres"``: the vault in a PostgreSQL database (``postgres_url``, or a
    throwaway local server's)."""
    if backend == "postgres":
        with postgres_databases(postgres_url) as database:
            found = _run(n, turns, embedder, budget, seed, progress, database())
    else:
        found = _run(n, turns, embedder, budget, seed, progress, None)
    return {**found, "backend": backend}


def _run(n, turns, embedder, budget, seed, progress, postgres) -> dict[str, Any]:
    if embedder is not None:
        embedder.embed(["load the model before the clock starts"])
    faker = MemoryFaker(seed)
    handler = _TimedHandler()
    model = ScriptedModel(handler, name="scripted-instant")
    user = f"turn-{uuid.uuid4().hex[:12]}"
    with scratch_store(embedder, postgres=postgres, user=user) as store:
        for start in range(0, n, CHUNK):
            store.remember_many(list(faker.memories(min(CHUNK, n - start))))
            if progress:
                progress(f"{min(n, start + CHUNK):,} memories stored")
        store.clock = _ticking_clock(ASKED_AT)
        assistant = Assistant(store, model, clock=store.clock, limits=ContextLimits(tokens=budget))
        outside, tokens, items = _turns(assistant, handler, faker, turns + 1)
    cold, warm = outside[0], outside[1:]
    return {
        "benchmark": "turn",
        "memories": n,
        "turns": len(warm),
        "budget_tokens": budget,
        "embedder": getattr(embedder, "name", None),
        "outside_model_ms": {
            "p50": round(percentile(warm, 50), 2),
            "p95": round(percentile(warm, 95), 2),
            "mean": round(sum(warm) / len(warm), 2) if warm else 0.0,
            "cold": round(cold, 2),
        },
        "context_tokens_mean": round(sum(tokens) / len(tokens), 1),
        "context_items_mean": round(sum(items) / len(items), 1),
        "peak_rss_mb": peak_rss_mb(),
        "machine": machine_info(),
    }


def _turns(
    assistant: Assistant, handler: _TimedHandler, faker: MemoryFaker, count: int
) -> tuple[list[float], list[int], list[int]]:
    """Milliseconds outside the model per turn; context tokens and items per turn."""
    outside: list[float] = []
    tokens: list[int] = []
    items: list[int] = []
    for index in range(count):
        message = faker.question() if index % 2 == 0 else faker.memory().text
        handler.spent = 0.0
        began = time.perf_counter()
        answer = assistant.ask(message)
        total = time.perf_counter() - began
        outside.append((total - handler.spent) * 1000)
        shaped = assistant.last_context
        tokens.append(shaped.tokens if shaped else 0)
        items.append(len(shaped.items) if shaped else 0)
        assert answer.text
    return outside, tokens, items
