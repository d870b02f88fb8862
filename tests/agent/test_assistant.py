"""The assistant turn with a scripted model: tool loop, errors, limits, streaming, records."""

from __future__ import annotations

import json
from pathlib import Path

from frozen_time import NOW
from pasi.agent.assistant import Assistant
from pasi.agent.events import Answer, TextDelta, ToolFinished, ToolStarted
from pasi.app import Pasi
from pasi.clock import fixed_clock
from pasi.config import Settings
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatRequest, Completion, ScriptedModel, ToolCall, Usage, replies
from pasi.safety.provenance import unfence
from pasi.vault import answers


def _calls(*calls: tuple[str, str]) -> Completion:
    return Completion("", tuple(ToolCall(f"c{i}", n, a) for i, (n, a) in enumerate(calls)))


def _tool_messages(request: ChatRequest) -> list[str]:
    return [unfence(m.content) for m in request.messages if m.role == "tool"]


def test_a_tool_loop_stores_the_memory_and_the_answer(store: MemoryStore) -> None:
    model = ScriptedModel(replies(
        _calls(("remember", '{"text": "My bike is blue", "kind": "fact"}')),
        "I will remember that your bike is blue [m1].",
    ))  # fmt: skip
    answer = Assistant(store, model, clock=store.clock).ask("Remember: my bike is blue")
    assert [m.text for m in store.list()] == ["My bike is blue"]
    assert store.get(1).evidence == (answer.question_episode_id,)
    assert _tool_messages(model.requests[1]) == ["remembered as [m1]"]
    assert answer.text == "I will remember that your bike is blue [m1]."
    assert [(c.tag, c.text) for c in answer.citations] == [("m1", "My bike is blue")]
    turns = store.recent_turns()
    assert [(t.role, t.text) for t in turns] == [
        ("user", "Remember: my bike is blue"),
        ("assistant", answer.text),
    ]
    record = answers.latest_answer(store.vault.read())
    assert record is not None and record.answer_episode_id == turns[1].id
    assert record.model == "scripted"
    [call] = record.context["tool_calls"]
    assert call["name"] == "remember" and call["ok"] and call["data"] == {"memory_id": 1}


def test_malformed_arguments_go_back_to_the_model_and_the_loop_goes_on(
    store: MemoryStore,
) -> None:
    model = ScriptedModel(replies(
        _calls(("remember", "{text: oops")),
        _calls(("remember", '{"text": "x", "kind": "colour"}'), ("fly", "{}")),
        "Sorry, I could not store that.",
    ))  # fmt: skip
    answer = Assistant(store, model, clock=store.clock).ask("remember my bike")
    first, second = _tool_messages(model.requests[1]), _tool_messages(model.requests[2])[1:]
    assert "not JSON" in json.loads(first[0])["error"]
    assert "kind" in json.loads(second[0])["error"] and "unknown tool" in second[1]
    assert answer.text == "Sorry, I could not store that." and not answer.stopped
    assert [r.ok for r in answer.tool_calls] == [False, False, False]
    assert store.list() == []


def test_a_model_that_calls_tools_forever_gets_two_rounds_then_the_memory_answer(
    store: MemoryStore,
) -> None:
    topics = iter(["bikes", "cats", "rain", "tea", "maps"])  # no call repeats an earlier one

    def handler(_: ChatRequest) -> Completion:
        return _calls(("recall", json.dumps({"query": next(topics)})))

    model = ScriptedModel(handler)
    answer = Assistant(store, model, clock=store.clock, max_rounds=4).ask("search for bikes")
    assert not answer.stopped and answer.rounds == 3 and len(answer.tool_calls) == 2
    assert [bool(r.tools) for r in model.requests] == [True, True, False]  # then words
    assert "kept writing tool calls" in answer.text and "{" not in answer.text
    assert store.recent_turns()[-1].text == answer.text


def test_streaming_yields_text_deltas_in_order_then_the_answer(store: MemoryStore) -> None:
    text = "Your sister Ana lives in Porto [m1], as you said."
    store.remember("My sister Ana lives in Porto")
    model = ScriptedModel(replies(_calls(("recall", '{"query": "Ana"}')), text))
    events = list(Assistant(store, model, clock=store.clock).turn("Where does Ana live?"))
    assert isinstance(events[0], ToolStarted) and isinstance(events[1], ToolFinished)
    assert "[m1]" in events[1].result.content
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert len(deltas) == len(text.split(" ")) and "".join(deltas) == text
    assert isinstance(events[-1], Answer) and events[-1].text == text


def test_the_model_gets_the_context_and_the_tools(store: MemoryStore) -> None:
    store.remember("I live in Lisbon")
    model = ScriptedModel(replies("You live in Lisbon [m1]."))
    Assistant(store, model, clock=store.clock, tool_offer="all").ask("Where do I live?")
    request = model.requests[0]
    assert [m.role for m in request.messages] == ["system", "user"]
    system, last = request.messages[0].content, request.messages[-1].content
    assert "[m1] memory about user" in system  # the profile: stable, with the instructions
    assert last.startswith("<context>\nNow: Sunday 10 March 2024, 12:00")
    assert last.endswith("</context>\n\nMessage: Where do I live?")
    assert {t.name for t in request.tools} == {
        "recall",
        "search",
        "query_data",
        "remember",
        "forget",
        "add_goal",
        "record_goal_progress",
        "list_goals",
        "close_goal",
        "add_reminder",
        "list_reminders",
        "complete_reminder",
    }


def test_unknown_citations_stay_unresolved(store: MemoryStore) -> None:
    model = ScriptedModel(replies("As noted [m99] and [t1]."))
    answer = Assistant(store, model, clock=store.clock).ask("hello there")
    assert [(c.tag, c.resolved) for c in answer.citations] == [("m99", False), ("t1", True)]


def test_the_learner_gets_both_turns(store: MemoryStore) -> None:
    class Learner:
        def __init__(self) -> None:
            self.batches: list[list[int]] = []

        def enqueue(self, episode_ids: list[int]) -> None:
            self.batches.append(episode_ids)

    learner = Learner()
    answer = Assistant(store, ScriptedModel(replies("ok")), clock=store.clock, learner=learner).ask(
        "I started pottery classes"
    )
    assert learner.batches == [[answer.question_episode_id, answer.answer_episode_id]]


def test_the_conversation_persists_across_a_restart(tmp_path: Path) -> None:
    settings = Settings(vault=tmp_path / "vault", embedder="none")
    first_model = ScriptedModel(replies("Noted: your cat is Miso."))
    with Pasi(settings, clock=fixed_clock(NOW), chat_model=first_model) as first:
        first.assistant().ask("My cat is called Miso")
    second_model = ScriptedModel(replies("Your cat is Miso [t1]."))
    with Pasi(settings, clock=fixed_clock(NOW), chat_model=second_model) as second:
        answer = second.assistant().ask("What do you know so far?")
    prompt = second_model.requests[0].messages[-1].content  # the recent turns, in the context
    assert '[t1] user 2024-03-10 12:00 in conversation:default: "My cat is called Miso"' in prompt
    assert "Noted: your cat is Miso." in prompt
    assert answer.citations[0].text == "My cat is called Miso"


def test_the_turn_record_counts_model_calls_tokens_and_time(store: MemoryStore) -> None:
    model = ScriptedModel(replies(
        Completion("", (ToolCall("c1", "recall", '{"query": "bike"}'),), usage=Usage(300, 12)),
        Completion("Your bike is blue.", usage=Usage(340, 6)),
    ))  # fmt: skip
    assistant = Assistant(store, model, clock=store.clock)
    answer = assistant.ask("What colour is my bike?")
    record = answers.latest_answer(store.vault.read())
    assert record is not None and record.id == answer.answer_id  # this turn's row
    shaped = record.context
    assert (shaped["model_calls"], shaped["prompt_tokens"], shaped["completion_tokens"]) == (
        2, 640, 18,
    )  # fmt: skip
    assert shaped["tokens_estimated"] is False
    assert 0 <= shaped["model_seconds"] <= shaped["turn_seconds"]
    assert assistant.model is model  # the meter wraps the model for one turn only


def test_a_model_without_usage_gets_estimated_counts(store: MemoryStore) -> None:
    model = ScriptedModel(replies("It is blue."))
    assistant = Assistant(store, model, clock=store.clock, tool_offer="all")
    assistant.ask("What colour is my bike?")
    shaped = answers.latest_answer(store.vault.read()).context
    assert shaped["model_calls"] == 1 and shaped["tokens_estimated"] is True
    assert shaped["prompt_tokens"] >= assistant.last_context.tokens  # the system prompt at least
    assert shaped["completion_tokens"] == 4  # "It", "is", "blue", "." (agent/tokens.py)


def test_a_turn_offers_only_the_tools_its_message_may_need(store: MemoryStore) -> None:
    model = ScriptedModel(replies("Noted.", "Done.", "Done."))
    assistant = Assistant(store, model, clock=store.clock)
    for message in ("I keep my bike in the shed", "What goals do I have?", "Search my notes"):
        assistant.ask(message)
    offered = [sorted(spec.name for spec in request.tools) for request in model.requests]
    assert offered == [[], ["list_goals"], ["recall", "search"]]
