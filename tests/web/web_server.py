"""A real pasi server on 127.0.0.1 for the web app tests, and where their screenshots go.

The upstream model of :func:`citing_reply` answers by citing the first memory its context
shows, so an answer's sources are real rows of the user's vault. Screenshots go to
``$PASI_TEST_ARTIFACTS`` or ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from pasi.models.chat import ChatRequest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("PASI_TEST_ARTIFACTS") or ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _prompt(request: ChatRequest) -> str:
    """All the model reads: the profile is in the system message, the rest in the last one."""
    return "\n\n".join(message.content for message in request.messages)


def citing_reply(request: ChatRequest) -> str:
    """Answer with the first memory the context's data offers, cited by its tag, in Markdown."""
    found = re.search(r'^\[(m\d+)\] memory[^"]*"(.*)"$', _prompt(request), re.MULTILINE)
    if not found:
        return "I do not know that yet."
    return f"From what you told me: **{found.group(2)}** [{found.group(1)}]."


@dataclass
class WebServer:
    url: str
    app: FastAPI
    token: str

    def pasi(self, name: str = "alice"):
        state = self.app.state
        return state.sessions.session(state.users.require(name)).pasi


def serve(app: FastAPI) -> tuple[str, uvicorn.Server, threading.Thread, socket.socket]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the pasi server did not start")
        time.sleep(0.01)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread, sock
