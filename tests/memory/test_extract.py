"""Extraction with a scripted model: subjects, times, evidence and damaged replies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pasi.errors import ExtractionError
from pasi.memory.extract import EXTRACTION_SCHEMA, extract, named_third_person, parse_reply
from pasi.memory.store import MemoryStore, Turn
from pasi.models.chat import ScriptedModel, replies
from pasi.vault.records import Episode

SAID = datetime(2024, 3, 8, 18, 30, tzinfo=UTC)


def _turns(store: MemoryStore, *texts: str, speaker: str | None = None) -> list[Episode]:
    ids = store.record_turns([Turn(t, speaker=speaker, occurred_at=SAID) for t in texts])
    from pasi.vault import episodes as ep

    found = ep.get_episodes(store.vault.read(), ids)  # type: ignore[arg-type]
    return [found[i] for i in ids if i is not None]


def _reply(*memories: dict) -> str:
    return json.dumps({"memories": list(memories)})


def _memory(text: str, evidence: list[int], **fields) -> dict:
    return {"text": text, "kind": "fact", "subject": "user", "when": None,
            "confidence": 0.9, "evidence": evidence} | fields  # fmt: skip


def test_the_request_carries_the_schema_and_says_who_the_user_is(store: MemoryStore) -> None:
    turns = _turns(store, "My friend Anna is allergic to peanuts.")
    model = ScriptedModel(replies(_reply()))
    extract(model, turns)
    request = model.requests[0]
    assert request.json_schema == EXTRACTION_SCHEMA
    system, user = request.messages[0].content, request.messages[1].content
    assert 'subject "Anna"' in system and "Never store another person's" in system
    assert f"[{turns[0].id}] 2024-03-08 18:30 (Friday) user: My friend Anna" in user


def test_a_friends_fact_is_attributed_to_the_friend(store: MemoryStore) -> None:
    turns = _turns(store, "My friend Anna is allergic to peanuts. I love peanuts though.")
    good = _memory("Anna is allergic to peanuts", [turns[0].id], subject="Anna")
    wrong = _memory("My friend Anna is allergic to peanuts", [turns[0].id])  # filed under user
    mine = _memory("The user loves peanuts", [turns[0].id], kind="preference")
    found = extract(ScriptedModel(replies(_reply(good, wrong, mine))), turns).candidates
    assert [(c.subject, c.kind) for c in found] == [
        ("Anna", "fact"), ("Anna", "fact"), ("user", "preference")
    ]  # fmt: skip
    assert "repaired" in (found[1].note or "")


def test_named_speakers_without_an_owner_become_subjects(store: MemoryStore) -> None:
    turns = _turns(store, "I painted a lake sunrise.", speaker="Melanie")
    reply = _reply(_memory("Painted a lake sunrise", [turns[0].id], subject="user"))
    found = extract(ScriptedModel(replies(reply)), turns).candidates
    assert found[0].subject == "Melanie"


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("yesterday", datetime(2024, 3, 7, tzinfo=UTC)),
        ("two weeks ago", datetime(2024, 2, 23, 18, 30, tzinfo=UTC)),
        ("in May 2023", datetime(2023, 5, 1, tzinfo=UTC)),
        ("2023-12-24", datetime(2023, 12, 24, tzinfo=UTC)),
        (None, SAID),
    ],
)
def test_relative_time_is_resolved_against_the_turns_time(
    store: MemoryStore, when: str | None, expected: datetime
) -> None:
    turns = _turns(store, "I went hiking yesterday.")
    reply = _reply(_memory("The user went hiking", [turns[0].id], kind="event", when=when))
    found = extract(ScriptedModel(replies(reply)), turns).candidates
    assert found[0].valid_from == expected


def test_evidence_outside_the_batch_is_dropped_and_repaired(store: MemoryStore) -> None:
    turns = _turns(store, "I adopted a cat named Miso.", "The weather is grey.")
    reply = _reply(_memory("The user adopted a cat named Miso", [999, "x"]))
    found = extract(ScriptedModel(replies(reply)), turns).candidates
    assert found[0].evidence == (turns[0].id,)
    assert "999" in (found[0].note or "") and "turn" in (found[0].note or "")


def test_kind_and_confidence_are_repaired_and_empty_items_dropped_with_a_note(
    store: MemoryStore,
) -> None:
    turns = _turns(store, "I want to learn Portuguese.")
    reply = _reply(
        _memory("The user wants to learn Portuguese", [turns[0].id], kind="goal", confidence=90),
        {"text": "  ", "evidence": []},
    )
    extraction = extract(ScriptedModel(replies(reply)), turns)
    assert [(c.kind, c.confidence) for c in extraction.candidates] == [("plan", 0.9)]
    assert any("dropped" in n for n in extraction.notes)


def test_malformed_output_is_repaired_without_asking_again(store: MemoryStore) -> None:
    turns = _turns(store, "I live in Berlin.")
    damaged = (
        "Sure! Here are the memories:\n```json\n"
        f'{{"memories": [{{"text": "The user lives in Berlin", "kind": "fact", '
        f'"subject": "user", "when": null, "confidence": 0.9, "evidence": [{turns[0].id}],}},],}}'
        "\n```"
    )
    model = ScriptedModel(replies(damaged))
    extraction = extract(model, turns)
    assert [c.text for c in extraction.candidates] == ["The user lives in Berlin"]
    assert len(model.requests) == 1 and "repaired" in extraction.notes[0]


def test_truncated_output_keeps_the_complete_items() -> None:
    items, notes = parse_reply('{"memories": [{"text": "a b", "kind": "fact"}, {"text": "c')
    assert items[0] == {"text": "a b", "kind": "fact"} and notes


def test_an_unreadable_reply_is_retried_once_with_the_error_shown(store: MemoryStore) -> None:
    turns = _turns(store, "I live in Berlin.")
    good = _reply(_memory("The user lives in Berlin", [turns[0].id]))
    model = ScriptedModel(replies("I cannot help with that.", good))
    extraction = extract(model, turns)
    assert [c.text for c in extraction.candidates] == ["The user lives in Berlin"]
    assert extraction.attempts == 2
    retry = model.requests[1].messages
    assert retry[-2].content == "I cannot help with that."
    assert "could not be read" in retry[-1].content


def test_a_reply_that_stays_unreadable_raises_with_the_raw_output(store: MemoryStore) -> None:
    turns = _turns(store, "I live in Berlin.")
    model = ScriptedModel(replies("no JSON here", "still none"))
    with pytest.raises(ExtractionError) as caught:
        extract(model, turns)
    assert "no JSON here" in (caught.value.raw_output or "")
    assert "still none" in (caught.value.raw_output or "")


def test_named_third_person_spots_who_a_sentence_is_about() -> None:
    assert named_third_person("Anna is allergic to peanuts") == "Anna"
    assert named_third_person("My sister Laura lives in Porto") == "Laura"
    assert named_third_person("Melanie's kids love camping") == "Melanie"
    assert named_third_person("The user lives in Lisbon") is None
    assert named_third_person("I like tea") is None
