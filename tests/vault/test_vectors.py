from __future__ import annotations

import numpy as np

from pasi.vault import search
from pasi.vault.sqlite import SQLiteVault
from pasi.vault.vectors import VectorIndex


def _unit_vectors(rng: np.random.Generator, n: int, dim: int = 32) -> np.ndarray:
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _fill(vault: SQLiteVault, vectors: np.ndarray, first_ref: int = 1) -> list[int]:
    with vault.write() as conn:
        return [
            search.add_unit(conn, kind="memory", ref_id=first_ref + i, terms="x", vector=v)
            for i, v in enumerate(vectors)
        ]


def _exact_top(ids: list[int], vectors: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    scores = vectors @ query
    return [ids[i] for i in np.argsort(-scores)[:k]]


def test_exact_search_matches_brute_force(vault: SQLiteVault) -> None:
    rng = np.random.default_rng(0)
    vectors = _unit_vectors(rng, 300)
    ids = _fill(vault, vectors)
    index = VectorIndex(prefix_dims=8)
    index.refresh(vault.read(), vault.data_version())
    query = vectors[7]
    found = index.search(query, 10)
    assert [i for i, _ in found] == _exact_top(ids, vectors, query, 10)
    assert abs(found[0][1] - 1.0) < 1e-5


def test_two_stage_search_scores_exactly_and_keeps_the_best(vault: SQLiteVault) -> None:
    rng = np.random.default_rng(1)
    vectors = _unit_vectors(rng, 2000)
    ids = _fill(vault, vectors)
    index = VectorIndex(prefix_dims=16, exact_below=100, shortlist=400)
    index.refresh(vault.read(), vault.data_version())
    query = vectors[42]
    found = index.search(query, 20)
    expected = dict(zip(ids, (vectors @ query).tolist(), strict=True))
    assert found[0][0] == ids[42]
    for unit_id, score in found:
        assert abs(score - expected[unit_id]) < 1e-5  # shortlisted rows get the exact score
    assert len({i for i, _ in found} & set(_exact_top(ids, vectors, query, 20))) >= 15


def test_new_units_are_appended_and_deletions_reload(vault: SQLiteVault) -> None:
    rng = np.random.default_rng(2)
    first = _unit_vectors(rng, 50)
    index = VectorIndex()
    ids = _fill(vault, first)
    index.refresh(vault.read(), vault.data_version())
    more = _unit_vectors(rng, 30)
    ids += _fill(vault, more, first_ref=1000)
    index.refresh(vault.read(), vault.data_version())
    assert index.ids.tolist() == ids
    with vault.write() as conn:
        search.remove_unit(conn, "memory", 1)
    index.refresh(vault.read(), vault.data_version())
    assert index.ids.tolist() == ids[1:]
    assert ids[0] not in dict(index.search(first[0], 5))


def test_scores_for_and_among_only_see_the_given_units(vault: SQLiteVault) -> None:
    rng = np.random.default_rng(3)
    vectors = _unit_vectors(rng, 40)
    ids = _fill(vault, vectors)
    index = VectorIndex()
    index.refresh(vault.read(), vault.data_version())
    query = vectors[0]
    scores = index.scores_for(query, [ids[3], ids[5], 999_999])
    assert set(scores) == {ids[3], ids[5]}
    assert abs(scores[ids[3]] - float(vectors[3] @ query)) < 1e-5
    among = np.array([ids[10], ids[20]])
    assert {i for i, _ in index.search(query, 5, among=among)} == {ids[10], ids[20]}
