"""SIGTERM stops `pasi serve` (a real subprocess) within seconds, even mid-answer, keeping what
was said: the upstream model streams one token a second "forever", as a looping local model
kept llama.cpp busy for minutes after a web question."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from cli_support import snapshot
from test_cli_serve import _browser_url

from models.scripted_http import Reply, chunk, closed_port, serve

STOP_WITHIN = 5.0  # seconds from SIGTERM to exit
QUESTION = "What did I plan for the weekend?"


def _endless_upstream(_: object) -> Reply:
    return Reply(events=[chunk({"content": f"word{i} "}) for i in range(120)], event_delay=1.0)


def _stream_chat(url: str, token: str, seen: list[str]) -> None:
    """One streamed chat completion, noting each line; ends when the server does."""
    body = {"model": "pasi", "stream": True, "messages": [{"role": "user", "content": QUESTION}]}
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.stream(
            "POST", f"{url}/v1/chat/completions", json=body, headers=headers, timeout=60
        ) as response:
            for line in response.iter_lines():
                seen.append(line)
    except httpx.HTTPError as error:
        seen.append(f"closed: {type(error).__name__}")


def test_sigterm_stops_the_server_mid_answer_and_keeps_the_question(vault_dir: Path) -> None:
    with serve(_endless_upstream) as upstream:
        port = closed_port()
        env = {
            **os.environ,
            "PASI_MODEL": f"openai-compatible:{upstream.url}/v1#tiny",
            "PASI_EMBEDDER": "none",
            "PASI_MODEL_RETRIES": "0",
        }
        command = [sys.executable, "-m", "pasi", "--vault", str(vault_dir), "serve"]
        process = subprocess.Popen(
            [*command, "--port", str(port)], stdout=subprocess.PIPE, text=True, env=env
        )
        try:
            base, token = _browser_url(process).split("/#token=")
            seen: list[str] = []
            client = threading.Thread(target=_stream_chat, args=(base, token, seen), daemon=True)
            client.start()
            deadline = time.monotonic() + 60
            while not any("word1" in line for line in seen) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert any("word1" in line for line in seen), f"no answer streamed: {seen}"
            stopped = time.monotonic()
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            took = time.monotonic() - stopped
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        client.join(timeout=10)
        assert took < STOP_WITHIN, f"pasi serve took {took:.1f} s to stop after SIGTERM"
        assert process.returncode == 0
        assert not client.is_alive(), "the client's stream was left open"
        deadline = time.monotonic() + 3  # the upstream sees its stream closed too
        while not upstream.stream_errors and time.monotonic() < deadline:
            time.sleep(0.05)
        assert upstream.stream_errors, "the upstream model kept generating after the stop"
    assert (QUESTION,) in [(text,) for _, text in snapshot(vault_dir)["episodes"]]
    assert snapshot(vault_dir)["integrity"] == "ok"
