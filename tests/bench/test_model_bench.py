"""``pasi bench model`` scores what it claims: checked with scripted policies, not a model.

A competent policy (it calls the right tool and reads the context) must score its tasks and
answers; a careless one (it writes its tool calls as text, extracts made-up names) must fail
its task, and what pasi's own checks stop (tool text, ungrounded memories) must not count. Real models are scored by the real-model tier and in the docs.
"""

from __future__ import annotations

import json
import re

from pasi.agent.context import user_words
from pasi.bench.model import TOOL_TEXT, run_model_bench
from pasi.bench.model_cases import CONVERSATIONS
from pasi.models.chat import ChatRequest, Completion, ScriptedModel, ToolCall

REMINDERS = next(c for c in CONVERSATIONS if c.name == "reminders")
GOAL = next(c for c in CONVERSATIONS if c.name == "a goal")
ABOUT = next(c for c in CONVERSATIONS if c.name == "about the user")


def _turn_lines(request: ChatRequest) -> list[tuple[int, str]]:
    text = request.messages[-1].content
    return [(int(i), said) for i, said in re.findall(r"^\[(\d+)\] .*? user: (.*)$", text, re.M)]


def competent(request: ChatRequest) -> Completion | str:
    last = request.messages[-1]
    if request.json_schema is not None and "memories" in json.dumps(request.json_schema):
        found = [
            {"text": "The user " + said.split(" ", 3)[-1], "kind": "fact", "subject": "user",
             "when": None, "confidence": 0.9, "evidence": [turn]}
            for turn, said in _turn_lines(request) if not said.endswith("?")
        ]  # fmt: skip
        return json.dumps({"memories": found})
    if request.json_schema is not None:
        return '{"action": "ADD", "id": null}'
    if last.role == "tool":
        return "Done."
    message = user_words(last.content)  # the context rides in the same message
    if "rosin" in message:
        return _call("add_reminder", {"text": "buy rosin", "when": "Friday at 8am"})
    if "dentist" in message:
        return _call("add_reminder", {"text": "call the dentist", "when": "tomorrow at 14:30"})
    if "half marathon" in message:
        return _call("add_goal", {"title": "Run a half marathon", "due": "October"})
    context = " ".join(m.content for m in request.messages).replace(message, "")
    for asked, word in (("live", "Leipzig"), ("instrument", "violin"), ("goals", "marathon")):
        if asked in message and word in context:  # read from the context, never made up
            return f"{word}."
    return "Noted."


def _call(name: str, arguments: dict[str, object]) -> Completion:
    return Completion("", (ToolCall("c1", name, json.dumps(arguments)),), "tool_calls")


def careless(request: ChatRequest) -> str:
    if request.json_schema is not None and "memories" in json.dumps(request.json_schema):
        turn = _turn_lines(request)[0][0]
        return json.dumps({"memories": [{"text": "The user lives in Oslo", "kind": "fact",
            "subject": "Buy", "when": None, "confidence": 0.9, "evidence": [turn]}]})  # fmt: skip
    if request.json_schema is not None:
        return '{"action": "ADD", "id": null}'
    return '```json\n{"name": "create_reminder", "arguments": {"text": "x"}}\n```'


def test_a_competent_policy_completes_its_tasks(embedder) -> None:
    result = run_model_bench(
        ScriptedModel(competent), embedder=embedder, conversations=(REMINDERS, GOAL, ABOUT)
    )
    assert result["tasks_done"] == "3/3"
    assert result["tool_calls"] == 3 and result["tool_call_validity"] == 1.0
    assert result["tool_text_shown"] == 0 and result["empty_replies"] == 0
    assert result["answers_right"] == "3/3"
    assert result["extraction_recall"] == 1.0 and result["ungrounded_memories"] == 0
    assert result["turns"] == 9 and result["turn_seconds_p95"] >= result["turn_seconds_median"]


def test_a_careless_policy_is_caught(embedder) -> None:
    model = ScriptedModel(careless)
    result = run_model_bench(model, embedder=embedder, conversations=(REMINDERS, ABOUT))
    reminders = result["conversations"][0]["turns"]
    # the clear reminder needs no model (pasi.agent.intents); the other one is the model's
    assert [turn["reminder_done"] for turn in reminders[:2]] == [True, False]
    assert result["tasks_done"] == "1/2" and result["tool_text_shown"] == 0
    # the made-up memory is held back (pasi.memory.vetting); the user's statements are kept
    memories = result["conversations"][1]["memories"]
    assert not any("Oslo" in m["text"] or m["subject"] == "Buy" for m in memories)
    assert result["ungrounded_memories"] == 0 and result["extraction_recall"] == 1.0


def test_tool_text_is_recognised_in_every_common_dialect() -> None:
    shown = [
        '```json\n{"name": "recall", "arguments": {"query": "x"}}\n```',
        '<tool_call>{"name": "recall"}</tool_call>',
        '<|python_tag|>{"name": "recall", "parameters": {}}',
        '[TOOL_CALLS][{"name": "recall", "arguments": {}}]',
        'functions.recall: {"query": "x"}',
    ]
    assert all(TOOL_TEXT.search(text) for text in shown)
    assert not TOOL_TEXT.search("You live in Leipzig [m3]. The name of the band is Arguments.")
