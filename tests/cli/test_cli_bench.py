"""pasi bench: the LoCoMo harness on a small file the test writes, and argument errors."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Invoke, assert_one_error_line

from locomo_files import write_locomo


def _locomo(path: Path) -> Path:
    turns = [
        ("Caroline", "I went to the LGBTQ support group yesterday."),
        ("Melanie", "That sounds brave. I painted a lake sunrise last week."),
        ("Caroline", "I am researching adoption agencies."),
        ("Melanie", "My kids love the beach and camping."),
    ]
    qa = [
        {"question": "What did Melanie paint?", "evidence": ["D1:2"], "category": 4},
        {"question": "What is Caroline researching?", "evidence": ["D1:3"], "category": 1},
    ]
    return write_locomo(path, turns, qa)


def test_bench_locomo_reports_recall_at_k(pasi: Invoke, tmp_path: Path) -> None:
    data = _locomo(tmp_path / "tiny.json")
    result = pasi("bench", "locomo", str(data), "--k", "1,5", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["questions"] == 2
    assert report["overall"] == {"1": 100.0, "5": 100.0}
    table = pasi("bench", "locomo", str(data), "--k", "1,5").stdout
    assert "R@5" in table and "overall" in table and "single-hop" in table


def test_bench_arguments_are_checked(pasi: Invoke, tmp_path: Path) -> None:
    assert_one_error_line(pasi("bench", "locomo", str(tmp_path / "no.json")), "no such file")
    data = _locomo(tmp_path / "tiny.json")
    assert_one_error_line(pasi("bench", "locomo", str(data), "--k", "5,x"), "--k", "5,x")
    assert_one_error_line(pasi("bench", "scale", "--n", "0"), "--n")


def test_bench_lists_every_harness(pasi: Invoke) -> None:
    listing = pasi("bench", "--help").stdout
    for name in ("locomo", "longmemeval", "scale"):
        assert name in listing
