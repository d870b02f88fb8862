"""OpenAI-compatible speech endpoints, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from speech import spoken

from pasi.config import Settings
from pasi.errors import ConfigError, ModelError
from pasi.senses.voice import OpenAISTT, OpenAITTS
from pasi.senses.voice.factory import make_stt, make_tts


class SpeechServer:
    """``/v1/audio/transcriptions`` answers a fixed text; ``/v1/audio/speech`` answers WAV."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        self.status = 200
        server = self

        class Handle(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.requests.append((self.path, self.headers["Content-Type"], body))
                if server.status != 200:
                    self._send(server.status, "application/json",
                               b'{"error": {"message": "no such model"}}')  # fmt: skip
                elif self.path.endswith("/audio/transcriptions"):
                    self._send(200, "application/json", b'{"text": " remind me to buy milk "}')
                else:
                    self._send(200, "audio/wav", spoken("Milk is on the list.").wav_bytes())

            def _send(self, status: int, kind: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"


@pytest.fixture
def server() -> Iterator[SpeechServer]:
    state = SpeechServer()
    thread = threading.Thread(target=state.httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    state.httpd.shutdown()
    state.httpd.server_close()


def _settings(tmp_path: Path, **values: str) -> Settings:
    return Settings(vault=tmp_path / "v", model_retries=0, **values)  # type: ignore[arg-type]


def test_transcription_sends_the_utterance_as_a_wav_file(
    server: SpeechServer, tmp_path: Path
) -> None:
    stt = make_stt(_settings(tmp_path, stt=f"openai-compatible:{server.url}#whisper-1"))
    assert isinstance(stt, OpenAISTT)
    assert stt.transcribe(spoken("remind me to buy milk")) == "remind me to buy milk"
    ((path, kind, body),) = server.requests
    assert path == "/v1/audio/transcriptions" and kind.startswith("multipart/form-data")
    assert b"RIFF" in body and b"WAVE" in body and b"whisper-1" in body


def test_speech_asks_for_wav_with_the_voice_and_reads_it_back_at_16_khz(
    server: SpeechServer, tmp_path: Path
) -> None:
    tts = make_tts(_settings(tmp_path, tts=f"openai-compatible:{server.url}#tts-1#nova"))
    assert isinstance(tts, OpenAITTS)
    audio = tts.synthesize("Milk is on the list.")
    assert audio.seconds == pytest.approx(spoken("Milk is on the list.").seconds, abs=0.01)
    ((path, _, body),) = server.requests
    sent = json.loads(body)
    assert path == "/v1/audio/speech"
    assert sent == {"model": "tts-1", "voice": "nova", "input": "Milk is on the list.",
                    "response_format": "wav"}  # fmt: skip


def test_a_server_error_is_one_pasi_error_naming_the_server(
    server: SpeechServer, tmp_path: Path
) -> None:
    server.status = 404
    tts = make_tts(_settings(tmp_path, tts=f"openai-compatible:{server.url}#nope"))
    with pytest.raises(ModelError, match=r"127\.0\.0\.1"):
        tts.synthesize("hello")


@pytest.mark.parametrize(("setting", "value"), [("stt", "whisper"), ("tts", "openai-compatible:x")])
def test_an_unknown_backend_is_refused_by_setting_and_value(
    tmp_path: Path, setting: str, value: str
) -> None:
    make = make_stt if setting == "stt" else make_tts
    with pytest.raises(ConfigError, match=f"{setting} '{value}'"):
        make(_settings(tmp_path, **{setting: value}))
