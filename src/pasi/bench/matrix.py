"""``pasi bench matrix``: message-to-reply latency through the Matrix bridge.

A throwaway Synapse on 127.0.0.1 (pasi.bench.synapse), the owner and pasi's bot registered on it,
the bridge long-polling in a thread as ``pasi matrix run`` does. The owner (a plain
client-server API client) sends each question and long-polls its own sync until pasi's answer
arrives: the time from sending to the answer's first message (the first words, when the model
streams), to its last edit (the whole reply), and to the "typing" notice, is what a person on
their phone waits. The questions ask about facts the scratch vault was given (offline answers
with no model, unless ``model`` is set), so the figure is the bridge and homeserver's own cost
plus one turn.
"""

from __future__ import annotations

import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pasi.bench.common import percentile
from pasi.bench.synapse import start_homeserver
from pasi.life.matrix import MatrixClient
from pasi.server.matrix_bridge import MatrixBridge

FACTS = [  # (what the vault is told, the question, the word a right answer holds)
    ("My bike lock code is 4512", "What is my bike lock code?", "4512"),
    ("My dentist is Dr Okafor on Elm Street", "Who is my dentist?", "Okafor"),
    ("My sister Lena lives in Porto", "Where does Lena live?", "Porto"),
    (
        "The wifi password at the cabin is pinecone77",
        "What is the cabin wifi password?",
        "pinecone77",
    ),
    ("My passport expires in March 2029", "When does my passport expire?", "2029"),
]
PASSWORD = "bench-pass-1"
REPLY_WITHIN = 300  # seconds: a small local model on a busy machine may take minutes


def run(messages: int = 20, model: str = "none") -> dict[str, Any]:
    from pasi import Pasi
    from pasi.config import Settings

    with tempfile.TemporaryDirectory(prefix="pasi-bench-matrix-") as tmp:
        began = time.perf_counter()
        server = start_homeserver(Path(tmp) / "synapse")
        start_s = time.perf_counter() - began
        try:
            owner_id = server.register("owner", PASSWORD)
            server.register("pasibot", PASSWORD)
            settings = Settings(vault=Path(tmp) / "vault", model=model, embedder="none",
                                notify_desktop=False, matrix_allow=[owner_id])  # fmt: skip
            with Pasi(settings) as pasi:
                for fact, _, _ in FACTS:
                    pasi.memory.remember(fact)
                timings = _exchange(pasi, server.url, messages)
        finally:
            server.stop()
    reply = [t.first_ms for t in timings]
    whole = [t.whole_ms for t in timings]
    typing = [t.typing_ms for t in timings if t.typing_ms is not None]
    right = sum(FACTS[i % len(FACTS)][2] in t.body for i, t in enumerate(timings))
    return {
        "benchmark": "matrix",
        "messages": messages,
        "model": model,
        "homeserver_start_s": round(start_s, 2),
        "reply_ms_p50": round(percentile(reply, 50), 1),
        "reply_ms_p95": round(percentile(reply, 95), 1),
        "reply_ms_mean": round(sum(reply) / len(reply), 1),
        "whole_reply_ms_p50": round(percentile(whole, 50), 1),
        "whole_reply_ms_p95": round(percentile(whole, 95), 1),
        "typing_ms_p50": round(percentile(typing, 50), 1) if typing else None,
        "typing_seen": len(typing),
        "answers_with_the_fact": right,
    }


@dataclass(frozen=True)
class Timing:
    first_ms: float  # the reply's first message (the first words, when streamed)
    whole_ms: float  # its last edit (or the message itself, when it came whole)
    typing_ms: float | None
    body: str


def _exchange(pasi: Any, url: str, messages: int) -> list[Timing]:
    bot = MatrixClient(MatrixClient.login(url, "pasibot", PASSWORD))
    owner = MatrixClient(MatrixClient.login(url, "owner", PASSWORD))
    stop = threading.Event()
    bridge = MatrixBridge.for_pasi(pasi, bot)
    thread = threading.Thread(target=bridge.run, args=(stop, 10_000), daemon=True)
    thread.start()
    try:
        room = owner.create_direct_room(bot.account.user_id)
        since = _wait_for_join(owner, room, bot.account.user_id)
        timings = []
        for i in range(messages):
            question = FACTS[i % len(FACTS)][1]
            sent = time.perf_counter()
            owner.send_text(room, question)
            since, timing = _wait_for_reply(owner, room, bot.account.user_id, since, sent)
            timings.append(timing)
        return timings
    finally:
        stop.set()
        thread.join(timeout=REPLY_WITHIN)
        bridge.close()
        owner.close()


def _wait_for_join(owner: MatrixClient, room: str, bot: str) -> str:
    since = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        data = owner.sync(since, 5_000)
        since = data["next_batch"]
        joined = data.get("rooms", {}).get("join", {}).get(room, {})
        events = joined.get("timeline", {}).get("events", []) + joined.get("state", {}).get(
            "events", []
        )
        for event in events:
            content = event.get("content", {})
            if event.get("state_key") == bot and content.get("membership") == "join":
                return str(since)
    raise TimeoutError("pasi's bot did not join the benchmark room within 60 s")


def _wait_for_reply(
    owner: MatrixClient, room: str, bot: str, since: str, sent: float
) -> tuple[str, Timing]:
    """Sync until pasi's reply is whole: its first message, then edits while the model streams,
    until its typing notice ends (it ends after the last edit)."""
    typing_ms = first_ms = None
    whole_ms, body = 0.0, ""
    deadline = time.monotonic() + REPLY_WITHIN
    while time.monotonic() < deadline:
        data = owner.sync(since, 10_000)
        since = data["next_batch"]
        now_ms = (time.perf_counter() - sent) * 1000
        joined = data.get("rooms", {}).get("join", {}).get(room, {})
        if first_ms is not None and typing_ms is None and not joined:  # no typing seen: whole
            return since, Timing(first_ms, whole_ms, typing_ms, body)
        for event in joined.get("timeline", {}).get("events", []):
            if event.get("sender") == bot and event.get("type") == "m.room.message":
                content = event.get("content", {})
                body = str(content.get("m.new_content", content).get("body", ""))
                first_ms = first_ms if first_ms is not None else now_ms
                whole_ms = now_ms
        for event in joined.get("ephemeral", {}).get("events", []):
            if event.get("type") != "m.typing":
                continue
            if bot in event.get("content", {}).get("user_ids", []):
                typing_ms = typing_ms if typing_ms is not None else now_ms
            elif first_ms is not None:  # typing ended after the reply: it is whole
                return since, Timing(first_ms, whole_ms, typing_ms, body)
    raise TimeoutError(f"pasi did not finish answering within {REPLY_WITHIN} s")
