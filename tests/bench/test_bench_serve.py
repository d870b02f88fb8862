"""``pasi bench serve`` runs a real server subprocess under streaming clients and reports."""

from __future__ import annotations

from pasi.bench.serve import run


def test_a_short_run_reports_turns_latency_and_memory() -> None:
    result = run(clients=3, duration=2.0, memories=50, embedder="none")
    assert result["errors"] == 0, result["error_samples"]
    assert result["turns"] >= 3
    assert 0 < result["ttft_ms"]["p50"] <= result["ttft_ms"]["max"]
    assert result["ttft_ms"]["p50"] <= result["turn_ms"]["p50"]
    rss = result["server_rss_mb"]
    assert 0 < rss["idle"] <= rss["after_load"]
