"""The background learner: queued turns become memories off the caller's thread; failures wait."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime

from pasi.memory.extract import EXTRACTION_SCHEMA
from pasi.memory.learning import Learner
from pasi.memory.store import MemoryStore, Turn
from pasi.models.chat import ChatRequest, ScriptedModel, replies
from pasi.vault import jobs

SAID = datetime(2024, 3, 8, 18, 30, tzinfo=UTC)


def echo_facts(request: ChatRequest) -> str:
    """A model that turns each user turn into the memory 'The user said: ...'."""
    prompt = request.messages[-1].content
    memories = [
        {
            "text": f"The user said: {text}",
            "kind": "fact",
            "subject": "user",
            "when": None,
            "confidence": 0.9,
            "evidence": [int(turn_id)],
        }
        for turn_id, text in re.findall(r"^\[(\d+)\] .*? user: (.*)$", prompt, re.MULTILINE)
    ]
    return json.dumps({"memories": memories})


def _record(store: MemoryStore, *texts: str) -> list[int]:
    return [i for i in store.record_turns([Turn(t, occurred_at=SAID) for t in texts]) if i]


def test_enqueue_returns_at_once_even_when_the_model_is_slow(store: MemoryStore) -> None:
    release = threading.Event()

    def slow(request: ChatRequest) -> str:
        release.wait(10)
        return echo_facts(request)

    learner = Learner(store, ScriptedModel(slow), batch_seconds=0.05)
    ids = _record(store, "I play the cello.")
    started = time.perf_counter()
    job = learner.enqueue(ids)
    assert time.perf_counter() - started < 5  # the model holds its answer for 10 s
    assert job is not None and store.list() == []
    release.set()
    assert learner.drain(timeout=20)
    assert [m.text for m in store.list()] == ["The user said: I play the cello."]
    assert store.list()[0].evidence == tuple(ids)
    learner.close()


def test_turns_enqueued_together_are_learned_in_one_model_call(store: MemoryStore) -> None:
    model = ScriptedModel(echo_facts)
    learner = Learner(store, model, batch_seconds=5.0)
    for text in ("I run on Sundays.", "I keep bees.", "I speak Greek."):
        learner.enqueue(_record(store, text))
    assert learner.drain(timeout=20)
    assert len([r for r in model.requests if r.json_schema == EXTRACTION_SCHEMA]) == 1
    assert len(store.list()) == 3
    assert jobs.count_by_status(store.vault.read())["done"] == 3
    learner.close()


def test_unreadable_output_lands_in_pending_and_reextract_later_succeeds(
    store: MemoryStore,
) -> None:
    ids = _record(store, "I moved to Lisbon.")
    broken = Learner(store, ScriptedModel(replies("the memories are: none, sorry")))
    broken.enqueue(ids)
    report = broken.run_pending()
    # the job failed; what the user stated plainly is kept all the same, made locally
    assert report.failed == 1 and [m.text for m in store.list()] == ["The user moved to Lisbon."]
    [failed] = broken.pending()
    assert failed.status == "failed" and failed.attempts == 1
    assert "none, sorry" in (failed.raw_output or "") and "not the JSON" in (failed.error or "")
    assert failed.episode_ids == tuple(ids)

    fixed = Learner(store, ScriptedModel(echo_facts))
    again = fixed.reextract(failed_only=True)
    assert again.done == 1 and fixed.pending() == []
    assert len(store.list()) == 1  # the model's memory says what the local one says: one fact


def test_reextract_over_a_period_adds_nothing_twice(store: MemoryStore) -> None:
    _record(store, "I grow tomatoes.", "I own a red bike.")
    learner = Learner(store, ScriptedModel(echo_facts))
    first = learner.reextract(since=datetime(2024, 3, 1, tzinfo=UTC))
    second = learner.reextract(until=datetime(2024, 3, 9, tzinfo=UTC))
    assert (first.added, second.added, second.unchanged) == (2, 0, 2)
    nothing = learner.reextract(since=datetime(2024, 4, 1, tzinfo=UTC))
    assert nothing.done == 0


def test_a_model_that_raises_fails_the_job_without_killing_the_worker(
    store: MemoryStore,
) -> None:
    calls = []

    def flaky(request: ChatRequest) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("server down")
        return echo_facts(request)

    learner = Learner(store, ScriptedModel(flaky), batch_seconds=0.01)
    learner.enqueue(_record(store, "I like rye bread."))
    learner.drain(timeout=20)
    assert "server down" in (learner.pending()[0].error or "")
    learner.enqueue(_record(store, "I like oat milk."))
    assert learner.drain(timeout=20)
    assert [m.text for m in store.list()] == ["The user said: I like oat milk."]
    learner.close()


def test_without_a_model_turns_stay_queued(store: MemoryStore) -> None:
    learner = Learner(store, None)
    learner.enqueue(_record(store, "I collect stamps."))
    assert [j.status for j in learner.pending()] == ["pending"]
    assert learner.drain(timeout=1) is False
