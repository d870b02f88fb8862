"""Answers stream into the room as message edits, through a real Synapse: the model is a real
HTTP server streaming a reply a word every 0.3 s (tests/models/scripted_http.py), the owner is
a real Matrix client (matrix-nio) watching the room and the typing notices."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import synapse  # noqa: F401  (the real homeserver the tests start; the `dev` extra)
from matrix_world import PASSWORDS, Person, World

from models.scripted_http import Reply, Seen, chat_reply, chunk, serve
from pasi import Pasi
from pasi.config import Settings
from pasi.life.matrix import MatrixClient
from pasi.server.matrix_bridge import MatrixBridge, Round
from pasi.server.matrix_stream import EDIT_INTERVAL_SECONDS

WORDS = "The basil wants water twice a week and a sunny sill in spring".split()
WORD_DELAY = 0.3  # seconds between streamed words: the whole answer takes ~4 s


def _upstream(seen: Seen) -> Reply:
    body = seen.body or {}
    if not body.get("stream"):  # anything but the turn (the learner, a probe): a short answer
        return Reply(body=chat_reply("ok"))
    events = [chunk({"content": (" " if i else "") + w}) for i, w in enumerate(WORDS)]
    return Reply(events=[*events, chunk({}, finish="stop")], event_delay=WORD_DELAY)


@pytest.fixture
def streaming_pasi(world: World, tmp_path: Path) -> Iterator[Pasi]:
    with serve(_upstream) as upstream:
        settings = Settings(
            vault=tmp_path / "vault", model=f"openai-compatible:{upstream.url}/v1#tiny",
            embedder="none", notify_desktop=False, matrix_allow=[world.ids["owner"]],
            model_retries=0,
        )  # fmt: skip
        with Pasi(settings) as pasi:
            yield pasi


def _room_events(owner: Person, room: str, sender: str) -> list[dict[str, Any]]:
    got = owner._run(owner.client.room_messages(room, limit=100))
    events = [e.source for e in got.chunk if e.sender == sender][::-1]
    return [e for e in events if e["type"] == "m.room.message"]


def test_the_answer_grows_by_rate_limited_edits_and_ends_whole(
    world: World, people: dict[str, Person], streaming_pasi: Pasi
) -> None:
    owner, bot = people["owner"], world.ids["pasibot"]
    account = MatrixClient.login(world.server.url, "pasibot", PASSWORDS["pasibot"])
    bridge = MatrixBridge.for_pasi(streaming_pasi, MatrixClient(account))
    bridge.sync_once(timeout_ms=0)
    room = owner.open_room(bot)
    assert room in bridge.sync_once(timeout_ms=300).joined
    owner._run(owner.client.sync(timeout=0))
    owner.say(room, "How should I care for my basil?")
    done: list[Round] = []
    worker = threading.Thread(target=lambda: done.append(bridge.sync_once(timeout_ms=2000)))
    began = time.monotonic()
    worker.start()
    typing_seen = False
    while worker.is_alive() and not typing_seen:
        synced = owner._run(owner.client.sync(timeout=500))
        for joined in synced.rooms.join.values():
            typing_seen |= any(bot in getattr(event, "users", []) for event in joined.ephemeral)
    worker.join(timeout=60)
    took = time.monotonic() - began
    bridge.close()
    assert done and len(done[0].answered) == 1
    assert typing_seen, "no typing notice while the model worked"

    events = _room_events(owner, room, bot)
    first, edits = events[0], events[1:]
    assert "m.relates_to" not in first["content"]
    whole = " ".join(WORDS)
    assert whole.startswith(first["content"]["body"]) and first["content"]["body"] != whole
    assert edits, "the answer was sent whole, not streamed"
    for edit in edits:
        relation = edit["content"]["m.relates_to"]
        assert relation == {"rel_type": "m.replace", "event_id": first["event_id"]}
    bodies = [e["content"]["m.new_content"]["body"] for e in edits]
    assert bodies[-1] == whole  # the last edit is the full reply
    assert all(whole.startswith(b) for b in bodies)
    assert len(edits) <= took / EDIT_INTERVAL_SECONDS + 1  # rate-limited, not one per word
    assert len(edits) < len(WORDS) - 1
