from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pasi.errors import InputError, NotFoundError
from pasi.memory.store import MemoryStore, Turn
from pasi.vault import search


def test_remember_then_recall_returns_the_statement_with_its_provenance(store: MemoryStore) -> None:
    turn = store.record_turn("By the way, I moved to Lisbon in January.")
    memory = store.remember(
        "The user lives in Lisbon",
        subject="user",
        evidence=[turn],
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
    )
    results = store.recall("Where does the user live?", k=3)
    top = results[0]
    assert (top.kind, top.id, top.text) == ("memory", memory.id, "The user lives in Lisbon")
    assert top.evidence == (turn,)
    assert top.at == datetime(2024, 1, 1, tzinfo=UTC)
    assert top.current


def test_turns_are_kept_verbatim_and_found_with_their_source(store: MemoryStore) -> None:
    text = "  My sister Anna is training for the Vienna marathon  "
    episode_id = store.record_turn(text, speaker="Sam")
    hit = store.recall("Who is running a marathon?", k=1)[0]
    assert (hit.kind, hit.id, hit.speaker) == ("episode", episode_id, "Sam")
    assert hit.text == text.strip()
    assert hit.source == "conversation:default"


def test_correct_supersedes_and_keeps_history(store: MemoryStore) -> None:
    old = store.remember("I live in Berlin")
    new = store.correct(old.id, "I live in Lisbon")
    old_now = store.get(old.id)
    assert old_now.superseded_by == new.id
    assert old_now.valid_to is not None
    assert not old_now.is_current and new.is_current
    assert [m.text for m in store.history(old.id)] == ["I live in Berlin", "I live in Lisbon"]
    assert [m.text for m in store.history(new.id)] == ["I live in Berlin", "I live in Lisbon"]
    assert [m.id for m in store.list()] == [new.id]
    assert {m.id for m in store.list(include_superseded=True)} == {old.id, new.id}
    ranked = store.recall("where do I live", k=2)
    assert [r.id for r in ranked] == [new.id, old.id]  # history is findable, below the present
    assert ranked[1].current is False


def test_correcting_a_superseded_memory_is_refused(store: MemoryStore) -> None:
    old = store.remember("I drink coffee")
    store.correct(old.id, "I drink tea")
    with pytest.raises(InputError, match="already superseded"):
        store.correct(old.id, "I drink water")


def test_forget_erases_the_memory_its_history_and_index_entries(store: MemoryStore) -> None:
    old = store.remember("My bank PIN hint is the cat's birthday")
    new = store.correct(old.id, "My bank PIN hint is the dog's birthday")
    report = store.forget(new.id)
    assert report.memories == 2
    assert store.recall("bank PIN hint", k=5) == []
    conn = store.vault.read()
    assert conn.execute("SELECT COUNT(*) FROM memories").fetchone()[0] == 0
    assert search.count_units(conn) == 0
    with pytest.raises(NotFoundError):
        store.get(old.id)


def test_forget_with_evidence_also_removes_the_turns(store: MemoryStore) -> None:
    said = store.record_turn("My doctor is Dr. Okafor at the Linden clinic")
    other = store.record_turn("The weather is lovely today")
    memory = store.remember("The user's doctor is Dr. Okafor", evidence=[said])
    report = store.forget(memory.id, with_evidence=True)
    assert report.episodes == 1
    hits = store.recall("Okafor doctor clinic", k=5)
    assert all(h.id != said for h in hits if h.kind == "episode")
    remaining = store.vault.read().execute("SELECT id FROM episodes").fetchall()
    assert [r[0] for r in remaining] == [other]


def test_forget_unknown_id_says_so(store: MemoryStore) -> None:
    with pytest.raises(NotFoundError, match="no memory with id 42"):
        store.forget(42)


def test_reimporting_turns_with_the_same_ids_adds_nothing(store: MemoryStore) -> None:
    turns = [
        Turn(f"turn number {i}", speaker="A", session="1", external_id=f"D1:{i}") for i in range(5)
    ]
    first = store.record_turns(turns, source_uri="file:chat.json")
    second = store.record_turns(turns, source_uri="file:chat.json")
    assert all(i is not None for i in first)
    assert second == [None] * 5
    assert store.vault.read().execute("SELECT COUNT(*) FROM episodes").fetchone()[0] == 5


def test_a_new_turn_becomes_context_of_the_previous_one(store: MemoryStore) -> None:
    """The answer is often in the reply to the turn that uses the question's words."""
    asked = store.record_turn("What instrument did you pick up?", speaker="Ana")
    store.record_turn("The cello, finally!", speaker="Ben")
    conn = store.vault.read()
    unit = search.unit_id_for(conn, "episode", asked)
    context = conn.execute("SELECT context FROM search_fts WHERE rowid = ?", (unit,)).fetchone()[0]
    assert "cello" in context.split()


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("   \n ", "empty"), ("x" * 10_000_001, "limit"), ("a\x00b", "NUL")],
)
def test_unusable_statements_are_refused_and_nothing_is_stored(
    store: MemoryStore, text: str, message: str
) -> None:
    store.remember("I keep this")
    with pytest.raises(InputError, match=message):
        store.remember(text)
    with pytest.raises(InputError, match=message):
        store.record_turns([Turn("fine"), Turn(text)])
    assert [m.text for m in store.list()] == ["I keep this"]
    assert store.vault.read().execute("SELECT COUNT(*) FROM episodes").fetchone()[0] == 0


def test_unknown_kind_and_missing_evidence_are_refused(store: MemoryStore) -> None:
    with pytest.raises(InputError, match="unknown memory kind 'rumour'"):
        store.remember("x", kind="rumour")
    with pytest.raises(InputError, match=r"evidence episode\(s\) \[99\]"):
        store.remember("x", evidence=[99])
    assert store.list() == []


def test_erased_turns_leave_no_trace_in_their_neighbours_index(store: MemoryStore) -> None:
    turns = [
        Turn("Can you keep something for me?", speaker="me", session="1", external_id="1"),
        Turn("my password is hunter2", speaker="me", session="1", external_id="2"),
        Turn("ok, noted", speaker="pasi", session="1", external_id="3"),
        Turn("thanks", speaker="me", session="1", external_id="4"),
    ]
    ids = store.record_turns(turns, source_uri="chat:x")
    memory = store.remember("The user's password is hunter2", evidence=[ids[1]])
    store.forget(memory.id, with_evidence=True)
    conn = store.vault.read()
    lexical_hits = search.lexical(conn, ["hunter2"], limit=5)
    assert lexical_hits == []
    assert all("hunter2" not in hit.text for hit in store.recall("hunter2 password", k=5))
    contexts = [r[0] for r in conn.execute("SELECT context FROM search_fts")]
    assert not any("hunter2" in c for c in contexts)
    # the survivors are neighbours of each other now
    unit = search.unit_id_for(conn, "episode", ids[0])
    context = conn.execute("SELECT context FROM search_fts WHERE rowid = ?", (unit,)).fetchone()[0]
    assert "note" in context.split()


def test_erased_turns_take_the_record_of_the_reply_they_shaped(store: MemoryStore) -> None:
    from pasi.vault.answers import insert_answer

    asked, replied, kept = store.record_turns(
        [
            Turn("where is my spare key?", speaker="me"),
            Turn("under the blue pot", speaker="pasi"),
            Turn("thanks", speaker="me"),
        ],
        source_uri="chat:y",
    )
    with store.vault.write() as conn:
        for question, answer in ((asked, replied), (kept, None)):
            insert_answer(
                conn,
                source_id=None,
                question_episode_id=question,
                answer_episode_id=answer,
                model=None,
                context={"used": ["blue pot"]},
                now=datetime(2024, 3, 1, tzinfo=UTC),
            )
    store.erase_episodes({asked, replied})
    rows = store.vault.read().execute("SELECT question_episode_id FROM answers").fetchall()
    assert [r[0] for r in rows] == [kept]
