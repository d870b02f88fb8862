"""``pasi bench matrix``: message-to-reply latency through the Matrix bridge.

A throwaway Synapse on 127.0.0.1 (pasi.bench.synapse), the owner and pasi's bot registered on it,
the bridge long-polling in a thread as ``pasi matrix run`` does. The owner (a plain
client-server API client) sends each question and long-polls its own sync until pasi's answer
arrives: the time from sending to the answer, and to the "typing" notice, is what a person on
their phone waits. The questions ask about facts the scratch vault was given (offline answers
with no model, unless ``model`` is set), so the figure is the bridge and homeserver's own cost
plus one turn.
"""

from __future__ import annotations

import tempfile
import threading
import time
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
    reply = [t[0] for t in timings]
    typing = [t[1] for t in timings if t[1] is not None]
    right = sum(FACTS[i % len(FACTS)][2] in t[2] for i, t in enumerate(timings))
    return {
        "benchmark": "matrix",
        "messages": messages,
        "model": model,
        "homeserver_start_s": round(start_s, 2),
        "reply_ms_p50": round(percentile(reply, 50), 1),
        "reply_ms_p95": round(percentile(reply, 95), 1),
        "reply_ms_mean": round(sum(reply) / len(reply), 1),
        "typing_ms_p50": round(percentile(typing, 50), 1) if typing else None,
        "typing_seen": len(typing),
        "answers_with_the_fact": right,
    }


def _exchange(pasi: Any, url: str, messages: int) -> list[tuple[float, float | None, str]]:
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
        thread.join(timeout=30)
        bot.close()
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
) -> tuple[str, tuple[float, float | None, str]]:
    typing_ms = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        data = owner.sync(since, 10_000)
        since = data["next_batch"]
        joined = data.get("rooms", {}).get("join", {}).get(room, {})
        for event in joined.get("ephemeral", {}).get("events", []):
            if event.get("type") == "m.typing" and bot in event.get("content", {}).get(
                "user_ids", []
            ):
                typing_ms = typing_ms or (time.perf_counter() - sent) * 1000
        for event in joined.get("timeline", {}).get("events", []):
            if event.get("sender") == bot and event.get("type") == "m.room.message":
                body = str(event.get("content", {}).get("body", ""))
                return since, ((time.perf_counter() - sent) * 1000, typing_ms, body)
    raise TimeoutError("pasi did not answer within 120 s")
