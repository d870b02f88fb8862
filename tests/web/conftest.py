"""A real pasi server (uvicorn on 127.0.0.1) and real headless Chromium for the web app tests.

The upstream model is a ScriptedModel that answers by citing the first memory its context
shows, so an answer's sources are real rows of the user's vault. Screenshots go to
``$PASI_TEST_ARTIFACTS`` or ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from pasi.config import Settings
from pasi.models.chat import ChatModel, ChatRequest, ScriptedModel
from pasi.server.app import create_app

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


def citing_reply(request: ChatRequest) -> str:
    """Answer with the first memory the context's data offers, cited by its tag, in Markdown."""
    found = re.search(r'^\[(m\d+)\] memory[^"]*"(.*)"$', request.messages[0].content, re.MULTILINE)
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


def _serve(app: FastAPI) -> tuple[str, uvicorn.Server, threading.Thread, socket.socket]:
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


@pytest.fixture
def start_web(tmp_path: Path, embedder) -> Iterator[Callable[[ChatModel | None], WebServer]]:
    """Start a server whose upstream model is ``chat_model``; each stops after the test."""
    stops: list[Callable[[], None]] = []

    def start(chat_model: ChatModel | None) -> WebServer:
        home = tmp_path / f"server-{len(stops)}"
        settings = Settings(
            vault=home / "vault", server_home=home / "server", model="none",
            embedder="wordllama", ingest_max_bytes=1024 * 1024,
        )  # fmt: skip
        app = create_app(settings, chat_model=chat_model, embedder=embedder, mcp=False)
        app.state.users.add("alice")
        token = app.state.users.create_token("alice")
        url, server, thread, sock = _serve(app)

        def stop() -> None:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()

        stops.append(stop)
        return WebServer(url, app, token)

    yield start
    for stop in reversed(stops):
        stop()


@pytest.fixture
def web_server(start_web: Callable[[ChatModel], WebServer]) -> WebServer:
    return start_web(ScriptedModel(citing_reply))


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator[object]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def page(browser, web_server: WebServer) -> Iterator[object]:
    """A fresh browser context (empty localStorage) that records any request off the server."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    outside: list[str] = []
    opened.on(
        "request",
        lambda r: (
            None if r.url.startswith((web_server.url, "data:", "blob:")) else outside.append(r.url)
        ),
    )
    opened.outside_requests = outside  # type: ignore[attr-defined]
    yield opened
    context.close()
