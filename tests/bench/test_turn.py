"""The turn benchmark and the LoCoMo harnesses, on small inputs (and on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from locomo_files import write_locomo
from pasi.bench.locomo import run_locomo
from pasi.bench.locomo_budget import run_locomo_budget
from pasi.bench.turn import run_turn

if TYPE_CHECKING:
    from pasi.vault.pg_server import TemporaryPostgres


def test_turn_benchmark_reports_time_outside_the_model() -> None:
    report = run_turn(300, 6, embedder=None, budget=800)
    assert report["memories"] == 300 and report["turns"] == 6
    times = report["outside_model_ms"]
    assert 0 < times["p50"] <= times["p95"]
    assert 0 < report["context_tokens_mean"] <= 800


def _locomo(path: Path, filler: int) -> Path:
    turns = [("Caroline", "I went to the LGBTQ support group yesterday.")]
    turns += [("Melanie", f"Random chatter number {i} about the weather") for i in range(filler)]
    turns += [("Melanie", "I painted a lake sunrise last week.")]
    qa = [
        {"question": "What did Melanie paint?", "evidence": [f"D1:{filler + 2}"], "category": 4},
        {"question": "Where did Caroline go?", "evidence": ["D1:1"], "category": 1},
    ]
    return write_locomo(path, turns, qa)


def test_locomo_budget_counts_the_evidence_inside_the_context(tmp_path: Path) -> None:
    data = _locomo(tmp_path / "tiny.json", filler=40)
    report = run_locomo_budget(data, 2000, embedder=None)
    assert report["questions"] == 2 and report["recall"] == 100.0
    assert report["context_tokens_mean"] <= 2000
    assert report["full_conversation_tokens_mean"] > report["context_tokens_mean"] / 2
    tight = run_locomo_budget(data, 500, embedder=None)  # the smallest `context_tokens` allows
    assert tight["context_tokens_mean"] <= 500 and tight["context_turns_mean"] < 3


@pytest.mark.postgres
def test_turn_and_locomo_run_on_postgresql(tmp_path: Path, postgres: TemporaryPostgres) -> None:
    report = run_turn(200, 4, embedder=None, budget=800, backend="postgres",
                      postgres_url=postgres.new_database())  # fmt: skip
    assert report["backend"] == "postgres" and report["turns"] == 4
    assert 0 < report["outside_model_ms"]["p50"] <= report["outside_model_ms"]["p95"]
    data = _locomo(tmp_path / "tiny.json", filler=40)
    on_sqlite = run_locomo(data, (1, 5), embedder=None)
    url = postgres.new_database()
    on_postgres = run_locomo(data, (1, 5), embedder=None, backend="postgres", postgres_url=url)
    assert on_postgres["backend"] == "postgres" and on_sqlite["backend"] == "sqlite"
    assert on_postgres["overall"] == on_sqlite["overall"] and on_sqlite["overall"][5] == 100.0
