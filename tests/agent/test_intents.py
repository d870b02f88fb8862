"""Clear reminders and notes run without a model call; anything less clear still reaches it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from life.life_clock import ZONE, write_charter
from pasi.agent.assistant import Assistant
from pasi.agent.events import Answer, TextDelta, ToolFinished, ToolStarted
from pasi.agent.intents import recognise
from pasi.life.reminders import Reminders
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatRequest, ScriptedModel
from pasi.tools import default_tools
from pasi.tools.wrappers import read_only
from pasi.vault import answers

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)  # Sunday 13:00 in Berlin (tests/conftest.py)


def _unreachable(request: ChatRequest) -> str:
    raise AssertionError("the model was called for a message pasi can handle itself")


@pytest.mark.parametrize(
    ("message", "text", "due", "cadence"),
    [
        ("Please remind me on Friday at 8am to buy rosin…", "buy rosin",
         datetime(2024, 3, 15, 7, 0, tzinfo=UTC), None),  # 08:00 in Berlin (CET)
        ("remind me to call Anna tomorrow at 9", "call Anna",
         datetime(2024, 3, 11, 8, 0, tzinfo=UTC), None),
        ("every first Monday at 9 remind me to pay rent", "pay rent",
         datetime(2024, 4, 1, 7, 0, tzinfo=UTC), "every first Monday at 9"),  # CEST by then
    ],
)  # fmt: skip
def test_a_clear_reminder_is_set_without_the_model(
    store: MemoryStore, message: str, text: str, due: datetime, cadence: str | None
) -> None:
    write_charter(store.vault.directory)
    model = ScriptedModel(_unreachable)
    events = list(Assistant(store, model, clock=store.clock).turn(message))
    assert model.requests == []
    (reminder,) = Reminders(store.vault, ZONE, store.clock).list()
    assert (reminder.text, reminder.due, reminder.cadence) == (text, due, cadence)
    started, finished, delta, answer = events
    assert isinstance(started, ToolStarted) and started.call.name == "add_reminder"
    assert isinstance(finished, ToolFinished) and finished.result.ok
    assert isinstance(delta, TextDelta) and isinstance(answer, Answer)
    local = due.astimezone(ZoneInfo(ZONE))
    assert answer.text.startswith(f"Reminder set: {text}, {local:%A %d %B %Y at %H:%M}")
    assert answer.rounds == 0 and reminder.episode_id == answer.question_episode_id
    record = answers.latest_answer(store.vault.read())
    assert record is not None and record.context["rounds"] == 0
    [call] = record.context["tool_calls"]
    assert call["name"] == "add_reminder" and call["ok"] and call["id"] == "local_reminder"
    assert call["arguments"]["text"] == text
    audited = store.vault.read().execute("SELECT action FROM audit").fetchall()
    assert [row[0] for row in audited] == ["tool:add_reminder"]  # the gate audited it


def test_remember_that_stores_the_memory_with_its_subject_and_evidence(
    store: MemoryStore,
) -> None:
    model = ScriptedModel(_unreachable)
    answer = Assistant(store, model, clock=store.clock).ask("remember that Ana's birthday is 3 May")
    assert model.requests == []
    (memory,) = store.list()
    assert (memory.text, memory.subject) == ("Ana's birthday is 3 May", "Ana")
    assert memory.evidence == (answer.question_episode_id,)
    assert answer.text == f"Noted: Ana's birthday is 3 May [m{memory.id}]."
    assert [(c.tag, c.resolved) for c in answer.citations] == [(f"m{memory.id}", True)]


def test_a_sensitive_note_still_waits_for_the_users_consent(store: MemoryStore) -> None:
    model = ScriptedModel(_unreachable)
    answer = Assistant(store, model, clock=store.clock).ask(
        "note that I was diagnosed with diabetes"
    )
    assert model.requests == [] and store.list() == []
    assert answer.text.startswith("Not stored: this is about health")
    assert "`pasi consent health yes`" in answer.text


@pytest.mark.parametrize(
    "message",
    [
        "remind me to buy rosin",  # no time
        "Can you remind me to call Anna tomorrow at 9?",  # a question
        "remind me tomorrow at 9 to call Anna and tell me what is on today",
        "Remind me to call Anna tomorrow. Also, what is on today",  # two requests
        "I live in Bergen now, so remind me to call mum tomorrow",  # inside a longer message
        "remind me tomorrow to call Anna on Friday",  # two times
        "Remember: my bike is blue",
        "remember that time we went to Rome",
        "do you remember that my bike is blue",
    ],
)
def test_anything_less_clear_goes_to_the_model(store: MemoryStore, message: str) -> None:
    write_charter(store.vault.directory)
    model = ScriptedModel(lambda _: "Sure.")
    answer = Assistant(store, model, clock=store.clock).ask(message)
    assert len(model.requests) == 1 and answer.rounds == 1 and answer.text.startswith("Sure.")
    assert Reminders(store.vault, ZONE, store.clock).list() == [] and store.list() == []
    asked = "remind me" in message.lower()  # the model set none: said so, when one was asked
    assert ("[pasi: no reminder was set this turn" in answer.text) == asked


def test_without_the_tool_or_with_intents_off_the_model_decides(store: MemoryStore) -> None:
    message = "remind me to call Anna tomorrow at 9"
    for assistant in (
        Assistant(store, ScriptedModel(lambda _: "Sure."), clock=store.clock, local_intents=False),
        Assistant(store, ScriptedModel(lambda _: "Sure."), tools=read_only(default_tools()),
                  clock=store.clock),
    ):  # fmt: skip
        reply = assistant.ask(message).text
        assert reply.startswith("Sure.") and "no reminder was set" in reply
        assert len(assistant.model.requests) == 1  # type: ignore[attr-defined]
    assert Reminders(store.vault, ZONE, store.clock).list() == []


def test_recognise_splits_what_from_when_in_each_word_order() -> None:
    said = {
        "remind me in 20 minutes to check the oven": ("check the oven", "in 20 minutes"),
        "hey pasi, remind me in an hour to stretch": ("stretch", "in an hour"),
        "remind me to water the plants every Sunday evening": (
            "water the plants", "every Sunday evening"
        ),
        "Tomorrow at 9, remind me to call the bank": ("call the bank", "Tomorrow at 9"),
    }  # fmt: skip
    for message, (what, when) in said.items():
        intent = recognise(message, NOW, ZONE)
        assert intent is not None and intent.arguments == {"text": what, "when": when}, message
    noted = recognise("note that I prefer tea over coffee", NOW, ZONE)
    assert noted is not None and noted.arguments == {
        "text": "I prefer tea over coffee", "kind": "preference", "subject": "user"
    }  # fmt: skip
