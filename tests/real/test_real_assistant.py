"""The real-model tier: pasi's assistant turn and learner driven by real small instruct models.

Qwen2.5-Coder-0.5B-Instruct and SmolLM2-135M-Instruct run in process on llama.cpp (xllamacpp),
at temperature 0, built exactly as ``model = "llamacpp:…"`` builds them. The assertions are what
must hold for ANY model, not the small model's wit: no tool-call text ever reaches the user, no
empty reply, a reminder the user asked for exists or the user is told why not, every stored
memory is grounded in the turns it cites and filed under a person, never a verb.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pasi.agent.assistant import Assistant
from pasi.bench.model import TOOL_TEXT
from pasi.clock import fixed_clock
from pasi.life.charter import set_charter_field
from pasi.life.reminders import Reminders
from pasi.memory.grounding import ungrounded
from pasi.memory.learning import Learner
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatModel
from pasi.vault import episodes as ep
from pasi.vault import memories as mem

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=BERLIN)  # a Wednesday


@pytest.fixture
def home(store: MemoryStore) -> MemoryStore:
    store.clock = fixed_clock(NOW)
    set_charter_field(store.vault.directory, "timezone", BERLIN.key)
    return store


def _clean(text: str) -> None:
    assert text.strip() and text.strip() != "(the model returned no text)"
    assert not TOOL_TEXT.search(text), f"tool-call text shown to the user: {text!r}"


def _turns(store: MemoryStore, model: ChatModel, messages: list[str]) -> list[str]:
    assistant = Assistant(store, model, clock=store.clock)
    return [assistant.ask(message).text for message in messages]


def test_qwen_holds_a_conversation_without_raw_tool_text(
    home: MemoryStore, qwen_chat: ChatModel
) -> None:
    replies = _turns(
        home,
        qwen_chat,
        [
            "I keep my bike in the shed behind the house.",
            "Where is my bike?",
            "What do you remember about me?",
            "Please add running a half marathon in October as a goal.",
        ],
    )
    for reply in replies:
        _clean(reply)


def test_qwen_sets_the_reminder_asked_for_or_says_why_not(
    home: MemoryStore, qwen_chat: ChatModel
) -> None:
    (reply,) = _turns(home, qwen_chat, ["Please remind me on Friday at 8am to buy rosin."])
    _clean(reply)
    reminders = Reminders(home.vault, BERLIN.key, home.clock).list()
    made = [r for r in reminders if "rosin" in r.text.lower()]
    if not made:  # allowed only when the user is told
        assert "remind" in reply.lower() and any(w in reply.lower() for w in ("not", "could"))
        return
    assert made[0].due == datetime(2026, 3, 6, 8, 0, tzinfo=BERLIN)


def test_smollm2_never_leaves_the_user_with_nothing(
    home: MemoryStore, smollm2_chat: ChatModel
) -> None:
    home.remember("The user's sister Clara lives in Dresden")
    replies = _turns(
        home, smollm2_chat, ["Where does my sister live?", "Can you look up my notes on Clara?"]
    )
    for reply in replies:
        _clean(reply)


def test_qwen_learns_only_grounded_memories_about_people(
    home: MemoryStore, qwen_chat: ChatModel
) -> None:
    said = [
        "My brother Tomas just moved to Ghent for a new job.",
        "Please remind me on Friday at 8am to buy rosin.",
        "My colleague Jonas lives in Trondheim.",
        "Jonas left Trondheim, he lives in Bergen now.",
    ]
    ids = [home.record_turn(text, role="user") for text in said]
    learner = Learner(home, qwen_chat, background=False)
    learner.enqueue(ids)
    report = learner.run_pending()
    assert report.failed == 0, report.errors
    conn = home.vault.read()
    current = [m for m in mem.iter_memories(conn) if m.is_current]
    names = {"user", "Tomas", "Jonas"}
    for memory in current:
        cited = list(ep.get_episodes(conn, memory.evidence).values())
        assert not ungrounded(memory.text, memory.subject, cited), memory.text
        assert memory.subject in names, f"{memory.subject!r} is not a person: {memory.text}"
    stale = [m.text for m in current if "lives in Trondheim" in m.text]
    assert not stale, f"the correction left {stale} current"
