"""The charter in every turn: in the context, bait stripped, the budget note, consent, honesty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pasi.agent.assistant import Assistant
from pasi.agent.events import Answer, Notice
from pasi.agent.offline import OfflineAgent
from pasi.life.charter import set_charter_field
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatRequest, ScriptedModel, replies
from pasi.vault import consent


class Ticking:
    """A clock that moves two minutes per reading: a long chat in a frozen test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=2)
        return self.now


def test_the_charter_is_in_every_context(store: MemoryStore) -> None:
    set_charter_field(store.vault.directory, "goals", "Run a half marathon in April")
    set_charter_field(store.vault.directory, "never", "flatter me")
    model = ScriptedModel(replies("Noted."))
    Assistant(store, model, clock=store.clock).ask("hello")
    system = model.requests[0].messages[0].content
    assert "<charter>" in system and "Run a half marathon in April" in system
    assert "Never: flatter me." in system


def test_a_model_that_baits_has_its_closing_question_removed(store: MemoryStore) -> None:
    store.remember("My dentist appointment is on Friday at nine")
    model = ScriptedModel(replies("It is on Friday at nine [m1]. Want me to set a reminder?"))
    answer = Assistant(store, model, clock=store.clock).ask("When is my dentist appointment?")
    assert answer.text == "It is on Friday at nine [m1]."
    recorded = store.recent_turns(1)[0]
    assert recorded.text == "It is on Friday at nine [m1]."


def test_bait_stays_when_the_user_asked_for_options(store: MemoryStore) -> None:
    text = "Train or plane. Would you like me to compare prices?"
    model = ScriptedModel(replies(text))
    answer = Assistant(store, model, clock=store.clock).ask("What are my options to Lisbon?")
    assert answer.text == text


def test_the_budget_note_comes_once_when_the_day_budget_is_reached(store: MemoryStore) -> None:
    set_charter_field(store.vault.directory, "timezone", "UTC")
    set_charter_field(store.vault.directory, "daily_budget_minutes", "10")
    clock = Ticking(datetime(2024, 3, 10, 9, 0, tzinfo=UTC))
    assistant = Assistant(store, ScriptedModel(replies("Fine.")), clock=clock)
    notes = []
    for number in range(6):  # each turn: two readings of the clock, four minutes
        events = list(assistant.turn(f"message {number}"))
        notes.append([e for e in events if isinstance(e, Notice)])
        assert isinstance(events[-1], Answer)
    first = next(i for i, found in enumerate(notes) if found)
    assert "10 minutes you set in your charter" in notes[first][0].text
    assert notes[first][0].to_json()["type"] == "notice"
    assert all(not found for found in notes[first + 1 :])  # once a day
    assert first >= 2  # not before ten minutes of turns


def test_a_sensitive_message_asks_for_consent_once(store: MemoryStore) -> None:
    assistant = Assistant(store, ScriptedModel(replies("I am sorry to hear that.")),
                          clock=store.clock)  # fmt: skip
    first = [e for e in assistant.turn("I was diagnosed with asthma") if isinstance(e, Notice)]
    assert [n.kind for n in first] == ["consent"] and "pasi consent health yes" in first[0].text
    again = [e for e in assistant.turn("My asthma is worse today") if isinstance(e, Notice)]
    assert again == []
    assert consent.consent_status(store.vault.read(), "health") == "asked"


def test_a_contradicted_record_reaches_the_model_with_its_tag(store: MemoryStore) -> None:
    memory = store.remember("The user's sister is called Lena", kind="relationship")

    def honest(request: ChatRequest) -> str:
        context = request.messages[-1].content
        if 'section="contradiction"' in context:
            return f"My record says your sister is called Lena [m{memory.id}]."
        return "Noted."

    answer = Assistant(store, ScriptedModel(honest), clock=store.clock).ask(
        "My sister is called Mia, remember?"
    )
    assert f"[m{memory.id}]" in answer.text
    assert [c.id for c in answer.citations] == [memory.id]


def test_offline_a_contradiction_is_stated_with_the_record(store: MemoryStore) -> None:
    memory = store.remember("The user lives in Berlin")
    reply = OfflineAgent(store).respond("I live in Munich")
    assert "not what I have on record" in reply.text and f"[m{memory.id}]" in reply.text
    assert OfflineAgent(store).respond("I live in Berlin").text.startswith("Noted")


def test_a_notice_reaches_the_web_stream_and_the_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pasi.agent.events import TextDelta
    from pasi.cli.chat import _show_turn
    from pasi.server.chat_api import event_json

    note = Notice("You have spent about 60 minutes chatting today.", "budget")
    assert event_json(note) == {"type": "notice", "text": note.text, "kind": "budget"}
    _show_turn(iter([TextDelta("It is on Friday."), note]))
    assert capsys.readouterr().out == f"It is on Friday.\n\n{note.text}\n"


def test_a_long_charter_is_cut_to_its_share_of_the_budget(store: MemoryStore) -> None:
    from pasi.agent.context import ContextAssembler, ContextLimits
    from pasi.agent.tokens import estimate_tokens

    store.remember("I live in Lisbon")
    long_goals = " ".join(f"goal number {n} is to read more books" for n in range(400))
    set_charter_field(store.vault.directory, "goals", long_goals)
    assembler = ContextAssembler(store, store.clock, limits=ContextLimits(tokens=1000))
    context = assembler.assemble("Where do I live?")
    assert 0 < estimate_tokens(context.charter) <= 150
    assert context.tokens <= 1000 and "Lisbon" in context.system_prompt()


def test_offline_a_sensitive_statement_asks_for_consent_once(store: MemoryStore) -> None:
    first = OfflineAgent(store).respond("My salary is 52,000 a year")
    assert "pasi consent finances yes" in first.text
    assert "pasi consent" not in OfflineAgent(store).respond("My salary went up").text
