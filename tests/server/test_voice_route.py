"""Push-to-talk over the real server: a WAV utterance in, the transcript, reply and its speech."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from live_server import RunningServer

from pasi.bench.speech import word_error_rate
from pasi.config import Settings
from pasi.models.chat import ScriptedModel
from pasi.senses.voice.audio import from_wav_bytes
from senses.speech import conversation


def test_a_spoken_question_is_heard_answered_spoken_and_remembered(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server(chat_model=ScriptedModel(lambda _: "You have the dentist at five."))
    token = server.token()
    recording = conversation(0.3, "what's on today", 0.3).wav_bytes()
    with server.http(token) as client:
        response = client.post("/api/voice", files={"audio": ("ptt.wav", recording, "audio/wav")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["transcript"] == "what's on today"
    assert body["reply"] == "You have the dentist at five."
    spoken = from_wav_bytes(base64.b64decode(body["audio"]))
    assert spoken.seconds > 1.0 and body["audio_type"] == "audio/wav"
    turns = [t.text for t in server.pasi("alice").memory.recent_turns()]
    assert turns == ["what's on today", "You have the dentist at five."]


def test_a_recording_that_is_not_wav_is_refused_by_name(
    start_server: Callable[..., RunningServer],
) -> None:
    server = start_server(chat_model=ScriptedModel(lambda _: "never"))
    with server.http(server.token()) as client:
        response = client.post(
            "/api/voice", files={"audio": ("ptt.webm", b"\x1aE\xdf\xa3", "audio/webm")}
        )
    assert response.status_code in (400, 422)
    assert "ptt.webm" in response.json()["error"]["message"]


def test_push_to_talk_hears_open_speech_with_whisper(
    start_server: Callable[..., RunningServer], server_settings: Settings, whisper_base: Path
) -> None:
    settings = server_settings.model_copy(update={"stt": f"faster-whisper:{whisper_base}"})
    server = start_server(settings, chat_model=ScriptedModel(lambda _: "Noted."))
    said = "my brother is flying to Montreal for a conference in October"
    recording = conversation(0.3, said, 0.3).wav_bytes()
    with server.http(server.token()) as client:
        response = client.post("/api/voice", files={"audio": ("ptt.wav", recording, "audio/wav")})
    assert response.status_code == 200, response.text
    assert word_error_rate(said, response.json()["transcript"]) <= 0.15
