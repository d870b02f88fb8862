"""A bulk import builds the approximate dense index of a large vault, and a new process uses it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pasi.bench.synthetic import MemoryFaker
from pasi.clock import fixed_clock
from pasi.memory import retrieval
from pasi.memory import store as store_module
from pasi.memory.store import BATCH, MemoryStore
from pasi.models.embedder import WordLlamaEmbedder
from pasi.vault import index_files
from pasi.vault.index_files import INDEX_DIR
from pasi.vault.sqlite import SQLiteVault

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ABOVE = 1_000  # rows: a small vault stands in for a million units


def _store(directory: Path, embedder: WordLlamaEmbedder, graph_above: int) -> MemoryStore:
    store = MemoryStore(SQLiteVault(directory), embedder, fixed_clock(NOW))
    store.retriever.vectors.graph_above = graph_above
    store.retriever.vectors.exact_below = 100
    return store


def test_a_bulk_import_builds_the_graph_and_answers_stay_the_same(
    tmp_path: Path, embedder: WordLlamaEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "BULK_SAVE_EVERY", 5_000)  # no bulk save inside
    monkeypatch.setattr(retrieval, "BULK_SAVE_EVERY", 5_000)
    directory = tmp_path / "v"
    importing = _store(directory, embedder, ABOVE)
    importing.remember_many(list(MemoryFaker(3).memories(BATCH + 500)))  # a bulk import
    importing.vault.close()
    saved = index_files.read_manifest(directory / INDEX_DIR, "graph")
    assert saved is not None and saved["rows"] >= ABOVE
    faker = MemoryFaker(11)
    questions = [faker.question() for _ in range(30)]
    with_graph = _store(directory, embedder, ABOVE)
    scanning = _store(directory, embedder, 10**9)
    got = [[r.id for r in with_graph.recall(q, 10, at=NOW)] for q in questions]
    assert with_graph.retriever.vectors._graph is not None
    assert scanning.retriever.vectors._graph is None
    expected = [[r.id for r in scanning.recall(q, 10, at=NOW)] for q in questions]
    overlap = sum(len(set(a) & set(b)) for a, b in zip(got, expected, strict=True))
    assert overlap >= 0.95 * sum(len(b) for b in expected)
    with_graph.vault.close()
    scanning.vault.close()
