"""End-to-end encryption on a real Synapse: the owner's real Matrix client (matrix-nio with its
own Olm store) writes in an encrypted direct room; pasi, on an encrypted vault, decrypts,
answers encrypted (the server holds only ciphertext), keeps its access token and the Olm store's
key sealed, and after a restart answers from the same Olm store. Encrypted images and voice
messages (the file encrypted too) are read like plain ones, and pasi's voice answer is an
encrypted file."""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import nio
import pytest
import synapse  # noqa: F401  (the real homeserver the tests start; the `dev` extra)
import vodozemac  # noqa: F401  (end-to-end encryption: the `dev` extra's matrix-nio[e2e])
from matrix_world import PASSWORDS, World, decoded, fetch_media, played
from nio.crypto import decrypt_attachment

from pasi import Pasi
from pasi.config import Settings
from pasi.life.charter import set_charter_field
from pasi.life.deliveries import deliveries
from pasi.life.matrix import (
    MatrixClient,
    load_account,
    load_state,
    messenger_for,
    save_account,
)
from pasi.life.reminders import Reminders
from pasi.life.service import build_scheduler, channels_for
from pasi.models.chat import ScriptedModel
from pasi.models.whisper import Whisper
from pasi.server.matrix_bridge import MatrixBridge
from pasi.vault.files import is_sealed
from pasi.vault.sqlite import open_vault
from senses.photos import photo
from senses.speech import conversation

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

    def send_file(self, room: str, msgtype: str, data: bytes, name: str, kind: str) -> str:
        """An image or voice message as Element sends one to an encrypted room: the file
        encrypted (its key, iv and hash in the encrypted event)."""
        self.sync()
        uploaded, keys = self.run(self.client.upload(io.BytesIO(data), content_type=kind,
                                                     filename=name, filesize=len(data),
                                                     encrypt=True))  # fmt: skip
        assert isinstance(uploaded, nio.UploadResponse) and keys, uploaded
        content = {"msgtype": msgtype, "body": name, "info": {"mimetype": kind},
                   "file": {**keys, "url": uploaded.content_uri, "mimetype": kind}}  # fmt: skip
        sent = self.run(self.client.room_send(room, "m.room.message", content,
                                              ignore_unverified_devices=True))  # fmt: skip
        assert isinstance(sent, nio.RoomSendResponse), sent
        return str(sent.event_id)

    def voice_from(self, room: str, sender: str) -> list[nio.RoomEncryptedAudio]:
        """The encrypted audio messages ``sender`` sent in ``room``, decrypted, oldest first."""
        got = self.run(self.client.room_messages(room, limit=100))
        found = []
        for event in reversed(got.chunk):
            if isinstance(event, nio.MegolmEvent):
                event = self.client.decrypt_event(event)
            if isinstance(event, nio.RoomEncryptedAudio) and event.sender == sender:
                found.append(event)
        return found

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

    def stored_from(self, room: str, sender: str) -> list[dict[str, Any]]:
        """The events ``sender`` sent in ``room`` as the homeserver holds them (not decrypted)."""
        got = httpx.get(
            f"{self.client.homeserver}/_matrix/client/v3/rooms/{room}/messages",
            params={"dir": "b", "limit": 100}, timeout=30,
            headers={"Authorization": f"Bearer {self.client.access_token}"},
        ).json()["chunk"]  # fmt: skip
        return [e for e in got if e["sender"] == sender and "state_key" not in e]

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


def _encrypted_dm(owner: SecretPerson, bridge: MatrixBridge, bot: str) -> str:
    """An encrypted direct room the owner opens with pasi, joined by both."""
    made = owner.run(owner.client.room_create(is_direct=True, invite=[bot],
                                              initial_state=[ENCRYPTION]))  # fmt: skip
    room = made.room_id
    assert room in bridge.sync_once(timeout_ms=500).joined
    owner.wait_until_joined(room, bot)
    return room


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
        room = _encrypted_dm(owner, bridge, bot)
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
        state = load_state(settings.vault)  # reminders come here only through the bridge
        assert (state.notify_room, state.sealed_room) == (None, room)

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


def test_encrypted_images_and_voice_messages_are_read_and_answered_by_encrypted_voice(
    world: World, owner: SecretPerson, tmp_path: Path, whisper: Whisper
) -> None:
    bot = world.ids["pasibot"]
    model = ScriptedModel(lambda _: "It will rain tomorrow morning.")
    settings = Settings(vault=tmp_path / "vault", model="none", embedder="none",
                        notify_desktop=False, matrix_allow=[world.ids["owner"]])  # fmt: skip
    with Pasi(settings, chat_model=model) as pasi:
        save_account(settings.vault, MatrixClient.login(world.server.url, "pasibot", "bot-pass-1"))
        bridge = _bridge(pasi, world)
        bridge.sync_once(timeout_ms=0)
        room = _encrypted_dm(owner, bridge, bot)
        png = photo(("PARKING LEVEL 4B", "ROW 17"), fmt="PNG")
        _answered(bridge, owner.send_file(room, "m.image", png, "parking.png", "image/png"))
        assert "4B" in model.requests[-1].messages[-1].content.upper()  # the photo was read
        wav = conversation(0.3, "what's on today", 0.3).wav_bytes()
        _answered(bridge, owner.send_file(room, "m.audio", wav, "voice.wav", "audio/wav"))
        bridge.close()
        kept = sorted(p.name for p in (settings.vault / "uploads" / "matrix").iterdir())
        assert kept[0].startswith("parking-") and kept[1].startswith("voice-")
        assert (settings.vault / "uploads" / "matrix" / kept[0]).read_bytes() == png
    owner.sync()
    last = owner.decrypted_from(room, bot)[-1]  # the voice message's answer, as last edited
    assert '(heard: "what\'s on today")' in last and last.endswith("tomorrow morning.")
    (voice,) = owner.voice_from(room, bot)  # the voice message was answered by voice
    assert "org.matrix.msc3245.voice" in voice.source["content"]
    stored = fetch_media(world, owner.client.access_token, voice.url)
    assert not stored.startswith(b"OggS")  # the homeserver holds ciphertext
    data = decrypt_attachment(stored, voice.key["k"], voice.hashes["sha256"], voice.iv)
    container, codec, seconds = played(data)
    assert (container, codec) == ("ogg", "opus") and 1.0 < seconds < 10.0
    assert "tomorrow morning" in whisper.transcribe(decoded(data)).lower()


def test_reminders_go_encrypted_through_a_running_bridge_and_unencrypted_without_it(
    world: World, owner: SecretPerson, tmp_path: Path
) -> None:
    bot = world.ids["pasibot"]
    settings = Settings(vault=tmp_path / "vault", model="none", embedder="none",
                        notify_desktop=False, matrix_allow=[world.ids["owner"]])  # fmt: skip
    with Pasi(settings) as pasi:
        save_account(settings.vault, MatrixClient.login(world.server.url, "pasibot", "bot-pass-1"))
        set_charter_field(pasi.vault.directory, "timezone", "UTC")  # quiet 22:00-07:00
        now = [datetime(2026, 6, 3, 12, 0, tzinfo=UTC)]
        clock = lambda: now[0]  # noqa: E731
        scheduler = build_scheduler(pasi.vault, channels_for(pasi.settings), clock=clock)
        bridge = _bridge(pasi, world)
        bridge.sync_once(timeout_ms=0)
        room = _encrypted_dm(owner, bridge, bot)
        _answered(bridge, owner.say(room, "Hello pasi"))
        state = load_state(settings.vault)
        assert (state.sealed_room, state.notify_room) == (room, None)
        stop = threading.Event()
        running = threading.Thread(target=bridge.run, args=(stop, 1000), daemon=True)
        running.start()  # the bridge keeps syncing while the scheduler sends through it
        deadline = time.monotonic() + 10
        while messenger_for(settings.vault) is not bridge and time.monotonic() < deadline:
            time.sleep(0.05)
        assert messenger_for(settings.vault) is bridge

        reminder = Reminders(pasi.vault, "UTC", clock).add("water the basil", "in 10 minutes")
        now[0] += timedelta(minutes=10)
        (outcome,) = scheduler.run_due()
        assert outcome.delivered == ("matrix",)
        owner.sync()
        said = owner.decrypted_from(room, bot)
        assert said[-1].startswith("[pasi reminder] water the basil")
        stored = owner.stored_from(room, bot)
        assert len(stored) == len(said) and all(e["type"] == "m.room.encrypted" for e in stored)
        assert not any("basil" in json.dumps(e) for e in stored)
        (logged,) = deliveries(pasi.vault)
        assert (logged.channel, logged.outcome, logged.job_id) == (
            "matrix", "delivered", reminder.job_id)  # fmt: skip

        # Quiet hours hold it back as for every channel; it goes encrypted when they end.
        now[0] = datetime(2026, 6, 3, 21, 55, tzinfo=UTC)
        Reminders(pasi.vault, "UTC", clock).add("take the bins out", "in 10 minutes")
        now[0] += timedelta(minutes=10)
        (held,) = scheduler.run_due()
        assert held.suppressed_until is not None and held.delivered == ()
        now[0] = datetime(2026, 6, 4, 7, 1, tzinfo=UTC)
        (late,) = scheduler.run_due()
        assert late.delivered == ("matrix",)
        owner.sync()
        assert owner.decrypted_from(room, bot)[-1].startswith(
            "[pasi reminder (after quiet hours)] take the bins out"
        )
        assert [d.outcome for d in deliveries(pasi.vault)][-1] == "delivered"

        stop.set()
        running.join(timeout=15)
        assert not running.is_alive() and messenger_for(settings.vault) is None
        bridge.close()
        # No bridge: the old path, a new unencrypted direct room (never the encrypted one).
        Reminders(pasi.vault, "UTC", clock).add("call the plumber", "in 10 minutes")
        now[0] += timedelta(minutes=10)
        (outcome,) = scheduler.run_due()
        assert outcome.delivered == ("matrix",)
        owner.sync()
        (plain_room,) = owner.client.invited_rooms
        assert plain_room != room and load_state(settings.vault).notify_room == plain_room
        owner.run(owner.client.join(plain_room))
        (event,) = owner.stored_from(plain_room, bot)
        assert event["type"] == "m.room.message"
        assert event["content"]["body"].startswith("[pasi reminder] call the plumber")
        assert len(owner.decrypted_from(room, bot)) == 3  # nothing more in the encrypted room
