"""Stopping the server's turn threads ends an open turn at once and closes its generator."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from pasi.server.threads import ServerStoppingError, TurnThreads


def test_stop_ends_an_open_turn_and_closes_its_generator() -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            count = 0
            while True:
                count += 1
                yield count
                threading.Event().wait(0.05)  # a slow model: one token at a time
        finally:
            closed.set()

    async def run() -> list[int]:
        threads = TurnThreads()
        got: list[int] = []
        with pytest.raises(ServerStoppingError, match="your message is kept"):
            async for item in threads.iterate(endless):
                got.append(item)
                if item == 3:
                    threads.stop()
        threads.close(wait=2.0)
        return got

    got = asyncio.run(run())
    assert got[:3] == [1, 2, 3] and len(got) < 10
    assert closed.is_set(), "the turn's generator (and so the model's stream) was not closed"


def test_call_runs_on_a_worker_thread_and_passes_errors_back() -> None:
    async def run() -> tuple[str, str]:
        threads = TurnThreads()
        name = await threads.call(lambda: threading.current_thread().name)
        with pytest.raises(ValueError, match="bad"):
            await threads.call(lambda: int("bad"))
        return name, threading.current_thread().name

    worker, main = asyncio.run(run())
    assert worker == "pasi-turn" and worker != main
