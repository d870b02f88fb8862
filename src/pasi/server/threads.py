"""Run pasi's synchronous turns on worker threads, so the event loop never waits on them.

A turn is a generator (model tokens, tool calls, SQLite reads and writes). It runs whole on
one worker thread; its events cross to the event loop through an asyncio queue. When the
client goes away, the generator is closed at its next event and the thread is freed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

WORKERS = 64  # turns mostly wait on the model's HTTP stream, so threads are cheap here


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()


@dataclass
class Worker(Generic[T]):
    """One generator driven on a worker thread."""

    make: Callable[[], Iterator[T]]
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[object]
    stop: threading.Event

    def run(self) -> None:
        put = self.queue.put_nowait
        try:
            with closing(self.make()) as events:  # type: ignore[type-var]
                for event in events:
                    self.loop.call_soon_threadsafe(put, event)
                    if self.stop.is_set():
                        break
        except BaseException as error:  # delivered to the awaiting side, which decides
            self.loop.call_soon_threadsafe(put, _Failed(error))
        finally:
            self.loop.call_soon_threadsafe(put, _END)


class TurnThreads:
    """The pool turns run on, owned by the app and shut down with it."""

    def __init__(self, workers: int = WORKERS) -> None:
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pasi-turn")

    async def iterate(self, make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
        """The events of ``make()``, produced on a worker thread, as an async iterator.

        An exception in the generator is raised here; leaving early stops the generator.
        """
        loop = asyncio.get_running_loop()
        worker: Worker[T] = Worker(make, loop, asyncio.Queue(), threading.Event())
        loop.run_in_executor(self.executor, worker.run)
        try:
            while True:
                item = await worker.queue.get()
                if item is _END:
                    return
                if isinstance(item, _Failed):
                    raise item.error
                yield item  # type: ignore[misc]
        finally:
            worker.stop.set()

    async def call(self, function: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, function)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
