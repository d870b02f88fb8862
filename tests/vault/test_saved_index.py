"""Saved indexes: reopened, extended, checked against the vault, and never trusted when stale."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from pasi.vault import index_files, search, vectors
from pasi.vault.index_files import INDEX_DIR
from pasi.vault.lexical import LexicalIndex
from pasi.vault.sqlite import SQLiteVault
from pasi.vault.vectors import VectorIndex

WORDS = "anna berlin climb cello garden tea paint lake run bake sail piano hike train book".split()
QUERIES = (["anna", "cello"], ["tea"], ["hike", "lake", "run"], ["zebra", "paint"])


def _fill(vault: SQLiteVault, count: int, *, first: int = 0, seed: int = 1) -> None:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    with vault.write() as conn:
        for ref in range(first, first + count):
            terms = " ".join(rng.choices(WORDS, k=rng.randint(1, 8)))
            context = " ".join(rng.choices(WORDS, k=rng.randint(0, 10)))
            vector = nrng.normal(size=24).astype(np.float32)
            search.add_unit(
                conn,
                kind="memory" if ref % 3 == 0 else "episode",
                ref_id=ref,
                terms=terms,
                context=context,
                vector=vector / np.linalg.norm(vector),
            )


def _fresh_lexical(vault: SQLiteVault) -> LexicalIndex:
    index = LexicalIndex()
    index.refresh(vault.read(), object())
    return index


def _same_ranking(got: list[tuple[int, float]], built: list[tuple[int, float]]) -> None:
    """The same scores in the same order, the same unit for each score above the last; units
    tied at the cut-off may differ (a rewritten unit sits at another position, as in a
    long-running process)."""
    assert [s for _, s in got] == [s for _, s in built]
    last = built[-1][1] if built else 0.0
    assert {i for i, s in got if s > last} == {i for i, s in built if s > last}
    by_id = dict(built)
    assert all(by_id[i] == s for i, s in got if i in by_id)


def _same_lexical(got: LexicalIndex, vault: SQLiteVault, *, exact: bool = False) -> None:
    """The index gives what one built from scratch gives, for every query and kind."""
    got.refresh(vault.read(), object())
    built = _fresh_lexical(vault)
    assert got.size == built.size
    for query in QUERIES:
        for kind in (None, "memory", "episode"):
            found, expected = got.search(query, 30, kind=kind), built.search(query, 30, kind=kind)
            _same_ranking(found, expected)
            assert found == expected or not exact


def _opened_lexical(vault: SQLiteVault) -> tuple[LexicalIndex, bool]:
    index = LexicalIndex()
    return index, index.load(vault.directory / INDEX_DIR, vault.read())


def _folder(vault: SQLiteVault) -> Path:
    return vault.directory / INDEX_DIR


def test_saved_postings_reopen_with_the_same_rankings(vault: SQLiteVault) -> None:
    _fill(vault, 400)
    assert _fresh_lexical(vault).save(_folder(vault), vault.read())
    index, loaded = _opened_lexical(vault)
    assert loaded and index.unsaved == 0
    _same_lexical(index, vault, exact=True)


def test_writes_after_a_save_are_read_from_the_vault_and_appended(vault: SQLiteVault) -> None:
    _fill(vault, 300)
    first = _fresh_lexical(vault)
    first.save(_folder(vault), vault.read())
    for round_ in range(4):  # more segments, merged as they come
        _fill(vault, 60, first=300 + 60 * round_, seed=round_ + 5)
        with vault.write() as conn:  # a rewritten neighbourhood, as a new turn causes
            search.set_context(conn, 7 + round_, "anna anna cello zebra", None)
        index, loaded = _opened_lexical(vault)
        assert loaded  # added and rewritten units are caught up, not a reason to rebuild
        _same_lexical(index, vault)
        assert index.save(_folder(vault), vault.read())
    manifest = index_files.read_manifest(_folder(vault), "lexical")
    assert manifest is not None and len(manifest["segments"]) <= 3
    names = {p.name for p in _folder(vault).glob("lexseg-*")}
    assert {n.split(".")[0] for n in names} == {f"lexseg-{s}" for s in manifest["segments"]}
    _same_lexical(_opened_lexical(vault)[0], vault)


def test_a_deletion_made_without_the_index_makes_it_stale(vault: SQLiteVault) -> None:
    _fill(vault, 200)
    _fresh_lexical(vault).save(_folder(vault), vault.read())
    kept = {p.name: p.read_bytes() for p in _folder(vault).iterdir()}
    with vault.write() as conn:  # what an older pasi (or a crash before the save) leaves
        search.remove_unit(conn, "episode", 4)
    for name, data in kept.items():  # the files come back, as if the erasure had not seen them
        (_folder(vault) / name).write_bytes(data)
    index, loaded = _opened_lexical(vault)
    assert not loaded and index.size == 0
    _same_lexical(index, vault)


def test_a_vault_swapped_or_rolled_back_under_the_index_is_not_trusted(tmp_path: Path) -> None:
    with SQLiteVault(tmp_path / "a") as a:
        _fill(a, 100, seed=1)
        _fill(a, 20, first=100, seed=2)
        _fresh_lexical(a).save(_folder(a), a.read())
    with SQLiteVault(tmp_path / "b") as b:  # same shape, other content
        _fill(b, 120, seed=3)
        shutil.copytree(tmp_path / "a" / INDEX_DIR, _folder(b))
        assert not _opened_lexical(b)[1]
    with SQLiteVault(tmp_path / "a") as a:
        with a.write() as conn:  # roll back to fewer units than the index holds
            conn.execute("DELETE FROM search_fts WHERE rowid > 100")
            conn.execute("DROP TRIGGER search_units_deleted")  # as a damaged copy would
            conn.execute("DELETE FROM search_units WHERE id > 100")
        assert not _opened_lexical(a)[1]


def test_a_missing_or_unknown_manifest_means_a_rebuild(vault: SQLiteVault) -> None:
    _fill(vault, 50)
    _fresh_lexical(vault).save(_folder(vault), vault.read())
    (_folder(vault) / "lexical.json").write_text('{"format": 99}')
    assert not _opened_lexical(vault)[1]
    (_folder(vault) / "lexical.json").unlink()
    assert not _opened_lexical(vault)[1]


def test_no_save_while_the_vault_is_ahead_of_the_index(vault: SQLiteVault) -> None:
    _fill(vault, 50)
    index = _fresh_lexical(vault)
    _fill(vault, 5, first=50)  # written after the refresh
    assert not index.save(_folder(vault), vault.read())
    assert index_files.read_manifest(_folder(vault), "lexical") is None


# -- vectors ------------------------------------------------------------------------------


def _fresh_vectors(vault: SQLiteVault, **options: int) -> VectorIndex:
    index = VectorIndex(prefix_dims=8, **options)
    index.refresh(vault.read(), object())
    return index


def _same_vectors(got: VectorIndex, vault: SQLiteVault, **options: int) -> None:
    got.refresh(vault.read(), object())
    built = _fresh_vectors(vault, **options)
    rng = np.random.default_rng(9)
    for _ in range(5):
        query = rng.normal(size=24).astype(np.float32)
        assert got.search(query, 15) == built.search(query, 15)
        some = built.ids[::7].tolist()
        assert got.scores_for(query, some) == built.scores_for(query, some)


def _opened_vectors(vault: SQLiteVault, **options: int) -> tuple[VectorIndex, bool]:
    index = VectorIndex(prefix_dims=8, **options)
    return index, index.load(_folder(vault), vault.read())


@pytest.mark.parametrize("options", [{}, {"exact_below": 50, "shortlist": 40}])
def test_saved_vectors_reopen_mapped_and_grow_in_place(
    vault: SQLiteVault, monkeypatch: pytest.MonkeyPatch, options: dict[str, int]
) -> None:
    monkeypatch.setattr(vectors, "ROOM", 100)
    _fill(vault, 200)
    assert _fresh_vectors(vault, **options).save(_folder(vault), vault.read())
    index, loaded = _opened_vectors(vault, **options)
    assert loaded and isinstance(index._head, np.memmap)
    _same_vectors(index, vault, **options)
    set_before = index_files.read_manifest(_folder(vault), "vectors")["set"]  # type: ignore[index]
    _fill(vault, 30, first=200, seed=4)
    rng = np.random.default_rng(3)
    with vault.write() as conn:
        search.set_context(conn, 11, "", rng.normal(size=24).astype(np.float32))
    index.refresh(vault.read(), object())
    _same_vectors(index, vault, **options)  # saved rows from the file, new and rewritten ones
    assert index.save(_folder(vault), vault.read())
    manifest = index_files.read_manifest(_folder(vault), "vectors")
    assert manifest is not None and manifest["set"] == set_before  # written in place
    _same_vectors(_opened_vectors(vault, **options)[0], vault, **options)
    room = manifest["capacity"]
    with vault.write() as conn:  # rewritten before the files grow: carried over
        search.set_context(conn, 13, "", rng.normal(size=24).astype(np.float32))
    _fill(vault, 150, first=230, seed=6)  # past the room left: the files grow in place
    with vault.write() as conn:
        search.set_context(conn, 12, "", rng.normal(size=24).astype(np.float32))
    index.refresh(vault.read(), object())
    assert isinstance(index._head, np.memmap)  # still mapped, not copied into memory
    _same_vectors(index, vault, **options)
    assert index.save(_folder(vault), vault.read())
    manifest = index_files.read_manifest(_folder(vault), "vectors")
    assert manifest is not None and manifest["set"] == set_before
    assert manifest["capacity"] > room and manifest["rows"] == 380
    _same_vectors(_opened_vectors(vault, **options)[0], vault, **options)
    shutil.rmtree(_folder(vault))  # the files gone under it: the next growth copies
    _fill(vault, 300, first=380, seed=7)
    index.refresh(vault.read(), object())
    _same_vectors(index, vault, **options)
    assert index.save(_folder(vault), vault.read())
    manifest = index_files.read_manifest(_folder(vault), "vectors")
    assert manifest is not None and manifest["set"] != set_before and manifest["rows"] == 680
    _same_vectors(_opened_vectors(vault, **options)[0], vault, **options)


def test_saved_vectors_go_stale_on_a_deletion(vault: SQLiteVault) -> None:
    _fill(vault, 80)
    _fresh_vectors(vault).save(_folder(vault), vault.read())
    with vault.write() as conn:
        conn.execute("DELETE FROM search_units WHERE id = 3")  # not through remove_unit
    index, loaded = _opened_vectors(vault)
    assert not loaded
    _same_vectors(index, vault)


def test_removing_a_unit_removes_the_saved_files(vault: SQLiteVault) -> None:
    _fill(vault, 40)
    _fresh_lexical(vault).save(_folder(vault), vault.read())
    _fresh_vectors(vault).save(_folder(vault), vault.read())
    with vault.write() as conn:
        search.remove_unit(conn, "memory", 3)
        assert [p.name for p in _folder(vault).iterdir()] == [".lock"]  # before the commit


def test_units_read_after_a_load_can_be_rewritten_again(vault: SQLiteVault) -> None:
    _fill(vault, 100)
    _fresh_lexical(vault).save(_folder(vault), vault.read())
    index, loaded = _opened_lexical(vault)
    assert loaded
    _fill(vault, 10, first=100, seed=8)
    index.refresh(vault.read(), object())  # the new units are read, their places not yet mapped
    # The 106th and 6th units (ids need not be consecutive: on PostgreSQL they are not).
    ids = [r[0] for r in vault.read().execute("SELECT id FROM search_units ORDER BY id")]
    with vault.write() as conn:
        search.set_context(conn, ids[105], "zebra zebra tea", None)  # one read after the load
        search.set_context(conn, ids[5], "zebra anna", None)  # one from the saved files
    _same_lexical(index, vault)
    assert index.search(["zebra"], 5)[0][0] == ids[105]
