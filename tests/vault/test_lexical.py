"""The in-memory BM25 gives the ranking and scores FTS5's bm25() gives, and stays in step."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pasi.vault import search
from pasi.vault.lexical import LexicalIndex
from pasi.vault.sqlite import SQLiteVault

WORDS = "anna berlin climb cello garden tea paint lake run bake sail piano hike train book".split()


def _fill(vault: SQLiteVault, count: int, seed: int = 1, first: int = 0) -> None:
    rng = random.Random(seed)
    with vault.write() as conn:
        for ref in range(first, first + count):
            terms = " ".join(rng.choices(WORDS, k=rng.randint(1, 8)))
            context = " ".join(rng.choices(WORDS, k=rng.randint(0, 10)))
            kind = "memory" if ref % 3 == 0 else "episode"
            search.add_unit(conn, kind=kind, ref_id=ref, terms=terms, context=context)


def _compare(vault: SQLiteVault, index: LexicalIndex, query: list[str], kind: str | None) -> None:
    conn = vault.read()
    index.refresh(conn, vault.data_version())
    expected = search.lexical(conn, query, limit=20, weights=(1.0, 0.5), kind=kind)
    got = index.search(query, 20, weights=(1.0, 0.5), kind=kind)
    assert [round(s, 3) for _, s in got] == [round(s, 3) for _, s in expected]
    by_id = dict(expected)  # the same unit gets the same score (ties may order differently)
    assert all(abs(by_id[i] - s) < 1e-3 for i, s in got if i in by_id)
    assert len({i for i, _ in got} & set(by_id)) >= len(got) - 2


@pytest.mark.parametrize("kind", [None, "memory", "episode"])
def test_scores_match_fts5_bm25(tmp_path: Path, kind: str | None) -> None:
    with SQLiteVault(tmp_path / "v") as vault:
        _fill(vault, 300)
        index = LexicalIndex()
        for query in (["anna", "cello"], ["tea"], ["hike", "lake", "run", "unknownword"]):
            _compare(vault, index, query, kind)


def test_appends_rewrites_and_deletions_are_followed(tmp_path: Path) -> None:
    with SQLiteVault(tmp_path / "v") as vault:
        _fill(vault, 200)
        index = LexicalIndex()
        _compare(vault, index, ["anna", "paint"], None)
        _fill(vault, 50, seed=2, first=200)
        _compare(vault, index, ["anna", "paint"], None)
        with vault.write() as conn:  # a rewritten neighbourhood
            search.set_context(conn, 3, "anna anna anna paint", None)
        _compare(vault, index, ["anna", "paint"], None)
        with vault.write() as conn:
            search.remove_unit(conn, "episode", 4)
        _compare(vault, index, ["anna", "paint"], None)
        assert index.size == 249


def test_document_frequencies_count_units_saying_a_term_themselves(tmp_path: Path) -> None:
    with SQLiteVault(tmp_path / "v") as vault:
        with vault.write() as conn:
            search.add_unit(conn, kind="episode", ref_id=1, terms="clarinet band", context="")
            search.add_unit(conn, kind="episode", ref_id=2, terms="band", context="clarinet")
            search.add_unit(conn, kind="episode", ref_id=3, terms="clarinet", context="")
        index = LexicalIndex()
        index.refresh(vault.read(), vault.data_version())
        assert index.document_frequencies(["clarinet", "band", "oboe"]) == {
            "clarinet": 2,  # the neighbours' words of unit 2 are not its own
            "band": 2,
            "oboe": 0,
        }
        with vault.write() as conn:  # a rewritten unit is counted once, at its new place
            search.set_context(conn, 1, "oboe", None)
        index.refresh(vault.read(), vault.data_version())
        assert index.document_frequencies(["clarinet", "oboe"]) == {"clarinet": 2, "oboe": 0}
