"""The composition root builds each lazily made part once, even when threads ask at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import pasi.memory.learning as learning
from pasi.app import Pasi
from pasi.config import Settings


def test_threads_asking_for_the_learner_at_once_share_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    real = learning.Learner

    def slow_learner(*args: object, **kwargs: object) -> object:
        time.sleep(0.05)  # widen the window two server threads could both build in
        learner = real(*args, **kwargs)
        built.append(learner)
        return learner

    monkeypatch.setattr(learning, "Learner", slow_learner)
    app = Pasi(Settings(vault=tmp_path / "vault", embedder="none", model="none"))
    start = threading.Barrier(6)
    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(app.learner)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len(built) == 1 and all(learner is built[0] for learner in got) and len(got) == 6
    finally:
        app.close()
