"""Consolidation: duplicates are NOOPs, changes supersede with history kept, the rest is added."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pasi.memory.consolidate import Neighbour, consolidate, decide, heuristic
from pasi.memory.extract import Candidate
from pasi.memory.store import MemoryStore
from pasi.models.chat import ScriptedModel, replies

SAID = datetime(2024, 3, 8, 18, 30, tzinfo=UTC)


def _candidate(store: MemoryStore, text: str, subject: str = "user") -> Candidate:
    turn = store.record_turn(text, occurred_at=SAID)
    return Candidate(text, "fact", subject, SAID, 0.9, (turn,))


# -- the pure decision -----------------------------------------------------------------------


def test_same_text_up_to_case_and_punctuation_is_a_noop() -> None:
    decision = decide("the user lives in Berlin", [Neighbour(3, "The user lives in Berlin.")])
    assert (decision.action, decision.target) == ("NOOP", 3)


def test_near_duplicate_is_a_noop() -> None:
    near = Neighbour(4, "The user is living in Berlin", cosine=0.95)
    assert decide("The user lives in Berlin", [near]).action == "NOOP"


def test_related_memory_with_words_of_change_is_superseded() -> None:
    old = Neighbour(5, "The user lives in Berlin", cosine=0.7)
    decision = decide("The user moved from Berlin to Lisbon", [old])
    assert (decision.action, decision.target) == ("SUPERSEDE", 5)


def test_unrelated_is_added_and_similar_without_cue_is_left_to_the_model() -> None:
    assert decide("The user likes green tea", [Neighbour(6, "Anna plays chess")]).action == "ADD"
    similar = [Neighbour(7, "The user likes green tea", cosine=0.85)]
    assert decide("The user likes jasmine green tea a lot", similar) is None
    assert heuristic("The user likes jasmine green tea a lot", similar).action == "ADD"


def test_a_new_home_or_workplace_supersedes_the_old_one_without_a_model() -> None:
    old = [Neighbour(8, "Jonas lives in Trondheim"), Neighbour(9, "Jonas works at Equinor")]
    for text, target in [
        ("Jonas lives in Bergen", 8),
        ("Jonas left Trondheim", 8),
        ("Jonas moved to Bergen in May", 8),
        ("Jonas works at the university now", 9),
    ]:
        decision = decide(text, old)
        assert (decision.action, decision.target) == ("SUPERSEDE", target), text
    assert heuristic("Jonas lives in Trondheim with Mia", old[:1]).action != "SUPERSEDE"
    assert heuristic("Jonas left the choir", old).action != "SUPERSEDE"


# -- against a real store --------------------------------------------------------------------


def test_a_correction_supersedes_the_old_memory_and_keeps_history(store: MemoryStore) -> None:
    old = store.remember("The user lives in Berlin", valid_from=datetime(2020, 1, 1, tzinfo=UTC))
    moved = _candidate(store, "The user moved from Berlin to Lisbon")
    outcome = consolidate(store, [moved])
    assert len(outcome.superseded) == 1 and outcome.superseded[0][0] == old.id
    new = store.get(outcome.superseded[0][1])
    closed = store.get(old.id)
    assert closed.superseded_by == new.id and closed.valid_to == SAID
    assert new.evidence == moved.evidence  # the new turns, not the old memory's
    assert [m.text for m in store.history(new.id)] == [
        "The user lives in Berlin", "The user moved from Berlin to Lisbon"
    ]  # fmt: skip
    assert [m.text for m in store.list()] == ["The user moved from Berlin to Lisbon"]


def test_duplicates_never_pile_up(store: MemoryStore) -> None:
    first = _candidate(store, "The user is allergic to cats")
    again = _candidate(store, "the user is allergic to cats.")
    outcome = consolidate(store, [first, again, first])
    assert len(outcome.added) == 1 and len(outcome.unchanged) == 2
    assert [m.text for m in store.list()] == ["The user is allergic to cats"]


def test_the_same_statement_about_someone_else_is_not_a_duplicate(store: MemoryStore) -> None:
    consolidate(store, [_candidate(store, "Likes hiking in the Alps", "Anna")])
    consolidate(store, [_candidate(store, "Likes hiking in the Alps", "user")])
    assert sorted(m.subject for m in store.list()) == ["Anna", "user"]


def test_an_ambiguous_case_is_decided_by_the_model(store: MemoryStore) -> None:
    old = store.remember("The user drinks green tea every morning")
    model = ScriptedModel(replies(json.dumps({"action": "SUPERSEDE", "id": old.id})))
    outcome = consolidate(store, [_candidate(store, "The user drinks coffee every morning")],
                          model=model)  # fmt: skip
    assert outcome.superseded and outcome.superseded[0][0] == old.id
    assert model.requests[0].json_schema is not None


def test_an_impossible_model_answer_falls_back_to_adding(store: MemoryStore) -> None:
    store.remember("The user drinks green tea every morning")
    model = ScriptedModel(replies('{"action": "SUPERSEDE", "id": 12345}'))
    outcome = consolidate(store, [_candidate(store, "The user drinks coffee every morning")],
                          model=model)  # fmt: skip
    assert len(outcome.added) == 1 and len(store.list()) == 2
