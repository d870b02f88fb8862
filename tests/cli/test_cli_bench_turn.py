"""``pasi bench turn`` and ``pasi bench locomo --budget`` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Invoke
from test_cli_bench import _locomo


def test_bench_turn_prints_latency_percentiles(pasi: Invoke) -> None:
    result = pasi("bench", "turn", "--n", "200", "--turns", "3", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["benchmark"] == "turn" and report["turns"] == 3
    assert set(report["outside_model_ms"]) == {"p50", "p95", "mean", "cold"}
    table = pasi("bench", "turn", "--n", "200", "--turns", "2").stdout
    assert "outside_model_ms.p95" in table


def test_bench_locomo_with_a_budget_reports_recall_inside_the_context(
    pasi: Invoke, tmp_path: Path
) -> None:
    data = _locomo(tmp_path / "tiny.json")
    result = pasi("bench", "locomo", str(data), "--budget", "2000", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["budget_tokens"] == 2000 and report["recall"] == 100.0
