"""A real pasi server on 127.0.0.1 for tests: uvicorn in a thread, on a free port.

:func:`serve_in_thread` runs any app; :class:`RunningServer` wraps a running pasi app with
helpers for tokens and clients. The fixtures in this folder's conftest.py build on them.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import openai
import uvicorn
from fastapi import FastAPI

from pasi.agent.context import user_words
from pasi.config import Settings
from pasi.models.chat import ChatRequest
from pasi.server.users import UserRegistry

START_TIMEOUT = 30.0


def echo_reply(request: ChatRequest) -> str:
    """'You said: <the last user message>' — enough to see which turn was answered."""
    last = [m for m in request.messages if m.role == "user"][-1]
    return f"You said: {user_words(last.content)}"


@dataclass
class RunningServer:
    url: str
    app: FastAPI
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def users(self) -> UserRegistry:
        return self.app.state.users

    def token(self, name: str = "alice") -> str:
        """A token for ``name`` (the user is added, with their own vault, the first time)."""
        if name not in self.tokens:
            if self.users.get(name) is None:
                self.users.add(name)
            self.tokens[name] = self.users.create_token(name)
        return self.tokens[name]

    def openai(self, token: str) -> openai.OpenAI:
        return openai.OpenAI(base_url=f"{self.url}/v1", api_key=token, max_retries=0)

    def http(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def pasi(self, name: str) -> Any:
        """The server's own Pasi for ``name`` (to look into that user's vault)."""
        return self.app.state.sessions.session(self.users.require(name)).pasi

    def turns(self, name: str = "alice", limit: int = 50) -> list[Any]:
        """The latest turns of every conversation, oldest first: each OpenAI client's chat is a
        conversation of its own (named by its first user message)."""
        from pasi.vault.records import Episode

        rows = self.pasi(name).vault.read().execute(
            "SELECT e.* FROM episodes e JOIN sources s ON s.id = e.source_id"
            " WHERE s.kind = 'conversation' ORDER BY e.id DESC LIMIT ?", (limit,)
        )  # fmt: skip
        return [Episode.from_row(r) for r in reversed(rows.fetchall())]


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def serve_in_thread(app: FastAPI) -> tuple[str, Callable[[], None]]:
    """Start uvicorn on a free port of 127.0.0.1 in a thread: (its URL, a function to stop it)."""
    sock = free_socket()
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the pasi server did not start")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return f"http://127.0.0.1:{sock.getsockname()[1]}", stop
