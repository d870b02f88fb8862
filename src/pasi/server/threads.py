"""Run pasi's synchronous turns on worker threads, so the event loop never waits on them.

A turn is a generator (model tokens, tool calls, SQLite reads and writes). It runs whole on
one worker thread; its events cross to the event loop through an asyncio queue. When the
client goes away, the generator is closed at its next event and the thread is freed.

When the server stops (:meth:`TurnThreads.stop`, on SIGTERM or Ctrl-C), every open turn ends
at once for its client (a :class:`ServerStoppingError` as its last event) and its generator is
closed at its next event, which closes the model's stream so the model server stops
generating too. The threads are daemon threads: a turn stuck inside a model call (a long
prompt, a busy server) never keeps the process alive after the server has stopped. What was
said is kept: a turn records the user's message before it asks the model.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

from pasi.errors import PasiError

T = TypeVar("T")

WORKERS = 64  # turns mostly wait on the model's HTTP stream, so threads are cheap here


class ServerStoppingError(PasiError):
    """The server is stopping: the turn in progress was ended (its question is kept)."""


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()
_STOPPED = object()


@dataclass(eq=False)  # hashable by identity: the open turns are a set of workers
class Worker(Generic[T]):
    """One generator driven on a worker thread."""

    make: Callable[[], Iterator[T]]
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[object]
    stop: threading.Event
    stopping: threading.Event = field(default_factory=threading.Event)  # the whole server's

    def run(self) -> None:
        put = self.queue.put_nowait
        try:
            with closing(self.make()) as events:  # type: ignore[type-var]
                for event in events:
                    self.loop.call_soon_threadsafe(put, event)
                    if self.stop.is_set() or self.stopping.is_set():
                        break
        except BaseException as error:  # delivered to the awaiting side, which decides
            self._deliver(_Failed(error))
        finally:
            self._deliver(_END)

    def _deliver(self, item: object) -> None:
        with suppress(RuntimeError):  # the event loop is closed: the server stopped, none waits
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)


class TurnThreads:
    """The threads turns run on, owned by the app and stopped with it."""

    def __init__(self, workers: int = WORKERS) -> None:
        self.stopping = threading.Event()
        self._slots = threading.BoundedSemaphore(workers)
        self._threads: set[threading.Thread] = set()
        self._workers: set[Worker[Any]] = set()
        self._lock = threading.Lock()

    async def iterate(self, make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
        """The events of ``make()``, produced on a worker thread, as an async iterator.

        An exception in the generator is raised here; leaving early stops the generator; the
        server stopping raises :class:`ServerStoppingError`.
        """
        loop = asyncio.get_running_loop()
        worker: Worker[T] = Worker(make, loop, asyncio.Queue(), threading.Event(), self.stopping)
        await self._start(worker.run, worker)
        try:
            while True:
                item = await worker.queue.get()
                if item is _END:
                    return
                if item is _STOPPED:
                    raise ServerStoppingError(
                        "pasi is stopping: this answer was cut short (your message is kept)"
                    )
                if isinstance(item, _Failed):
                    raise item.error
                yield item  # type: ignore[misc]
        finally:
            worker.stop.set()

    async def call(self, function: Callable[[], T]) -> T:
        """``function()`` on a worker thread."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()

        def run() -> None:
            try:
                result = function()
            except BaseException as error:
                _settle(future, partial(future.set_exception, error))
            else:
                _settle(future, partial(future.set_result, result))

        await self._start(run)
        return await future

    def stop(self) -> None:
        """End every open turn now (call on the event loop): the server is stopping."""
        self.stopping.set()
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.queue.put_nowait(_STOPPED)

    def close(self, wait: float = 2.0) -> None:
        """Stop, and give running threads up to ``wait`` seconds to finish (e.g. to close a
        model's stream); a thread still stuck in a model call is left to die with the process."""
        self.stopping.set()
        deadline = time.monotonic() + wait
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0))

    async def _start(self, target: Callable[[], None], worker: Worker[Any] | None = None) -> None:
        """Run ``target`` on a new daemon thread once one of the ``workers`` slots is free."""
        while not self._slots.acquire(blocking=False):
            await asyncio.sleep(0.05)
        thread = threading.Thread(
            target=self._run, args=(target, worker), name="pasi-turn", daemon=True
        )
        with self._lock:
            self._threads.add(thread)
            if worker is not None:
                self._workers.add(worker)
        thread.start()

    def _run(self, target: Callable[[], None], worker: Worker[Any] | None) -> None:
        try:
            target()
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())
                self._workers.discard(worker)  # type: ignore[arg-type]
            self._slots.release()


def _settle(future: asyncio.Future[Any], settle: Callable[[], None]) -> None:
    def apply() -> None:
        if not future.done():
            settle()

    with suppress(RuntimeError):  # the event loop is closed: nobody waits for this any more
        future.get_loop().call_soon_threadsafe(apply)
