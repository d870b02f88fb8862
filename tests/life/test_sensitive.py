"""Consent for sensitive memories: the classifier's precision, held turns, re-learning on yes."""

from __future__ import annotations

import json
import re

import pytest

from pasi.memory.learning import Learner
from pasi.memory.sensitive import answer_consent, classify
from pasi.memory.store import MemoryStore, Turn
from pasi.models.chat import ChatRequest, ScriptedModel
from pasi.tools.builtin import RememberArgs, remember
from pasi.tools.registry import ToolContext
from pasi.vault import consent

SENSITIVE = {
    "I was diagnosed with diabetes last year": "health",
    "My therapist says the anxiety is getting better, my meds help": "health",
    "I'm allergic to penicillin": "health",
    "My salary is 52,000 a year": "finances",
    "I am in debt after the car loan": "finances",
    "I earn about 4000 a month": "finances",
    "I'm a Muslim and I pray five times a day": "religion",
    "We go to church every Sunday": "religion",
    "I'm gay and came out to my parents in May": "sexuality",
    "I voted for the Greens in the last election": "politics",
    "I'm a member of the Labour party": "politics",
    "I will vote against the mayor in the election": "politics",
    "I came out to my sister last year": "sexuality",
    "I converted to Islam in 2010": "religion",
    "I pray every morning before work": "religion",
    "My mortgage payments went up again": "finances",
}

ORDINARY = [
    "I had lunch with Ana at the bank of the river",
    "The party at Ben's place was great",
    "We walked down Church Street to the market",
    "My sister is called Lena",
    "I live in Berlin and work at Siemens",
    "The meeting moved to Friday at nine",
    "I ran 8 km today",
    "Remind me to call mum on Sunday evening",
    "I prefer green tea to coffee",
    "I bought a new bike for the commute",
    "The doctor in the series was hilarious",
    "We need to vote on the team name tomorrow",  # not the user's politics
    "The interest in our project is growing",
    "Ana's birthday is 3 May",
    "I finished the book about the history of Rome",
    "The gym was closed so I went for a run instead",
    "My flight to Lisbon leaves at 7",
    "I fixed the leaking tap in the kitchen",
    "Our landlord painted the hallway",
    "I watched a documentary about whales",
    "The kids played football in the park",
    "The temple ruins in the guidebook look amazing",
    "I paid for dinner with my card",
    "Straight after work I went home",
    "I voted for the blue design in the office poll",
    "I converted to PDF before sending it",
    "The results came out to 42",
    "I'm praying it doesn't rain on Saturday",
    "The bank holiday is on Monday",
    "She threw a surprise party for her boss",
    "Our account manager called about the delivery",
    "I'm saving the recipe for later",
    "The pharmacy on the corner closes at six",
    "I pay for the gym every month",
    "My cat had a check-up at the vet",
    "Dinner cost 40 euros, which was fine",
    "We talked about the history of religion in class",
    "The election posters are everywhere in town",
]


@pytest.mark.parametrize(("text", "kind"), SENSITIVE.items())
def test_sensitive_statements_are_classified_by_kind(text: str, kind: str) -> None:
    assert kind in classify(text)


def test_ordinary_sentences_are_not_sensitive() -> None:
    flagged = {text: classify(text) for text in ORDINARY if classify(text)}
    assert flagged == {}


def _extracting_model() -> ScriptedModel:
    """Turns each user turn into one fact verbatim (the model's judgement is not under test)."""

    def handler(request: ChatRequest) -> str:
        prompt = request.messages[-1].content
        found = re.findall(r"^\[(\d+)\] .*? user: (.*)$", prompt, re.MULTILINE)
        memories = [{"text": text, "kind": "fact", "subject": "user", "when": None,
                     "confidence": 0.9, "evidence": [int(i)]} for i, text in found]  # fmt: skip
        return json.dumps({"memories": memories})

    return ScriptedModel(handler)


def test_no_memory_is_learned_from_a_sensitive_turn_until_the_user_agrees(
    store: MemoryStore,
) -> None:
    ids = store.record_turns([Turn("I was diagnosed with diabetes"), Turn("I live in Lisbon")])
    learner = Learner(store, _extracting_model(), background=False)
    learner.enqueue(ids)
    learner.run_pending()
    texts = [m.text for m in store.list()]
    assert not any("diabetes" in t for t in texts)
    conn = store.vault.read()
    assert consent.held_episodes(conn, "health") == [ids[0]]
    assert len(store.recent_turns(5)) == 2  # the raw turn is the user's own: it stays

    with store.vault.write() as conn:
        queued = answer_consent(conn, "health", True, store.clock())
    assert queued == [ids[0]]
    learner.run_pending()
    learned = [m for m in store.list() if "diabetes" in m.text]
    assert learned and all(m.sensitivity == "health" for m in learned)
    assert consent.held_episodes(store.vault.read()) == []


def test_a_no_keeps_the_turn_held_and_unlearned(store: MemoryStore) -> None:
    ids = store.record_turns([Turn("My salary is 52,000 a year")])
    with store.vault.write() as conn:
        assert answer_consent(conn, "finances", False, store.clock()) == []
    learner = Learner(store, _extracting_model(), background=False)
    learner.enqueue(ids)
    learner.run_pending()
    assert store.list() == []
    assert consent.consent_status(store.vault.read(), "finances") == "no"


def test_the_remember_tool_asks_once_and_stores_only_after_consent(store: MemoryStore) -> None:
    context = ToolContext(store, None)
    args = RememberArgs(text="I voted for the Greens")
    first = remember(args, context)
    assert first.text.startswith("not stored") and "pasi consent politics yes" in first.text
    assert first.data["asked"] == ["politics"]
    again = remember(args, context)
    assert again.data["asked"] == []  # asked once per kind
    assert store.list() == []
    with store.vault.write() as conn:
        answer_consent(conn, "politics", True, store.clock())
    stored = remember(args, context)
    memory = store.get(stored.data["memory_id"])
    assert memory.sensitivity == "politics"


def test_an_unknown_kind_is_refused(store: MemoryStore) -> None:
    from pasi.errors import InputError

    with store.vault.write() as conn, pytest.raises(InputError, match="not a sensitive kind"):
        answer_consent(conn, "hobbies", True, store.clock())


def test_a_memory_stored_directly_is_marked_by_its_kind(store: MemoryStore) -> None:
    assert store.remember("I was diagnosed with asthma").sensitivity == "health"
    assert store.remember("I live in Lisbon").sensitivity == "normal"
