"""Facts learned from a turn become keys to it, and leave with the memory when it is forgotten."""

from __future__ import annotations

from pasi.memory.store import MemoryStore
from pasi.vault.sqlite import SQLiteVault


def _turn_ids(store: MemoryStore, question: str) -> list[int]:
    return [r.id for r in store.recall(question, 3, kind="episode")]


def test_a_learned_fact_makes_its_turn_findable_by_the_facts_words(vault: SQLiteVault) -> None:
    store = MemoryStore(vault, None)  # lexical only: the keys are words
    said = store.record_turn("I went to that meeting yesterday, it was so powerful.")
    store.record_turn("The weather was grey all week.")
    assert said not in _turns_found(store)
    memory = store.remember(
        "Caroline attended an LGBTQ support group", subject="Caroline", evidence=[said]
    )
    assert _turn_ids(store, "support group")[:1] == [said]
    store.forget(memory.id)
    assert said not in _turns_found(store)


def _turns_found(store: MemoryStore) -> list[int]:
    return _turn_ids(store, "support group")
