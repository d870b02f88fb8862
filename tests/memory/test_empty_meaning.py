"""A text without meaning (the empty one) embeds as zeros, and a zero vector is no signal."""

from __future__ import annotations

import numpy as np

from frozen_time import NOW
from pasi.memory.store import MemoryStore
from pasi.models.embedder import WordLlamaEmbedder


def test_wordllama_gives_zeros_not_nan_for_a_text_without_words(
    embedder: WordLlamaEmbedder,
) -> None:
    vectors = embedder.embed(["", "The quince tree by the north wall"])
    assert np.isfinite(vectors).all()
    assert not vectors[0].any()
    assert abs(float(np.linalg.norm(vectors[1])) - 1.0) < 1e-3


def test_a_zero_query_vector_brings_no_candidates_and_no_score(store: MemoryStore) -> None:
    for text in ("I live in Lisbon", "My sister Anna plays the cello", "The bike is blue"):
        store.remember(text)
    retriever = store.retriever
    version = store.vault.data_version()
    assert retriever.score(retriever.analyse("", NOW, version), version, None) == {}
    scored = retriever.score(retriever.analyse("cello", NOW, version), version, None)
    assert scored and all(np.isfinite(list(scored.values())))
