"""Goals and reminders set in conversation: the model's tool calls, with the turn as evidence."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from life.life_clock import write_charter
from pasi.agent.assistant import Assistant
from pasi.life.goals import Goals
from pasi.life.reminders import Reminders
from pasi.memory.store import MemoryStore
from pasi.models.chat import Completion, ScriptedModel, ToolCall, replies
from pasi.tools import ToolContext, default_tools
from pasi.tools.wrappers import read_only

ZONE = "Europe/Berlin"


def _call(name: str, **arguments: object) -> Completion:
    return Completion("", (ToolCall("c1", name, json.dumps(arguments)),))


def test_a_goal_said_in_chat_is_added_and_progress_keeps_the_turn(store: MemoryStore) -> None:
    write_charter(store.vault.directory)
    model = ScriptedModel(replies(
        _call("add_goal", title="Run a half marathon", why="for my 40th",
              milestones=["10 km", "15 km"], check_in="every Sunday evening", due="April 28"),
        "Added: run a half marathon by 28 April; I will check in on Sundays.",
        _call("record_goal_progress", goal="marathon", note="ran 8 km"),
        "Noted: 8 km.",
    ))  # fmt: skip
    assistant = Assistant(store, model, clock=store.clock)
    assistant.ask("I want to run a half marathon in April, for my 40th")
    answer = assistant.ask("ran 8 km today")
    (goal,) = Goals(store.vault, ZONE, store.clock).list()
    assert (goal.title, goal.why, goal.check_in) == (
        "Run a half marathon", "for my 40th", "every Sunday evening"
    )  # fmt: skip
    assert [(p.note, p.evidence) for p in goal.progress] == [
        ("ran 8 km", (answer.question_episode_id,))
    ]
    evidence = store.vault.read().execute("SELECT text FROM episodes WHERE id = ?",
                                          (answer.question_episode_id,)).fetchone()[0]  # fmt: skip
    assert evidence == "ran 8 km today"


def test_a_reminder_said_in_chat_is_scheduled_in_the_users_zone(store: MemoryStore) -> None:
    write_charter(store.vault.directory)
    model = ScriptedModel(replies(
        _call("add_reminder", text="call mum", when="Sunday evening"), "I will remind you."
    ))  # fmt: skip
    answer = Assistant(store, model, clock=store.clock).ask(
        "Could you remind me to call mum on Sunday evening?"  # a question: the model decides
    )
    (reminder,) = Reminders(store.vault, ZONE, store.clock).list()
    # The conftest clock is Sunday 10 March 2024, 13:00 in Berlin: this evening at 18:00.
    assert reminder.due == datetime(2024, 3, 10, 17, 0, tzinfo=UTC)
    assert reminder.episode_id == answer.question_episode_id


def test_a_bad_time_comes_back_to_the_model_and_stores_nothing(store: MemoryStore) -> None:
    write_charter(store.vault.directory)
    call = ToolCall("c1", "add_reminder", json.dumps({"text": "x", "when": "whenever"}))
    result = default_tools().run(call, ToolContext(store))
    assert not result.ok and "cannot tell when" in result.content
    assert Reminders(store.vault, ZONE, store.clock).list() == []


def test_listing_tools_are_read_only_and_the_others_have_effects() -> None:
    names = {t.name: t.effect for t in default_tools().tools()}
    assert names["list_goals"] == names["list_reminders"] == "read"
    assert names["add_goal"] == names["add_reminder"] == names["record_goal_progress"] == "create"
    assert names["close_goal"] == names["complete_reminder"] == "write"
    assert "add_goal" not in {t.name for t in read_only(default_tools()).tools()}
