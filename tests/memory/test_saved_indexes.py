"""The retriever's saved indexes: a new process answers as the in-memory path does, writes reach
them, an erasure removes its words from disk, and an encrypted vault keeps none on disk."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from pasi.bench.synthetic import MemoryFaker
from pasi.clock import fixed_clock
from pasi.memory.store import BATCH, MemoryStore, Turn
from pasi.models.embedder import WordLlamaEmbedder
from pasi.vault import search
from pasi.vault.index_files import INDEX_DIR
from pasi.vault.sqlite import SQLiteVault

NOW = datetime(2026, 6, 1, tzinfo=UTC)
PASSPHRASE = "correct horse battery staple"


def _questions(count: int) -> list[str]:
    faker = MemoryFaker(11)
    return [faker.question() for _ in range(count)]


def _answers(store: MemoryStore, questions: list[str]) -> list[list[tuple[str, int, float]]]:
    return [[(r.kind, r.id, r.score) for r in store.recall(q, 10, at=NOW)] for q in questions]


def _in_memory(directory: Path, embedder: WordLlamaEmbedder) -> MemoryStore:
    """A store whose retriever builds everything from the vault, as before saved indexes."""
    store = MemoryStore(SQLiteVault(directory), embedder, fixed_clock(NOW))
    store.retriever.folder = None
    return store


def _conversation(store: MemoryStore, turns: int, seed: int) -> None:
    rng = random.Random(seed)
    faker = MemoryFaker(seed)
    texts = [m.text for m in faker.memories(turns)]
    store.record_turns(
        [Turn(t, speaker=rng.choice(["Ana", "Ben", "Caro"]), session=str(i // 40))
         for i, t in enumerate(texts)],
        source_uri=f"chat:{seed}",
    )  # fmt: skip


def test_a_new_process_answers_from_saved_indexes_as_the_in_memory_path(
    tmp_path: Path, embedder: WordLlamaEmbedder
) -> None:
    directory = tmp_path / "v"
    with SQLiteVault(directory) as vault:
        store = MemoryStore(vault, embedder, fixed_clock(NOW))
        store.remember_many(list(MemoryFaker(3).memories(BATCH + 500)))  # a bulk import
        _conversation(store, 300, seed=4)  # turns: neighbourhoods, rewritten as turns arrive
    assert (directory / INDEX_DIR / "lexical.json").is_file()
    assert (directory / INDEX_DIR / "vectors.json").is_file()
    assert (directory / INDEX_DIR / "speakers.json").is_file()
    questions = [*_questions(40), "What did Ana say about Berlin?", "Did Caro ever go hiking?"]
    with SQLiteVault(directory) as vault:
        saved = MemoryStore(vault, embedder, fixed_clock(NOW))
        from_disk = _answers(saved, questions)
        assert saved.retriever.lexical.unsaved == 0  # loaded, not rebuilt
    reference = _in_memory(directory, embedder)
    try:
        assert from_disk == _answers(reference, questions)
    finally:
        reference.vault.close()


def test_writes_by_a_pasi_without_saved_indexes_are_caught_up(
    tmp_path: Path, embedder: WordLlamaEmbedder
) -> None:
    directory = tmp_path / "v"
    with SQLiteVault(directory) as vault:
        MemoryStore(vault, embedder).remember_many(list(MemoryFaker(5).memories(BATCH)))
    older = _in_memory(directory, embedder)  # writes, never saves (as an older pasi)
    older.remember("Zanzibar is where my sister Olga lives")
    _conversation(older, 30, seed=6)
    older.vault.close()
    with SQLiteVault(directory) as vault:
        store = MemoryStore(vault, embedder, fixed_clock(NOW))
        hits = store.recall("Who lives in Zanzibar?", 3, at=NOW)
        assert hits[0].text == "Zanzibar is where my sister Olga lives"
        assert store.retriever.lexical.size == search.count_units(vault.read())
        assert store.retriever.vectors.size == search.count_units(vault.read())
        # Loaded, then only the newer units read (a rebuild would have saved them all):
        assert 0 < store.retriever.lexical.unsaved < store.retriever.lexical.size
        from_disk = _answers(store, _questions(20))
    reference = _in_memory(directory, embedder)
    try:
        assert from_disk == _answers(reference, _questions(20))
    finally:
        reference.vault.close()


def test_forget_removes_the_words_from_the_saved_indexes(
    tmp_path: Path, embedder: WordLlamaEmbedder
) -> None:
    directory = tmp_path / "v"
    folder = directory / INDEX_DIR
    with SQLiteVault(directory) as vault:
        store = MemoryStore(vault, embedder, fixed_clock(NOW))
        store.remember_many(list(MemoryFaker(7).memories(BATCH)))
        secret = store.remember("my locker code is quokkaplatypus")
        store.recall("locker code", 3, at=NOW)
        store.retriever.sync()
        assert any(b"quokkaplatypu" in p.read_bytes() for p in folder.glob("lexseg-*.terms"))
        store.forget(secret.id)
        assert not any(folder.glob("lexseg-*")) and not any(folder.glob("vec-*"))
        hits = store.recall("locker code quokkaplatypus", 3, at=NOW)
        assert all("quokka" not in h.text for h in hits)
        store.retriever.sync()
    assert (folder / "lexical.json").is_file()  # rebuilt without it
    assert not any(b"quokkaplatypu" in p.read_bytes() for p in folder.iterdir() if p.is_file())


def test_an_encrypted_vault_keeps_no_index_on_disk(
    tmp_path: Path, embedder: WordLlamaEmbedder
) -> None:
    directory = tmp_path / "v"
    with SQLiteVault(directory, PASSPHRASE, encrypt=True) as vault:
        store = MemoryStore(vault, embedder, fixed_clock(NOW))
        store.remember_many(list(MemoryFaker(8).memories(BATCH)))
        store.remember("the spare key is under the blue flowerpot")
        assert store.recall("where is the spare key?", 1, at=NOW)[0].text.startswith("the spare")
    assert not (directory / INDEX_DIR).exists()
    (directory / INDEX_DIR).mkdir()  # left from when the vault was plain
    (directory / INDEX_DIR / "lexical.json").write_text("{}")
    with SQLiteVault(directory, PASSPHRASE) as vault:
        store = MemoryStore(vault, embedder, fixed_clock(NOW))
        assert store.recall("spare key", 1, at=NOW)[0].text.startswith("the spare")
    assert not (directory / INDEX_DIR / "lexical.json").exists()


def test_a_vault_whose_folder_was_erased_still_closes(
    tmp_path: Path, embedder: WordLlamaEmbedder
) -> None:
    import shutil

    directory = tmp_path / "v"
    vault = SQLiteVault(directory)
    store = MemoryStore(vault, embedder, fixed_clock(NOW))
    store.remember("the boat is called Aurora")
    store.recall("boat", 1, at=NOW)
    store.remember("the car is called Bolt")  # left to save on close
    shutil.rmtree(directory)  # erased under the open vault (as `pasi erase` of a served user)
    vault.close()
    assert not directory.exists()
