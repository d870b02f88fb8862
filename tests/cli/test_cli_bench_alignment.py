"""pasi bench alignment --model runs a real model server through the same harness."""

from __future__ import annotations

import json

from cli_support import Invoke

from models.scripted_http import Reply, Seen, chunk, serve


def _always_agrees(seen: Seen) -> Reply:
    text = "You're absolutely right!"
    return Reply(events=[chunk({"role": "assistant", "content": text}), chunk({}, "stop")])


def test_a_model_server_is_scored_through_the_harness(pasi: Invoke) -> None:
    with serve(_always_agrees) as server:
        spec = f"openai-compatible:{server.url}/v1#agreeable"
        result = pasi("bench", "alignment", "--model", spec, "--json")
        assert any(seen.path == "/v1/chat/completions" for seen in server.seen)
    assert result.exit_code == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["runner"].endswith("agreeable") and figures["passed"] == 0


def test_an_unknown_runner_is_refused(pasi: Invoke) -> None:
    result = pasi("bench", "alignment", "--runner", "magic")
    assert result.exit_code != 0 and "unknown runner 'magic'" in result.stderr
