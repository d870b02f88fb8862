"""The approximate dense index: built by bulk saves, mapped on open, never trusted when stale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pasi.vault import graph, index_files, search
from pasi.vault.index_files import INDEX_DIR
from pasi.vault.sqlite import SQLiteVault
from pasi.vault.vectors import VectorIndex

DIM = 24


def _fill(vault: SQLiteVault, count: int, *, first: int = 0, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    with vault.write() as conn:
        for ref in range(first, first + count):
            vector = rng.normal(size=DIM).astype(np.float32)
            search.add_unit(
                conn,
                kind="memory",
                ref_id=ref,
                terms="word",
                vector=vector / np.linalg.norm(vector),
            )


def _folder(vault: SQLiteVault) -> Path:
    return vault.directory / INDEX_DIR


def _index(**options: int) -> VectorIndex:
    defaults = {"prefix_dims": 8, "exact_below": 50, "shortlist": 40, "graph_above": 300}
    return VectorIndex(**{**defaults, **options})


def _built(vault: SQLiteVault, **options: int) -> VectorIndex:
    index = _index(**options)
    index.refresh(vault.read(), object())
    return index


def _exact(vault: SQLiteVault) -> VectorIndex:
    return _built(vault, exact_below=10**9, graph_above=10**9)


def _queries(count: int = 8) -> np.ndarray:
    return np.random.default_rng(9).normal(size=(count, DIM)).astype(np.float32)


def _close_to_exact(index: VectorIndex, exact: VectorIndex) -> None:
    """Scores are exact for every unit returned, and the graph (searched with a shortlist as
    large as itself, which a graph search need not fill) finds nearly all of the exact top 10."""
    found = 0
    for query in _queries():
        got = index.search(query, 10)
        truth = dict(exact.search(query, 10**6))
        assert all(abs(truth[i] - score) < 1e-5 for i, score in got)
        found += len({i for i, _ in got} & set(list(truth)[:10]))
    assert found >= 0.9 * 10 * len(_queries())


def test_a_bulk_save_builds_the_graph_and_a_new_process_maps_it(vault: SQLiteVault) -> None:
    _fill(vault, 400)
    index = _built(vault)
    assert index.save(_folder(vault), vault.read())  # not a bulk save: no graph
    assert index_files.read_manifest(_folder(vault), graph.NAME) is None
    assert index.save(_folder(vault), vault.read(), extend_graph=True)
    manifest = index_files.read_manifest(_folder(vault), graph.NAME)
    assert manifest is not None and manifest["rows"] == 400
    opened = _index(graph_shortlist=400)  # the graph shortlists (nearly) every row
    assert opened.load(_folder(vault), vault.read())
    assert opened._graph is not None and opened._graph.viewed is not None
    _close_to_exact(opened, _exact(vault))


def test_rows_added_or_rewritten_after_the_graph_are_found(vault: SQLiteVault) -> None:
    _fill(vault, 400)
    index = _built(vault)
    assert index.save(_folder(vault), vault.read(), extend_graph=True)
    _fill(vault, 30, first=400, seed=2)
    ids = [r[0] for r in vault.read().execute("SELECT id FROM search_units ORDER BY id")]
    target = _queries(1)[0]
    with vault.write() as conn:  # an early unit now points where the query does
        search.set_context(conn, ids[11], "", target / np.linalg.norm(target))
    opened = _index(graph_shortlist=5)
    assert opened.load(_folder(vault), vault.read())
    opened.refresh(vault.read(), object())
    assert opened._graph is not None and opened._graph.rows == 400
    assert opened.search(target, 1)[0][0] == ids[11]  # rewritten since: always shortlisted
    added = vault.read().execute("SELECT vector FROM search_units WHERE id = ?", (ids[420],))
    vector = np.frombuffer(bytes(added.fetchone()[0]), dtype=np.float32)
    assert opened.search(vector, 1)[0][0] == ids[420]  # added since: scanned


def test_a_later_bulk_save_extends_the_graph(
    vault: SQLiteVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graph, "EXTEND_EVERY", 20)
    _fill(vault, 400)
    index = _built(vault)
    assert index.save(_folder(vault), vault.read(), extend_graph=True)
    first = index_files.read_manifest(_folder(vault), graph.NAME)
    opened = _index()
    assert opened.load(_folder(vault), vault.read())
    _fill(vault, 10, first=400, seed=3)
    opened.refresh(vault.read(), object())
    assert opened.save(_folder(vault), vault.read(), extend_graph=True)
    same = index_files.read_manifest(_folder(vault), graph.NAME)
    assert same == first  # 10 rows wait: scanned until more come
    _fill(vault, 30, first=410, seed=4)
    opened.refresh(vault.read(), object())
    assert opened.save(_folder(vault), vault.read(), extend_graph=True)
    grown = index_files.read_manifest(_folder(vault), graph.NAME)
    assert grown is not None and first is not None
    assert grown["rows"] == 440 and grown["file"] != first["file"]
    assert [p.name for p in _folder(vault).glob("graph-*")] == [f"graph-{grown['file']}.usearch"]
    again = _index(graph_shortlist=440)
    assert again.load(_folder(vault), vault.read()) and again._graph is not None
    _close_to_exact(again, _exact(vault))


def test_a_stale_graph_is_not_used(vault: SQLiteVault) -> None:
    _fill(vault, 400)
    index = _built(vault)
    assert index.save(_folder(vault), vault.read(), extend_graph=True)
    manifest = index_files.read_manifest(_folder(vault), graph.NAME)
    assert manifest is not None and manifest["last_id"] >= 400  # all 400 units in the graph
    mark = index_files.manifest_mark(manifest)
    index_files.write_manifest(
        _folder(vault), graph.NAME, mark, {**manifest, "last_id": manifest["last_id"] + 1}
    )  # another unit at its last row: positions have moved
    opened = _index()
    assert opened.load(_folder(vault), vault.read()) and opened._graph is None
    with vault.write() as conn:
        conn.execute("DELETE FROM search_units WHERE id = 3")
    assert graph.HeadGraph.load(_folder(vault), vault.read(), _exact(vault).ids) is None


def test_the_graph_finds_most_of_what_the_scan_finds(vault: SQLiteVault) -> None:
    _fill(vault, 3000)
    index = _built(vault, graph_above=1000, graph_shortlist=100, shortlist=100)
    assert index.save(_folder(vault), vault.read(), extend_graph=True)
    assert index._graph is not None
    exact = _built(vault, graph_above=10**9, shortlist=100)  # the same shortlist by a scan
    found = [
        len({i for i, _ in index.search(q, 10)} & {i for i, _ in exact.search(q, 10)})
        for q in _queries(20)
    ]
    assert sum(found) / (10 * len(found)) >= 0.9
