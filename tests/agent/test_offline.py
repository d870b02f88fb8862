"""The offline assistant records every line and answers questions from memory, with sources."""

from __future__ import annotations

from pasi.agent.offline import INTRO, OfflineAgent, is_question
from pasi.memory.store import MemoryStore, Turn


def test_questions_are_recognised_by_mark_or_first_word() -> None:
    assert is_question("where do I live")
    assert is_question("Tell me about Rex?")
    assert is_question("When, exactly, did we meet")
    assert not is_question("I live in Berlin.")
    assert not is_question("   ")


def test_a_statement_is_recorded_and_acknowledged(store: MemoryStore) -> None:
    reply = OfflineAgent(store).respond("My dog is called Rex.")
    assert "remember" in reply.text and reply.found == []
    (turn,) = store.recent_turns()
    assert (turn.id, turn.text, turn.role) == (reply.recorded, "My dog is called Rex.", "user")


def test_a_question_is_answered_with_sources_but_never_with_itself(store: MemoryStore) -> None:
    store.record_turns(
        [Turn("I adopted a dog named Rex", speaker="me", session="s1", external_id="1")],
        source_uri="chat:import",
    )
    store.remember("The user's dog is Rex", kind="fact")
    agent = OfflineAgent(store)
    agent.respond("what is the name of my dog?")
    reply = agent.respond("what is the name of my dog")
    texts = [r.text for r in reply.found]
    assert "I adopted a dog named Rex" in texts and "The user's dog is Rex" in texts
    assert not [t for t in texts if t.startswith("what is the name")]  # questions are not evidence
    assert "chat:import, session s1" in reply.text and "memory #" in reply.text
    assert len(store.recent_turns()) == 2  # both questions were recorded nonetheless


def test_a_question_with_no_match_says_so(store: MemoryStore) -> None:
    reply = OfflineAgent(store).respond("who won the match?")
    assert reply.found == [] and "nothing" in reply.text


def test_the_intro_says_there_is_no_model_and_how_to_add_one() -> None:
    assert "without a language model" in INTRO
    assert "config.toml" in INTRO and "docs/configuration.md" in INTRO
