from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pasi.bench.scale import run_scale
from pasi.bench.synthetic import MemoryFaker
from pasi.models.embedder import WordLlamaEmbedder

if TYPE_CHECKING:
    from pasi.vault.pg_server import TemporaryPostgres


def test_faker_is_reproducible_and_varied() -> None:
    first = [m.text for m in MemoryFaker(7).memories(500)]
    assert first == [m.text for m in MemoryFaker(7).memories(500)]
    assert len(set(first)) > 450
    vocabulary = {w for text in first for w in text.lower().split()}
    assert len(vocabulary) > 500


def test_scale_reports_every_size_with_plausible_figures(embedder: WordLlamaEmbedder) -> None:
    report = run_scale((300, 600), queries=20, embedder=embedder, seed=1)
    assert report["benchmark"] == "scale"
    assert report["machine"]["cpus"] >= 1 and report["machine"]["python"]
    assert [run["n"] for run in report["runs"]] == [300, 600]
    for run in report["runs"]:
        assert run["stored"] == run["indexed"] == run["n"]
        assert run["queries"] == 20 and run["empty_results"] == 0
        assert run["ingest_per_s"] > 0
        latency = run["recall_ms"]
        assert 0 < latency["p50"] <= latency["p95"] and latency["mean"] > 0
        assert latency["cold"] > 0
        assert run["vault_mb"] > 0 and run["peak_rss_mb"] > 0
        # A new process opened the vault, from the indexes saved by the ingest:
        assert run["in_new_process"] and run["index_mb"] > 0
        assert 0 < run["cold_start_s"] <= run["cold_start_with_process_s"]
        assert run["cold_start_rebuilding_s"] > 0 and run["ingest_index_s"] >= 0


@pytest.mark.postgres
def test_scale_runs_on_postgresql_with_the_same_figures(
    embedder: WordLlamaEmbedder, postgres: TemporaryPostgres
) -> None:
    url = postgres.new_database()
    report = run_scale((300,), queries=10, embedder=embedder, backend="postgres", postgres_url=url)
    assert report["backend"] == "postgres"
    (run,) = report["runs"]
    assert run["stored"] == run["indexed"] == 300 and run["empty_results"] == 0
    assert run["in_new_process"] and run["index_mb"] > 0 and run["vault_mb"] > 0
    assert 0 < run["recall_ms"]["p50"] <= run["recall_ms"]["p95"]
