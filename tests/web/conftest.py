"""Fixtures for the web app tests: real pasi servers (uvicorn on 127.0.0.1) and real headless
Chromium (Debian's, through Playwright). Helpers live in web_server.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from web_server import CHROMIUM, CHROMIUM_ARGS, WebServer, citing_reply, serve

from pasi.config import Settings
from pasi.models.chat import ChatModel, ScriptedModel
from pasi.server.app import create_app


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
        url, server, thread, sock = serve(app)

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
