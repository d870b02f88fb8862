"""Images and voice messages sent to pasi on a real Synapse: the owner's real Matrix client
(matrix-nio) uploads a PNG with text rendered by Pillow, and a voice message espeak-ng spoke, to
the homeserver's media repository; pasi reads them (Tesseract OCR, pocketsphinx), answers, and
keeps each file in the vault as a source. A voice message, or a message asking for it, is also
answered by voice: an Ogg/Opus voice message the owner downloads, plays (PyAV) and hears
(real Whisper base)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import nio
import pytest
import synapse  # noqa: F401  (the real homeserver the tests start; the `dev` extra)
from matrix_world import PASSWORDS, Person, World, decoded, fetch_media, played

from pasi import Pasi
from pasi.config import Settings
from pasi.life.matrix import MatrixClient, save_account
from pasi.models.chat import ScriptedModel
from pasi.models.whisper import Whisper
from pasi.server.matrix_bridge import MatrixBridge, conversation_uri
from senses.photos import photo
from senses.speech import conversation


def _send_file(owner: Person, room: str, msgtype: str, data: bytes, name: str, kind: str) -> str:
    uploaded, _ = owner._run(owner.client.upload(io.BytesIO(data), content_type=kind,
                                                 filename=name, filesize=len(data)))  # fmt: skip
    assert isinstance(uploaded, nio.UploadResponse), uploaded
    content = {"msgtype": msgtype, "body": name, "url": uploaded.content_uri,
               "info": {"mimetype": kind, "size": len(data)}}  # fmt: skip
    sent = owner._run(owner.client.room_send(room, "m.room.message", content))
    assert isinstance(sent, nio.RoomSendResponse), sent
    return str(sent.event_id)


def _pasi(world: World, vault: Path, model: ScriptedModel | None) -> Pasi:
    settings = Settings(vault=vault, model="none", embedder="none", notify_desktop=False,
                        matrix_allow=[world.ids["owner"]])  # fmt: skip
    opened = Pasi(settings, chat_model=model)
    save_account(vault, MatrixClient.login(world.server.url, "pasibot", PASSWORDS["pasibot"]))
    return opened


def _answer_once(world: World, owner: Person, pasi: Pasi, send: object) -> tuple[str, str]:
    """Open a room with pasi, send what ``send(room)`` sends, return (room, pasi's answer)."""
    bridge = MatrixBridge.for_pasi(pasi, MatrixClient(MatrixClient.login(
        world.server.url, "pasibot", PASSWORDS["pasibot"])))  # fmt: skip
    bridge.sync_once(timeout_ms=0)
    room = owner.open_room(world.ids["pasibot"])
    assert room in bridge.sync_once(timeout_ms=300).joined
    asked = send(room)  # type: ignore[operator]
    try:
        assert bridge.sync_once(timeout_ms=2000).answered == [asked]
    finally:
        bridge.close()
    (answer,) = owner.texts_from(room, world.ids["pasibot"])
    return room, answer


def _source_texts(pasi: Pasi, folder: str) -> dict[str, str]:
    rows = pasi.vault.read().execute(
        "SELECT s.uri, group_concat(e.text, ' ') FROM sources s JOIN episodes e "
        "ON e.source_id = s.id WHERE s.uri LIKE ? GROUP BY s.uri", (f"%{folder}%",),
    ).fetchall()  # fmt: skip
    return {uri: text for uri, text in rows}


@pytest.fixture
def offline_pasi(world: World, tmp_path: Path) -> Iterator[Pasi]:
    with _pasi(world, tmp_path / "vault", None) as pasi:
        yield pasi


def test_an_image_is_read_answered_and_kept_as_a_source(
    world: World, people: dict[str, Person], offline_pasi: Pasi
) -> None:
    owner = people["owner"]
    png = photo(("PARKING LEVEL 4B", "ROW 17"), fmt="PNG")
    room, answer = _answer_once(
        world, owner, offline_pasi,
        lambda r: _send_file(owner, r, "m.image", png, "parking.png", "image/png"),
    )  # fmt: skip
    assert "PARKING LEVEL 4B" in answer.upper() and "17" in answer  # no model: what was read
    (uri, text), *_ = _source_texts(offline_pasi, "uploads/matrix/parking-").items()
    assert uri.endswith(".png") and "4B" in text.upper()
    stored = Path(uri.removeprefix("file:"))
    assert stored.is_relative_to(offline_pasi.vault.directory) and stored.read_bytes() == png
    said = offline_pasi.vault.read().execute(
        "SELECT e.text FROM episodes e JOIN sources s ON s.id = e.source_id WHERE s.uri = ? "
        "AND e.role = 'user'", (conversation_uri(room),),
    ).fetchone()  # fmt: skip
    assert said is not None and "4B" in said[0].upper()  # the turn keeps what was read


def test_a_voice_message_is_heard_answered_and_kept_as_a_source(
    world: World, people: dict[str, Person], tmp_path: Path, whisper: Whisper
) -> None:
    owner = people["owner"]
    model = ScriptedModel(lambda _: "It will rain tomorrow morning.")
    wav = conversation(0.3, "what's on today", 0.3).wav_bytes()
    with _pasi(world, tmp_path / "vault", model) as pasi:
        room, answer = _answer_once(
            world, owner, pasi,
            lambda r: _send_file(owner, r, "m.audio", wav, "voice-message.wav", "audio/wav"),
        )  # fmt: skip
        assert answer.startswith('(heard: "what\'s on today")')
        assert answer.endswith("It will rain tomorrow morning.")
        assert model.requests and "what's on today" in model.requests[0].messages[-1].content
        ((uri, text),) = _source_texts(pasi, "uploads/matrix/voice-message-").items()
        assert uri.endswith(".wav") and text == "what's on today"
        (voice,) = owner.voice_from(room, world.ids["pasibot"])  # a voice message is answered so
    _assert_spoken(world, owner, voice, whisper, "tomorrow morning")


def _assert_spoken(
    world: World, owner: Person, voice: dict[str, object], whisper: Whisper, words: str
) -> None:
    """``voice`` is a voice message Element plays, of the answer: Whisper hears ``words`` in it."""
    assert "org.matrix.msc3245.voice" in voice and voice["msgtype"] == "m.audio"
    info = voice["info"]
    assert isinstance(info, dict) and info["mimetype"] == "audio/ogg"
    data = fetch_media(world, owner.client.access_token, str(voice["url"]))
    container, codec, seconds = played(data)
    assert (container, codec) == ("ogg", "opus") and 1.0 < seconds < 10.0
    assert abs(info["duration"] / 1000 - seconds) < 0.1 and info["size"] == len(data)
    assert words in whisper.transcribe(decoded(data)).lower()


def test_an_answer_is_spoken_when_asked_and_only_then(
    world: World, people: dict[str, Person], tmp_path: Path, whisper: Whisper
) -> None:
    owner = people["owner"]
    model = ScriptedModel(lambda _: "It will rain tomorrow morning.")
    with _pasi(world, tmp_path / "vault", model) as pasi:
        room, _ = _answer_once(world, owner, pasi, lambda r: owner.say(r, "Weather?"))
        assert owner.voice_from(room, world.ids["pasibot"]) == []  # not asked: text only
        bridge = MatrixBridge.for_pasi(pasi, MatrixClient(MatrixClient.login(
            world.server.url, "pasibot", PASSWORDS["pasibot"])))  # fmt: skip
        asked = owner.say(room, "And tomorrow? Answer by voice please.")
        try:
            assert bridge.sync_once(timeout_ms=2000).answered == [asked]
        finally:
            bridge.close()
        assert len(owner.texts_from(room, world.ids["pasibot"])) == 2  # the text came too
        (voice,) = owner.voice_from(room, world.ids["pasibot"])
    _assert_spoken(world, owner, voice, whisper, "tomorrow morning")
