"""Push-to-talk over HTTP: ``POST /api/voice`` with a recorded utterance, answered aloud.

The browser records while a button is held, encodes WAV (any rate, mono or stereo, 16-bit)
and posts it as the form part ``audio``; the answer holds what pasi heard, its reply, and the
reply spoken as a base64 WAV (16 kHz mono). The turn runs through :func:`run_turn`, so it is
remembered like a typed one. Recognisers (Whisper by default when pulled, else pocketsphinx)
are built once per spec and model folder and used one request at a time (a pocketsphinx
decoder is not thread-safe, and building one takes seconds; a Whisper decode uses every core);
voices are built once per spec too.
"""

from __future__ import annotations

import base64
import threading

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel

from pasi.agent.events import Answer, TextDelta
from pasi.config import Settings
from pasi.senses.voice.audio import Audio, from_wav_bytes
from pasi.senses.voice.factory import make_stt, make_tts
from pasi.senses.voice.stt import SpeechToText
from pasi.senses.voice.tts import TextToSpeech, speakable, split_sentences
from pasi.server.auth import CurrentUser
from pasi.server.rest.errors import FieldError, TooLargeError
from pasi.server.rest.schemas import ERRORS
from pasi.server.turns import OfflineAnswer, run_turn
from pasi.server.users import UserSession

router = APIRouter(prefix="/api", tags=["voice"], responses=ERRORS)
MAX_AUDIO_BYTES = 20 * 1024 * 1024  # ten minutes of 16 kHz WAV
_recognisers: dict[tuple[str, str, str], tuple[SpeechToText, threading.Lock]] = {}
_speakers: dict[str, TextToSpeech] = {}  # a remote voice keeps its client (and connections)
_recognisers_lock = threading.Lock()


class VoiceOut(BaseModel):
    transcript: str
    reply: str
    audio: str  # the reply spoken: base64 of a WAV file, 16 kHz mono 16-bit
    audio_type: str = "audio/wav"


def _recogniser(settings: Settings) -> tuple[SpeechToText, threading.Lock]:
    from pasi.models.whisper import whisper_choice

    choice = whisper_choice(settings.stt, settings)  # `auto` changes once the model is pulled
    key = (settings.stt, settings.voice_wake_phrase, str(choice.folder) if choice else "")
    with _recognisers_lock:
        if key not in _recognisers:
            _recognisers[key] = (make_stt(settings), threading.Lock())
        return _recognisers[key]


def _speaker(settings: Settings) -> TextToSpeech:
    with _recognisers_lock:
        if settings.tts not in _speakers:
            _speakers[settings.tts] = make_tts(settings)
        return _speakers[settings.tts]


@router.post("/voice", response_model=VoiceOut)
def voice(
    user: CurrentUser,
    audio: UploadFile = File(description="The utterance as a WAV file (16-bit PCM)."),
) -> VoiceOut:
    """Hear one utterance, answer it, and speak the answer."""
    data = audio.file.read(MAX_AUDIO_BYTES + 1)
    if len(data) > MAX_AUDIO_BYTES:
        raise TooLargeError(f"the recording is larger than {MAX_AUDIO_BYTES:,} bytes")
    heard = from_wav_bytes(data, audio.filename or "audio")
    settings = user.pasi.settings
    stt, lock = _recogniser(settings)
    with lock:
        transcript = stt.transcribe(heard).strip()
    if not transcript:
        raise FieldError("no words were recognised in the recording", param="audio")
    reply = _reply(user, transcript)
    tts = _speaker(settings)
    sentences, rest = split_sentences(reply + "\n")
    spoken = Audio.join([tts.synthesize(s) for s in [*sentences, speakable(rest)] if s])
    encoded = base64.b64encode(spoken.wav_bytes()).decode("ascii")
    return VoiceOut(transcript=transcript, reply=reply, audio=encoded)


def _reply(user: UserSession, transcript: str) -> str:
    pieces: list[str] = []
    for event in run_turn(user.pasi, transcript):
        if isinstance(event, Answer | OfflineAnswer):
            return event.text
        if isinstance(event, TextDelta):
            pieces.append(event.text)
    return "".join(pieces).strip()
