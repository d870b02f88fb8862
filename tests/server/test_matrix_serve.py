"""The Matrix bridge inside `pasi serve`, against a real Synapse: it starts with the server, one
per user logged in, holds the vault's bridge so `pasi matrix run` cannot answer twice, stops with
SIGTERM within seconds, and a restart answers what came while it was down, once."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import synapse  # noqa: F401  (the real homeserver the tests start; the `dev` extra)
from matrix_world import Person, World

from pasi import Pasi
from pasi.config import Settings
from pasi.errors import InputError
from pasi.life.matrix import MatrixClient, claim_bridge, messenger_for, save_account
from pasi.server import matrix_pool
from pasi.server.app import create_app
from pasi.server.matrix_bridge import MatrixBridge
from pasi.server.users import UserRegistry

STOP_WITHIN = 5.0  # seconds from SIGTERM to exit, with a long-poll open


def _bot(world: World) -> tuple[str, str]:
    """A new bot account on the homeserver: (its name, its password)."""
    name = f"bot{secrets.token_hex(4)}"
    password = secrets.token_hex(8)
    world.ids[name] = world.server.register(name, password)
    return name, password


def _vault_with(world: World, vault: Path, fact: str, bot: tuple[str, str]) -> None:
    with Pasi(Settings(vault=vault, model="none", embedder="none")) as pasi:
        pasi.memory.remember(fact)
    save_account(vault, MatrixClient.login(world.server.url, *bot))


def _ask(owner: Person, bot_id: str, question: str) -> str:
    room = owner.open_room(bot_id)
    owner.wait_until_joined(room, bot_id)
    owner.say(room, question)
    return room


def test_each_logged_in_user_gets_a_bridge_that_stops_with_the_server(
    world: World, people: dict[str, Person], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from live_server import serve_in_thread

    monkeypatch.setattr(matrix_pool, "RESCAN_SECONDS", 0.5)
    owner = people["owner"]
    alice, bob = _bot(world), _bot(world)
    home = tmp_path / "server"
    registry = UserRegistry(home)
    _vault_with(world, registry.add("alice").vault, "My bike lock code is 4512", alice)
    registry.add("bob")  # logs in only once the server runs
    settings = Settings(vault=tmp_path / "local", server_home=home, model="none",
                        embedder="none", notify_desktop=False, matrix_serve=True,
                        matrix_allow=[world.ids["owner"]])  # fmt: skip
    app = create_app(settings, users=registry, mcp=False)
    _, stop = serve_in_thread(app)
    try:
        alice_room = _ask(owner, world.ids[alice[0]], "What is my bike lock code?")
        assert "4512" in owner.wait_for_texts(alice_room, world.ids[alice[0]], 1)[0]
        with pytest.raises(InputError, match="already answers Matrix"):
            claim_bridge(registry.get("alice").vault)  # `pasi matrix run` would be refused
        _vault_with(world, registry.get("bob").vault, "My dentist is Dr Okafor", bob)
        bob_room = _ask(owner, world.ids[bob[0]], "Who is my dentist?")
        (answer,) = owner.wait_for_texts(bob_room, world.ids[bob[0]], 1)
        assert "Okafor" in answer and "4512" not in answer  # bob's own vault
        assert len(app.state.matrix_bridges.running()) == 2
        # Each running bridge (with encryption) takes its vault's Matrix deliveries.
        assert isinstance(messenger_for(registry.get("alice").vault), MatrixBridge)
    finally:
        stop()
    claim_bridge(registry.get("alice").vault).close()  # released when the server stopped
    assert messenger_for(registry.get("alice").vault) is None
    registry.close()


def test_pasi_serve_matrix_answers_stops_on_sigterm_and_restarts_without_double_answers(
    world: World, people: dict[str, Person], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, bot = people["owner"], _bot(world)
    bot_id = world.ids[bot[0]]
    vault = tmp_path / "v"
    _vault_with(world, vault, "My bike lock code is 4512", bot)
    env = {**os.environ, "PASI_MATRIX_ALLOW": json.dumps([world.ids["owner"]]),
           "PASI_MODEL": "none", "PASI_EMBEDDER": "none", "PASI_NOTIFY_DESKTOP": "false"}  # fmt: skip
    serve = [sys.executable, "-m", "pasi", "--vault", str(vault), "serve", "--matrix",
             "--port", str(_free_port())]  # fmt: skip

    def start() -> subprocess.Popen[str]:
        process = subprocess.Popen(serve, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=env)  # fmt: skip
        assert process.stdout is not None
        for line in process.stdout:
            if "#token=" in line:
                return process
        raise AssertionError(f"pasi serve did not start: {process.stderr.read()}")

    def sigterm(process: subprocess.Popen[str]) -> tuple[float, str]:
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        return time.monotonic() - began, err

    first = start()
    try:
        room = _ask(owner, bot_id, "What is my bike lock code?")
        assert "4512" in owner.wait_for_texts(room, bot_id, 1)[0]
        run = [sys.executable, "-m", "pasi", "--vault", str(vault), "matrix", "run"]
        refused = subprocess.run(run, capture_output=True, text=True, env=env, timeout=60)
        assert refused.returncode != 0 and "already answers Matrix" in refused.stderr
    finally:
        took, err = sigterm(first)
    assert took < STOP_WITHIN, f"pasi serve took {took:.1f} s to stop"
    assert f"answers {world.ids['owner']}" in err
    owner.say(room, "What is my bike lock code, once more?")  # while pasi is down
    second = start()
    try:
        owner.wait_for_texts(room, bot_id, 2)
        time.sleep(1.0)  # time enough for a wrong third answer to arrive
    finally:
        sigterm(second)
    assert len(owner.texts_from(room, bot_id)) == 2
    assert httpx.get(f"{world.server.url}/_matrix/client/versions").status_code == 200


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
