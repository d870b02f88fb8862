"""A model stream read against a deadline, so a turn ends on time even when a chunk never comes.

Checking the clock between chunks is not enough: a model stuck before its next token (a busy
llama.cpp, a silent server) would hold the turn forever. :func:`within` reads the stream on a
worker thread and waits for each chunk only until the deadline; then it stops waiting, and the
worker closes the stream as soon as it regains control, which stops generation (closing a
backend's stream ends its HTTP response or its llama.cpp request).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from typing import TypeVar

from pasi.errors import ModelTimeoutError

T = TypeVar("T")
DAY = 86400.0  # the longest single wait: a lock's timeout cannot be infinite


class TurnDeadline(ModelTimeoutError):
    """The turn's time (setting ``turn_seconds``) ran out while the model was writing."""


def within(items: Iterator[T], deadline: float) -> Iterator[T]:
    """``items`` as they come, until ``deadline`` (a ``time.monotonic()`` value)."""
    box: queue.Queue[tuple[str, object]] = queue.Queue()
    stop = threading.Event()
    worker = threading.Thread(
        target=_pump, args=(items, box, stop), daemon=True, name="pasi-model-stream"
    )
    worker.start()
    try:
        while True:
            left = deadline - time.monotonic()
            try:
                kind, value = box.get(timeout=min(left, DAY)) if left > 0 else box.get_nowait()
            except queue.Empty:
                raise TurnDeadline("the turn's time ran out") from None
            if kind == "item":
                yield value  # type: ignore[misc]
            elif kind == "end":
                return
            else:
                raise value  # type: ignore[misc]
    finally:
        stop.set()


def _pump(items: Iterator[T], box: queue.Queue[tuple[str, object]], stop: threading.Event) -> None:
    try:
        for item in items:
            if stop.is_set():
                break
            box.put(("item", item))
        box.put(("end", None))
    except BaseException as error:  # handed to the reader, which raises it in the turn
        box.put(("error", error))
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()
