"""The Matrix world of the bridge tests: a real Synapse on 127.0.0.1 with the owner, a stranger
and pasi's bot registered, and :class:`Person`, a real Matrix client (matrix-nio) a person uses.
The ``world`` and ``people`` fixtures (tests/server/conftest.py) start them."""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass
from typing import Any

import httpx
import nio  # the owner's real Matrix client (the `dev` extra)

from pasi.bench.synapse import Homeserver

PASSWORDS = {"owner": "owner-pass-1", "stranger": "stranger-pass-1", "pasibot": "bot-pass-1"}


@dataclass(frozen=True)
class World:
    server: Homeserver
    ids: dict[str, str]


def fetch_media(world: World, token: str, mxc: str) -> bytes:
    """A file from the homeserver's media repository, as a client downloads it."""
    server, _, media_id = mxc.removeprefix("mxc://").partition("/")
    got = httpx.get(f"{world.server.url}/_matrix/client/v1/media/download/{server}/{media_id}",
                    headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip
    assert got.status_code == 200, got.text
    return got.content


def played(data: bytes) -> tuple[str, str, float]:
    """(container, codec, seconds of audio decoded) of an audio file, read by PyAV."""
    import av

    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        codec, rate = stream.codec_context.name, stream.codec_context.sample_rate
        samples = sum(frame.samples for frame in container.decode(audio=0))
        return container.format.name, codec, samples / rate


def decoded(data: bytes) -> Any:
    """An audio file's samples as the recognisers take them (16 kHz mono int16)."""
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from pasi.ingest.audio import decode

    with TemporaryDirectory() as folder:
        path = Path(folder) / "voice.ogg"
        path.write_bytes(data)
        return decode(path).samples


class Person:
    """A real Matrix client (matrix-nio) used by a person."""

    def __init__(self, world: World, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = nio.AsyncClient(world.server.url, world.ids[name])
        self._run(self.client.login(PASSWORDS[name]))

    def _run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def open_room(self, *invite: str, direct: bool = True) -> str:
        made = self._run(self.client.room_create(is_direct=direct, invite=list(invite)))
        assert isinstance(made, nio.RoomCreateResponse), made
        return str(made.room_id)

    def join(self, room_id: str) -> None:
        assert isinstance(self._run(self.client.join(room_id)), nio.JoinResponse)

    def leave(self, room_id: str) -> None:
        assert isinstance(self._run(self.client.room_leave(room_id)), nio.RoomLeaveResponse)

    def say(self, room_id: str, text: str) -> str:
        content = {"msgtype": "m.text", "body": text}
        sent = self._run(self.client.room_send(room_id, "m.room.message", content))
        assert isinstance(sent, nio.RoomSendResponse), sent
        return str(sent.event_id)

    def send_encrypted(self, room_id: str) -> str:
        """An ``m.room.encrypted`` event, as an E2E client sends it (the ciphertext is opaque)."""
        content = {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEn...", "device_id": "X",
                   "sender_key": "abc", "session_id": "def"}  # fmt: skip
        sent = self._run(self.client.room_send(room_id, "m.room.encrypted", content))
        assert isinstance(sent, nio.RoomSendResponse), sent
        return str(sent.event_id)

    def texts_from(self, room_id: str, sender: str) -> list[str]:
        """The room's text messages by ``sender`` as a person sees them (each at its latest
        edit, edits not counted apart), oldest first."""
        got = self._run(self.client.room_messages(room_id, limit=100))
        assert isinstance(got, nio.RoomMessagesResponse), got
        shown: dict[str, str] = {}
        for event in reversed(got.chunk):  # oldest first, so the last edit wins
            if not isinstance(event, nio.RoomMessageText) or event.sender != sender:
                continue
            content = event.source["content"]
            relation = content.get("m.relates_to") or {}
            if relation.get("rel_type") == "m.replace":
                if relation["event_id"] in shown:
                    shown[relation["event_id"]] = content["m.new_content"]["body"]
            else:
                shown[event.event_id] = event.body
        return list(shown.values())

    def voice_from(self, room_id: str, sender: str) -> list[dict[str, Any]]:
        """The contents of the ``m.audio`` messages ``sender`` sent in the room, oldest first."""
        got = self._run(self.client.room_messages(room_id, limit=100))
        assert isinstance(got, nio.RoomMessagesResponse), got
        return [
            event.source["content"] for event in reversed(got.chunk)
            if isinstance(event, nio.RoomMessageAudio) and event.sender == sender
        ]  # fmt: skip

    def wait_until_joined(self, room_id: str, user_id: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            members = self._run(self.client.joined_members(room_id))
            if any(m.user_id == user_id for m in getattr(members, "members", [])):
                return
            time.sleep(0.2)
        raise AssertionError(f"{user_id} did not join {room_id} within {seconds} s")

    def wait_for_texts(
        self, room_id: str, sender: str, count: int, seconds: float = 60
    ) -> list[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            texts = self.texts_from(room_id, sender)
            if len(texts) >= count:
                return texts
            time.sleep(0.2)
        raise AssertionError(f"fewer than {count} messages from {sender} within {seconds} s")

    def invited_rooms(self) -> list[str]:
        synced = self._run(self.client.sync(timeout=0))
        return list(synced.rooms.invite)

    def close(self) -> None:
        self._run(self.client.close())
        self.loop.close()
