"""Fixtures for server tests: real pasi servers on 127.0.0.1 (see live_server.py).

``start_server(**create_app_kwargs)`` starts one (stopped at the end of the test) and returns
a :class:`RunningServer`: its ``url``, the ``app``, the ``users`` registry, ``token(name)``
to add a user and get a token, ``openai(token)`` for the real SDK and ``http(token)`` for
httpx. ``server`` is one such server whose upstream model is ``echo_model`` (a
ScriptedModel that answers "You said: ..." and keeps every request it got).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import RunningServer, echo_reply, serve_in_thread

from pasi.config import Settings
from pasi.models.chat import ScriptedModel
from pasi.server.app import create_app


@pytest.fixture
def server_settings(tmp_path: Path) -> Settings:
    """No configured model (tests inject one), no Ollama probe, vaults under tmp_path."""
    return Settings(
        vault=tmp_path / "local-vault", server_home=tmp_path / "server", model="none",
        embedder="none",
    )  # fmt: skip


@pytest.fixture
def echo_model() -> ScriptedModel:
    return ScriptedModel(echo_reply)


@pytest.fixture
def start_server(
    server_settings: Settings, embedder: Any
) -> Iterator[Callable[..., RunningServer]]:
    """Start real servers: ``start_server(chat_model=..., settings=...)``; all stop after the test."""
    stops: list[Callable[[], None]] = []

    def start(settings: Settings | None = None, **kwargs: Any) -> RunningServer:
        chosen = settings or server_settings
        kwargs.setdefault("embedder", embedder)
        app = create_app(chosen, **kwargs)
        url, stop = serve_in_thread(app)
        stops.append(stop)
        return RunningServer(url, app, chosen)

    yield start
    for stop in reversed(stops):
        stop()


@pytest.fixture
def server(start_server: Callable[..., RunningServer], echo_model: ScriptedModel) -> RunningServer:
    return start_server(chat_model=echo_model)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real Synapse with the owner, a stranger and pasi's bot (tests/server/matrix_world.py)."""
    from matrix_world import PASSWORDS, World

    from pasi.bench.synapse import start_homeserver

    server = start_homeserver(tmp_path_factory.mktemp("synapse"))
    try:
        ids = {name: server.register(name, password) for name, password in PASSWORDS.items()}
        yield World(server, ids)
    finally:
        server.stop()


@pytest.fixture
def people(world: Any) -> Iterator[dict[str, Any]]:
    """The owner and the stranger, each with a real Matrix client (matrix-nio)."""
    from matrix_world import Person

    made = {name: Person(world, name) for name in ("owner", "stranger")}
    yield made
    for person in made.values():
        person.close()
