"""Turns with models that fail: text tool calls, invalid calls, empty replies, errors, deadlines."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from pasi.agent.assistant import Assistant
from pasi.agent.events import Answer, Event, TextDelta, ToolFinished
from pasi.errors import ModelUnreachableError
from pasi.life.reminders import Reminders
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatRequest, Chunk, Completion, ScriptedModel, ToolCall, replies
from pasi.models.tool_text import TextToolCalls
from pasi.safety.provenance import unfence

# Verbatim from Qwen2.5-Coder-0.5B-Instruct offered pasi's tools natively (llama.cpp, temp 0):
# the call as text in a fence (its memory text was invented, so the test gives its own).
QWEN_FENCED = (
    '```json\n{\n  "name": "remember",\n  "arguments": {\n    "text": "My sister Ana lives in '
    'Lisbon",\n    "kind": "fact",\n    "subject": "user"\n  }\n}\n```'
)
TOOL_TEXT = ("{", '"name"', "```", "<tool_call>", "arguments")


def _run(store: MemoryStore, model: object, message: str, **options: float) -> list[Event]:
    return list(Assistant(store, model, clock=store.clock, **options).turn(message))  # type: ignore[arg-type]


def _answer(events: list[Event]) -> Answer:
    assert isinstance(events[-1], Answer)
    return events[-1]


def _shown(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def _tool_errors(request: ChatRequest) -> list[str]:
    """The errors the tool results told the model (the request's list grows as the turn goes)."""
    results = [unfence(m.content) for m in request.messages if m.role == "tool"]
    return [json.loads(r)["error"] for r in results if r.startswith('{"error"')]


def test_a_call_written_as_text_runs_and_is_never_shown(store: MemoryStore) -> None:
    model = ScriptedModel(replies(QWEN_FENCED, "I will remember that [m1]."))  # not wrapped
    events = _run(store, model, "Can you remember that my sister Ana lives in Lisbon?")
    assert [m.text for m in store.list()] == ["My sister Ana lives in Lisbon"]
    assert [e.result.ok for e in events if isinstance(e, ToolFinished)] == [True]
    assert _shown(events) == "I will remember that [m1]." == _answer(events).text


def test_words_before_a_call_stay_apart_from_the_answer(store: MemoryStore) -> None:
    store.remember("My sister Ana lives in Lisbon")
    first = 'Let me look.<tool_call>{"name": "recall", "arguments": {"query": "Ana"}}</tool_call>'
    model = ScriptedModel(replies(first, "Ana lives in Lisbon [m1]."))
    events = _run(store, model, "Where does Ana live?")
    assert _answer(events).text == "Let me look.\n\nAna lives in Lisbon [m1]." == _shown(events)


# Verbatim from Qwen2.5-Coder-0.5B through pasi's tool loop (llama.cpp, native tools offered):
# after the reminder was added it repeated the call, the tool's result pasted into the text,
# three times and a fourth cut off by the token limit. Each repeat used to add a reminder.
QWEN_FIRST = (
    '{"name": "add_reminder", "arguments": {"text": "Buy rosin at 8am", "when": "Friday at 8am", '
    '"status": "done"}}'
)
QWEN_REPEAT = (
    '{"name": "add_reminder", "arguments": {"text": "Buy rosin at 8am (pending, next Fri 11 Dec '
    '2026 08:00)", "when": "Friday at 8am", "status": "done"}}'
)
QWEN_REPEATS = "\n".join([QWEN_REPEAT] * 3) + (
    '\n{"name": "add_reminder", "arguments": {"text": "Buy rosin at 8am ('
)


def test_a_call_repeated_with_its_result_pasted_in_runs_once(store: MemoryStore) -> None:
    inner = ScriptedModel(replies(QWEN_FIRST, QWEN_REPEATS, QWEN_REPEATS, "Done."))
    events = _run(store, TextToolCalls(inner), "Could you remind me on Friday at 8am to buy rosin?")
    reminders = Reminders(store.vault, "UTC", store.clock).list()
    assert [r.text for r in reminders] == ["Buy rosin at 8am"]
    # a reply's three identical copies count once; that and the cut-off fourth are refused
    assert [e.result.ok for e in events if isinstance(e, ToolFinished)] == [True] + [False] * 4
    assert "repeats one already done" in _tool_errors(inner.requests[1])[0]
    sent = [c.arguments for m in inner.requests[-1].messages for c in m.tool_calls]
    assert all(isinstance(json.loads(arguments), dict) for arguments in sent)  # servers parse it
    assert [bool(r.tools) for r in inner.requests] == [True, True, True, False]
    assert _shown(events) == "Done." == _answer(events).text


def test_an_unknown_tool_gets_one_corrective_round(store: MemoryStore) -> None:
    wrong = '{"name": "create_reminder", "arguments": {"text": "buy rosin", "when": "Friday 8am"}}'
    right = '{"name": "add_reminder", "arguments": {"text": "buy rosin", "when": "Friday 8am"}}'
    inner = ScriptedModel(replies(wrong, right, "I will remind you on Friday at 8am."))
    events = _run(store, TextToolCalls(inner), "Could you remind me on Friday at 8am to buy rosin?")
    [problem] = _tool_errors(inner.requests[2])
    assert problem.startswith("unknown tool 'create_reminder' (did you mean add_reminder")
    assert "the tools are: recall, search, remember" in problem
    assert [e.result.ok for e in events if isinstance(e, ToolFinished)] == [False, True]
    assert all(request.tools for request in inner.requests)
    assert _answer(events).text == "I will remind you on Friday at 8am."
    assert not any(piece in _shown(events) for piece in TOOL_TEXT)


def test_failing_twice_the_model_is_asked_once_more_without_tools(store: MemoryStore) -> None:
    bad = '{"name": "add_reminder", "arguments": {"text": "rosin", "status": "done"}}'
    inner = ScriptedModel(replies(bad, bad, "I could not set that reminder, sorry."))
    events = _run(store, TextToolCalls(inner), "Could you remind me on Friday to buy rosin?")
    assert [bool(r.tools) for r in inner.requests] == [True, True, False]
    assert "invalid arguments for add_reminder" in _tool_errors(inner.requests[1])[0]
    assert "'when' is a required property" in _tool_errors(inner.requests[1])[0]
    assert _answer(events).text.startswith("I could not set that reminder, sorry.\n\n[pasi: no")
    assert not _answer(events).stopped


def test_tool_text_in_the_last_plain_answer_gives_the_memory_answer(store: MemoryStore) -> None:
    store.remember("Rosin is sold at the music shop on Main Street")
    bad = '```json\n{"name": "buy", "arguments": {"item": "rosin"}}\n```'
    inner = ScriptedModel(replies(bad))
    events = _run(store, TextToolCalls(inner), "Where can I buy rosin?")
    text = _answer(events).text
    assert text.startswith(
        "[the model (scripted) gave no answer: it kept writing tool calls pasi could not run; "
        "here is what I have from memory]\n"
    )
    assert "Rosin is sold at the music shop on Main Street" in text
    assert len(inner.requests) == 3 and not any(piece in _shown(events) for piece in TOOL_TEXT)
    assert _shown(events) == text


@dataclass
class Learner:
    batches: list[list[int]] = field(default_factory=list)

    def enqueue(self, episode_ids: list[int]) -> None:
        self.batches.append(episode_ids)


def test_an_empty_reply_gives_the_memory_answer_and_the_turn_is_kept(store: MemoryStore) -> None:
    store.remember("My sister Ana lives in Lisbon")
    learner = Learner()
    assistant = Assistant(store, ScriptedModel(replies("")), clock=store.clock, learner=learner)
    answer = assistant.ask("Where does Ana live?")
    assert answer.text.splitlines()[0] == (
        "[the model (scripted) gave no answer: its reply was empty; "
        "here is what I have from memory]"
    )
    assert '"My sister Ana lives in Lisbon" (memory #1, 2024-03-10)' in answer.text
    turns = store.recent_turns()
    assert [(t.role, t.text) for t in turns] == [
        ("user", "Where does Ana live?"),
        ("assistant", answer.text),
    ]
    assert learner.batches == [[answer.question_episode_id, answer.answer_episode_id]]


def test_a_model_that_raises_gives_the_memory_answer_with_the_reason(store: MemoryStore) -> None:
    store.remember("My sister Ana lives in Lisbon")

    def down(_: ChatRequest) -> str:
        raise ModelUnreachableError("cannot reach the model server at http://127.0.0.1:9/v1")

    answer = Assistant(store, ScriptedModel(down), clock=store.clock).ask("Where does Ana live?")
    assert answer.text.splitlines()[0] == (
        "[the model (scripted) failed: cannot reach the model server at http://127.0.0.1:9/v1; "
        "here is what I have from memory]"
    )
    assert "My sister Ana lives in Lisbon" in answer.text


def test_the_memory_answer_says_what_the_tools_did(store: MemoryStore) -> None:
    call = ToolCall("c1", "remember", '{"text": "My bike is blue"}')
    answer = Assistant(
        store, ScriptedModel(replies(Completion("", (call,)), "")), clock=store.clock
    ).ask("Remember my bike is blue")
    assert answer.text == "Done this turn: remember: remembered as [m1]"  # it acted: no excuse
    assert [m.text for m in store.list()] == ["My bike is blue"]


def test_a_stalled_model_is_cut_off_at_the_deadline(store: MemoryStore) -> None:
    store.remember("My sister Ana lives in Lisbon")
    release = threading.Event()

    def stalled(_: ChatRequest) -> str:
        release.wait(30)  # the turn must not wait for this
        return "too late"

    try:
        answer = Assistant(store, ScriptedModel(stalled), clock=store.clock, turn_seconds=0.2).ask(
            "Where does Ana live?"
        )
    finally:
        release.set()
    assert answer.text.splitlines()[0] == (
        "[the model (scripted) gave no answer within this turn's 0.2 s; "
        "here is what I have from memory]"
    )
    assert "My sister Ana lives in Lisbon" in answer.text


@dataclass
class Stalling:
    """Writes a few words, then hangs, as a busy llama.cpp can; records that it was closed."""

    name: str = "stalling"
    local: bool = True
    release: threading.Event = field(default_factory=threading.Event)
    closed: threading.Event = field(default_factory=threading.Event)

    def complete(self, request: ChatRequest) -> Completion:
        raise NotImplementedError  # the assistant streams

    def stream(self, request: ChatRequest) -> Iterator[Chunk]:
        try:
            yield Chunk(text="Ana lives")
            yield Chunk(text=" in Lisbon")
            self.release.wait(30)
            yield Chunk(text=" and more")
        finally:
            self.closed.set()


def test_the_deadline_keeps_what_was_written_and_closes_the_stream(store: MemoryStore) -> None:
    model = Stalling()
    try:
        events = _run(store, model, "Where does Ana live?", turn_seconds=0.3)
    finally:
        model.release.set()
    assert _answer(events).text == (
        "Ana lives in Lisbon\n\n[pasi stopped the model: this turn reached its 0.3 s limit]"
    )
    assert _shown(events) == _answer(events).text
    assert model.closed.wait(5)  # the worker closed the backend's stream once it woke


def test_a_reminder_asked_for_and_not_set_is_said_plainly(store: MemoryStore) -> None:
    """Qwen2.5-Coder-1.5B answered "I will remind you to call the dentist tomorrow at 14:30."
    and called no tool: the user must not believe a reminder exists."""
    asked = "Can you make sure I don't forget to call the dentist tomorrow at 14:30?"
    claim = ScriptedModel(replies("I will remind you to call the dentist tomorrow at 14:30."))
    answer = _answer(_run(store, claim, asked))
    assert answer.text.endswith(
        "[pasi: no reminder was set this turn: the model did not create "
        "one; say 'remind me <when> to <what>', or `pasi reminders add`]"
    )
    call = ToolCall("c1", "add_reminder", '{"text": "call the dentist", "when": "tomorrow 14:30"}')
    done = ScriptedModel(replies(Completion("", (call,)), "Set for tomorrow at 14:30."))
    assert _answer(_run(store, done, asked)).text == "Set for tomorrow at 14:30."


def test_a_reply_of_tags_alone_never_reaches_the_screen(store: MemoryStore) -> None:
    """Qwen 0.5B answered a statement with "[context]", and with "[12]": the screen used to show
    it, then the memory answer under it. Nothing is shown until a reply has a word."""
    for junk in ("[context]", "[12] [m3]", "[t1]."):
        events = _run(store, ScriptedModel(replies(junk)), "My sister Ana lives in Porto.")
        assert _shown(events).startswith("[the model (scripted) gave no answer"), junk
        assert _answer(events).text == _shown(events)


def test_a_reply_that_opens_with_a_tag_streams_from_its_first_word(store: MemoryStore) -> None:
    store.remember("My sister Ana lives in Porto")
    events = _run(store, ScriptedModel(replies("[m1] [t1] Ana lives in Porto.")), "Where is Ana?")
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert deltas[0] == "[m1] [t1] Ana" and "".join(deltas) == "[m1] [t1] Ana lives in Porto."
    assert _answer(events).text == "[m1] [t1] Ana lives in Porto."
