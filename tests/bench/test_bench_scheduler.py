"""pasi bench scheduler: every job of the day fires once and is logged, at each size."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pasi.bench.scheduler import run
from pasi.cli.main import app


def test_each_size_fires_and_logs_every_job_once() -> None:
    result = run((3, 40), rounds=2)
    assert [(r["jobs"], r["fired"], r["logged"]) for r in result["results"]] == [
        (3, 3, 3),
        (40, 40, 40),
    ]
    assert all(r["idle_round_ms_p50"] > 0 for r in result["results"])


def test_the_command_prints_json() -> None:
    output = CliRunner().invoke(
        app, ["bench", "scheduler", "--jobs", "5", "--rounds", "1", "--json"]
    )
    assert output.exit_code == 0, output.output
    (size,) = json.loads(output.stdout)["results"]
    assert (size["jobs"], size["fired"]) == (5, 5)
