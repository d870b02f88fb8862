"""End-to-end encryption on a real Synapse: the owner's real Matrix client (matrix-nio with its
own Olm store) writes in an encrypted direct room; pasi, on an encrypted vault, decrypts,
answers encrypted (the server holds only ciphertext), keeps its access token and the Olm store's
key sealed, and after a restart answers from the same Olm store."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import nio
import pytest
import synapse  # noqa: F401  (the real homeserver the tests start; the `dev` extra)
import vodozemac  # noqa: F401  (end-to-end encryption: the `dev` extra's matrix-nio[e2e])
from matrix_world import PASSWORDS, World

from pasi import Pasi
from pasi.config import Settings
from pasi.life.matrix import MatrixClient, load_account, load_state, save_account
from pasi.server.matrix_bridge import MatrixBridge
from pasi.vault.files import is_sealed
from pasi.vault.sqlite import open_vault

ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}  # fmt: skip


class SecretPerson:
    """The owner on a client with end-to-end encryption and a store of its own."""

    def __init__(self, world: World, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        config = nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
        self.loop = asyncio.new_event_loop()
        self.client = nio.AsyncClient(world.server.url, world.ids["owner"],
                                      store_path=str(store), config=config)  # fmt: skip
        assert isinstance(self.run(self.client.login(PASSWORDS["owner"])), nio.LoginResponse)
        if self.client.should_upload_keys:
            self.run(self.client.keys_upload())

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def sync(self, timeout_ms: int = 500) -> None:
        self.run(self.client.sync(timeout=timeout_ms, full_state=True))

    def say(self, room: str, text: str) -> str:
        self.sync()
        content = {"msgtype": "m.text", "body": text}
        sent = self.run(self.client.room_send(room, "m.room.message", content,
                                              ignore_unverified_devices=True))  # fmt: skip
        assert isinstance(sent, nio.RoomSendResponse), sent
        return str(sent.event_id)

    def wait_until_joined(self, room: str, user_id: str) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.sync()
            if user_id in self.client.rooms[room].users:
                return
        raise AssertionError(f"{user_id} did not join {room}")

    def decrypted_from(self, room: str, sender: str) -> list[str]:
        """What ``sender`` wrote in ``room``, decrypted by this client, oldest first."""
        got = self.run(self.client.room_messages(room, limit=100))
        texts = []
        for event in reversed(got.chunk):
            if isinstance(event, nio.MegolmEvent):
                event = self.client.decrypt_event(event)
            if isinstance(event, nio.RoomMessageText) and event.sender == sender:
                texts.append(event.body)
        return texts

    def close(self) -> None:
        self.run(self.client.close())
        self.loop.close()


@pytest.fixture
def owner(world: World, tmp_path: Path) -> Iterator[SecretPerson]:
    person = SecretPerson(world, tmp_path / "owner-store")
    yield person
    person.close()


def _bridge(pasi: Pasi, world: World) -> MatrixBridge:
    return MatrixBridge.for_pasi(pasi, MatrixClient(MatrixClient.login(
        world.server.url, "pasibot", PASSWORDS["pasibot"])))  # fmt: skip


def _answered(bridge: MatrixBridge, asked: str) -> None:
    """Sync rounds until ``asked`` is answered (its room key may come a round later)."""
    for _ in range(5):
        if asked in bridge.sync_once(timeout_ms=1000).answered:
            return
    raise AssertionError(f"{asked} was not answered")


def test_an_encrypted_message_is_decrypted_and_answered_encrypted(
    world: World, owner: SecretPerson, tmp_path: Path
) -> None:
    bot = world.ids["pasibot"]
    settings = Settings(vault=tmp_path / "vault", model="none", embedder="none",
                        notify_desktop=False, matrix_allow=[world.ids["owner"]])  # fmt: skip
    sealed_vault = open_vault(settings.vault, "correct horse battery", encrypt=True)
    with Pasi(settings, vault=sealed_vault) as pasi:
        pasi.memory.remember("My bike lock code is 4512")
        save_account(settings.vault, MatrixClient.login(world.server.url, "pasibot", "bot-pass-1"))
        bridge = _bridge(pasi, world)
        assert bridge.crypto is not None
        bridge.sync_once(timeout_ms=0)
        made = owner.run(owner.client.room_create(is_direct=True, invite=[bot],
                                                  initial_state=[ENCRYPTION]))  # fmt: skip
        room = made.room_id
        assert room in bridge.sync_once(timeout_ms=500).joined
        owner.wait_until_joined(room, bot)
        _answered(bridge, owner.say(room, "What is my bike lock code?"))
        owner.sync()
        (answer,) = owner.decrypted_from(room, bot)
        assert "4512" in answer
        stored = httpx.get(  # what the homeserver holds, not what nio decrypted
            f"{world.server.url}/_matrix/client/v3/rooms/{room}/messages",
            params={"dir": "b", "limit": 100}, timeout=30,
            headers={"Authorization": f"Bearer {owner.client.access_token}"},
        ).json()["chunk"]  # fmt: skip
        from_bot = [e for e in stored if e["sender"] == bot and "state_key" not in e]
        assert from_bot and all(e["type"] == "m.room.encrypted" for e in from_bot)
        assert not any("4512" in json.dumps(e) for e in stored)
        bridge.close()
        assert load_state(settings.vault).notify_room is None  # reminders are not sent here

        store = settings.vault / "matrix" / "olm"
        assert any(store.iterdir())  # the Olm account and sessions live in the vault
        token = load_account(settings.vault).access_token
        for name in ("account.json", "state.json", "olm-key"):  # sealed: the vault is encrypted
            data = (settings.vault / "matrix" / name).read_bytes()
            assert is_sealed(data) and token.encode() not in data
        names = pasi.vault.files.names()  # what `pasi vault rekey/decrypt` converts
        assert "matrix/olm-key" in names and not any(n.startswith("matrix/olm/") for n in names)
        restarted = _bridge(pasi, world)  # a new process: the same device, from the store
        _answered(restarted, owner.say(room, "What is my bike lock code again?"))
        owner.sync()
        assert len(owner.decrypted_from(room, bot)) == 2
        restarted.close()
