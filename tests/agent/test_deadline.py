"""A stream read against a deadline: items and errors pass through; a stalled one is left."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from pasi.agent.deadline import TurnDeadline, within
from pasi.errors import ModelError, ModelTimeoutError


def test_items_and_the_end_pass_through_with_no_limit() -> None:
    assert list(within(iter(["a", "b"]), float("inf"))) == ["a", "b"]


def test_an_error_of_the_stream_reaches_the_reader() -> None:
    def failing() -> Iterator[str]:
        yield "a"
        raise ModelError("the server closed the connection")

    with pytest.raises(ModelError, match="closed the connection"):
        list(within(failing(), time.monotonic() + 60))


def test_a_stalled_stream_raises_and_is_closed_when_it_wakes() -> None:
    wake, closed = threading.Event(), threading.Event()

    def stalled() -> Iterator[str]:
        try:
            yield "a"
            wake.wait(30)
            yield "b"
        finally:
            closed.set()

    read: list[str] = []
    with pytest.raises(TurnDeadline):
        for item in within(stalled(), time.monotonic() + 0.2):
            read.append(item)
    assert read == ["a"] and issubclass(TurnDeadline, ModelTimeoutError)
    wake.set()
    assert closed.wait(5)
