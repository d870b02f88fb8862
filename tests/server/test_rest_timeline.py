"""Life at a glance: memories and passages counted per month, and a month's items, on a real
pasi server on 127.0.0.1 with a recording from March 2024 and memories learnt today."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from live_server import RunningServer

from server.recordings import MARCH, store_recording, tone_wav


def test_months_count_memories_by_kind_and_passages_by_origin(
    start_server: Callable[..., RunningServer], tmp_path: Path
) -> None:
    server = start_server()
    http = server.http(server.token("alice"))
    empty = http.get("/api/timeline").json()
    assert empty["months"] == [] and empty["memory_kinds"] == [] and empty["origins"] == []
    pasi = server.app.state.sessions.session(server.users.get("alice")).pasi
    memo = tone_wav(tmp_path / "memo.wav", 1.0)
    store_recording(pasi, memo, [(0.0, "boat"), (31.0, "budget"), (75.0, "sails")], MARCH)
    for text, kind in (("I live in Lisbon", "fact"), ("I like figs", "preference"),
                       ("I prefer trains", "preference")):  # fmt: skip
        assert http.post("/api/memories", json={"text": text, "kind": kind}).status_code == 201
    now = datetime.now(UTC).strftime("%Y-%m")
    found = http.get("/api/timeline").json()
    assert found["months"] == [
        {"month": "2024-03", "memories": {}, "passages": {"recordings": 3}},
        {"month": now, "memories": {"fact": 1, "preference": 2}, "passages": {}},
    ]
    assert found["memory_kinds"] == ["fact", "preference"] and found["origins"] == ["recordings"]

    march = http.get("/api/timeline/2024-03").json()
    assert march["memories"] == []
    [source] = march["sources"]
    assert source["origin"] == "recordings" and source["passages"] == 3
    assert source["title"] == "memo.wav"
    this_month = http.get(f"/api/timeline/{now}").json()
    assert [m["text"] for m in this_month["memories"]] == [
        "I prefer trains",
        "I like figs",
        "I live in Lisbon",
    ]
    assert http.get("/api/timeline/2024-3").status_code == 422
    bob = server.http(server.token("bob"))
    assert bob.get("/api/timeline").json()["months"] == []
