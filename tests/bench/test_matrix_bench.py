"""pasi bench matrix: questions go through a real Synapse and the bridge, answers come back."""

from __future__ import annotations

import json

import synapse  # noqa: F401  (the bench starts a real homeserver; the `dev` extra)
from typer.testing import CliRunner

from pasi.cli.main import app


def test_the_command_times_replies_that_hold_the_fact() -> None:
    output = CliRunner().invoke(app, ["bench", "matrix", "--messages", "3", "--json"])
    assert output.exit_code == 0, output.output
    result = json.loads(output.stdout)
    assert (result["messages"], result["answers_with_the_fact"]) == (3, 3)
    assert 0 < result["reply_ms_p50"] <= result["reply_ms_p95"]
    assert result["reply_ms_p50"] <= result["whole_reply_ms_p50"] <= result["whole_reply_ms_p95"]
    assert result["homeserver_start_s"] > 0
