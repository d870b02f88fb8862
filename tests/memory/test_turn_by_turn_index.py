"""A conversation recorded one turn at a time is indexed exactly as when imported at once.

Recording a turn reads only the tail of its session (the turns whose neighbourhood it changes),
so this checks that nothing outside that tail was needed: every unit's words, neighbours' words
and smoothed vector come out the same.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from pasi.memory.store import MemoryStore, Turn
from pasi.models.embedder import WordLlamaEmbedder
from pasi.vault.sqlite import SQLiteVault

LINES = [
    "I adopted a dog called Bruno last spring.",
    "That is lovely, what breed is he?",
    "A border collie, he herds the neighbour's cats.",
    "Does he get along with the cats otherwise?",
    "Mostly, except the ginger one called Pumpkin.",
    "I am planning a trip to Lisbon in May.",
    "Are you taking Bruno with you?",
    "No, my sister Lena will look after him.",
    "Lena lives in Porto now, she moved last year.",
    "She works at a bakery near the river.",
    "We will meet her for dinner on the way back.",
]
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _turns() -> list[Turn]:
    return [
        Turn(text, role="user" if i % 2 == 0 else "assistant", session=f"day{i // 6}",
             occurred_at=START + timedelta(minutes=i))
        for i, text in enumerate(LINES)
    ]  # fmt: skip


def _index(directory: Path, embedder: WordLlamaEmbedder, one_by_one: bool) -> list[tuple]:
    with SQLiteVault(directory) as vault:
        store = MemoryStore(vault, embedder)
        turns = _turns()
        if one_by_one:
            for turn in turns:
                store.record_turns([turn], source_uri="chat")
                store.record_turns([Turn(f"note {turn.text}")], source_uri="notes")  # elsewhere
        else:
            store.record_turns(turns, source_uri="chat")
        rows = vault.read().execute(
            "SELECT e.text, u.session, f.terms, f.context, u.vector FROM search_units u"
            " JOIN search_fts f ON f.rowid = u.id JOIN episodes e ON e.id = u.ref_id"
            " JOIN sources s ON s.id = e.source_id"
            " WHERE u.kind = 'episode' AND s.uri = 'chat' ORDER BY e.position"
        )
        return [(*row[:4], np.frombuffer(row[4], dtype=np.float32)) for row in rows]


def test_turns_recorded_one_by_one_are_indexed_as_a_batch(
    tmp_path: Path, embedder: WordLlamaEmbedder
) -> None:
    batch = _index(tmp_path / "batch", embedder, one_by_one=False)
    single = _index(tmp_path / "single", embedder, one_by_one=True)
    assert len(batch) == len(single) == len(LINES)
    for together, alone in zip(batch, single, strict=True):
        assert alone[:4] == together[:4]
        assert np.allclose(alone[4], together[4], atol=1e-6)
    assert "bruno" in batch[2][3]  # neighbours' words are there to compare
