from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pasi.clock import fixed_clock
from pasi.memory.store import MemoryStore, Turn
from pasi.vault.sqlite import SQLiteVault

MAY = datetime(2023, 5, 8, 14, 0, tzinfo=UTC)
AUGUST = datetime(2023, 8, 20, 14, 0, tzinfo=UTC)


def _two_friends(store: MemoryStore) -> None:
    store.record_turns(
        [
            Turn(
                "I went hiking in the mountains yesterday",
                speaker="Caroline",
                session="1",
                external_id="D1:1",
                occurred_at=MAY,
            ),
            Turn(
                "Nice! I went hiking with my kids too",
                speaker="Melanie",
                session="1",
                external_id="D1:2",
                occurred_at=MAY,
            ),
            Turn(
                "We hiked a trail near the lake today",
                speaker="Melanie",
                session="2",
                external_id="D2:1",
                occurred_at=AUGUST,
            ),
            Turn(
                "Sounds lovely, I stayed home painting",
                speaker="Caroline",
                session="2",
                external_id="D2:2",
                occurred_at=AUGUST,
            ),
        ],
        source_uri="locomo:test",
    )


def test_a_question_naming_one_person_prefers_what_that_person_said(store: MemoryStore) -> None:
    _two_friends(store)
    assert (
        store.recall("Where did Caroline go hiking?", k=1, kind="episode")[0].external_id == "D1:1"
    )
    assert store.recall("Where did Melanie go hiking?", k=1, kind="episode")[0].speaker == "Melanie"


def test_a_nickname_prefix_names_the_speaker(store: MemoryStore) -> None:
    _two_friends(store)
    assert store.recall("Did Mel go hiking?", k=1, kind="episode")[0].speaker == "Melanie"


def test_a_question_naming_a_period_prefers_turns_from_then(store: MemoryStore) -> None:
    _two_friends(store)
    asked = datetime(2023, 9, 1, tzinfo=UTC)
    in_august = store.recall("Who went hiking in August 2023?", k=1, at=asked, kind="episode")
    in_may = store.recall("Who went hiking in May 2023?", k=1, at=asked, kind="episode")
    assert in_august[0].external_id == "D2:1"
    assert in_may[0].external_id in {"D1:1", "D1:2"}


def test_relative_words_in_a_turn_date_it(store: MemoryStore) -> None:
    """'yesterday' said on 8 May is about 7 May: a question about 7 May finds it."""
    _two_friends(store)
    hit = store.recall("Who went hiking on 7 May 2023?", k=1, at=AUGUST, kind="episode")
    assert hit[0].external_id == "D1:1"


def test_retrieval_works_without_an_embedder(vault: SQLiteVault) -> None:
    store = MemoryStore(vault, None, fixed_clock(AUGUST))
    _two_friends(store)
    store.remember("Caroline paints landscapes", subject="Caroline")
    hits = store.recall("who paints?", k=2)
    assert hits[0].kind == "memory"
    assert hits[0].text == "Caroline paints landscapes"


def test_dense_search_finds_a_paraphrase_with_no_shared_words(store: MemoryStore) -> None:
    store.remember("My daughter adores horses")
    store.remember("The quarterly tax filing is due in April")
    hits = store.recall("kid loves ponies", k=1)
    assert hits and hits[0].text == "My daughter adores horses"


def test_vectors_rewritten_by_a_new_neighbour_reach_the_loaded_index(store: MemoryStore) -> None:
    """A turn's dense vector is smoothed with its neighbours', so a new turn rewrites the
    previous one's; an index loaded before must see the new vector, not the stale one."""
    import numpy as np

    from pasi.vault import search

    first = store.record_turn("We talked about sailing boats", speaker="Ana")
    store.recall("sailing", k=1)  # loads the vector index
    store.record_turn("Then about mountain huts", speaker="Ben")
    store.recall("sailing", k=1)  # refreshes it
    conn = store.vault.read()
    unit = search.unit_id_for(conn, "episode", first)
    stored = np.frombuffer(
        conn.execute("SELECT vector FROM search_units WHERE id = ?", (unit,)).fetchone()[0],
        dtype=np.float32,
    )
    query = np.ones(stored.shape[0], dtype=np.float32)
    loaded = store.retriever.vectors.scores_for(query, [unit])[unit]
    assert loaded == pytest.approx(float(stored @ query), rel=1e-5)


def test_a_reply_ranks_below_the_users_words_unless_the_question_asks_what_pasi_said(
    store: MemoryStore,
) -> None:
    """A reply is evidence of what pasi said: one that repeats the user's words must not pass
    for the user's own statement, but it is the answer to "what did you say"."""
    user = store.record_turn("I am thinking of moving to Lisbon next spring", role="user")
    reply = store.record_turn(
        "Moving to Lisbon next spring sounds lovely: Lisbon has mild springs", role="assistant"
    )
    about_user = [r.id for r in store.recall("When am I moving to Lisbon?", k=2)]
    assert about_user == [user, reply]
    about_pasi = [r.id for r in store.recall("What did you say about Lisbon?", k=2)]
    assert about_pasi == [reply, user]


@pytest.mark.parametrize(
    ("question", "about_pasi"),
    [
        ("What did you say about Lisbon?", True),
        ("You told me to try yoga, which class was it?", True),
        ("What was your advice on the lease?", True),
        ("Did pasi recommend a book?", True),
        ("When did Caroline go hiking?", False),
        ("What did Melanie say about her kids?", False),
    ],
)
def test_questions_about_what_pasi_said_are_told_apart(question: str, about_pasi: bool) -> None:
    from pasi.memory.retrieval import ASKS_WHAT_PASI_SAID

    assert bool(ASKS_WHAT_PASI_SAID.search(question)) is about_pasi
