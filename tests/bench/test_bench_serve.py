"""``pasi bench serve`` runs a real server subprocess under streaming clients and reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pasi.bench.serve import run

if TYPE_CHECKING:
    from pasi.vault.pg_server import TemporaryPostgres


def test_a_short_run_reports_turns_latency_and_memory() -> None:
    result = run(clients=3, duration=2.0, memories=50, embedder="none")
    assert result["errors"] == 0, result["error_samples"]
    assert result["turns"] >= 3
    assert 0 < result["ttft_ms"]["p50"] <= result["ttft_ms"]["max"]
    assert result["ttft_ms"]["p50"] <= result["turn_ms"]["p50"]
    rss = result["server_rss_mb"]
    assert 0 < rss["idle"] <= rss["after_load"]


@pytest.mark.postgres
def test_clients_spread_over_users_of_one_postgresql_database(
    postgres: TemporaryPostgres, tmp_path: Path
) -> None:
    from pasi.vault.postgres import PostgresVault

    url = postgres.new_database()
    result = run(clients=4, duration=2.0, memories=30, embedder="none", backend="postgres",
                 users=2, postgres_url=url)  # fmt: skip
    assert result["errors"] == 0, result["error_samples"]
    assert result["backend"] == "postgres" and result["users"] == 2 and result["turns"] >= 4
    for name in ("bench0", "bench1"):  # each user's vault holds its memories and its turns
        with PostgresVault(url, name, tmp_path / name) as vault:
            read = vault.read()
            assert read.execute("SELECT COUNT(*) FROM memories").fetchone()[0] >= 30
            assert read.execute("SELECT COUNT(*) FROM episodes").fetchone()[0] >= 2
