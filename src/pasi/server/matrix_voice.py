"""pasi answers by voice on Matrix: the reply spoken, sent as a voice message after the text.

A reply is spoken when the owner sent a voice message, when the message asks for it ("answer
by voice", "say it", "read it out loud"...), or always with the setting ``matrix_voice_replies``.
The text (citation tags left out) is synthesised by the configured text-to-speech
(pasi.senses.voice: espeak-ng, or an OpenAI-compatible ``/v1/audio/speech``), encoded by PyAV
as Ogg/Opus at 48 kHz mono (what Element records and plays as a voice message), uploaded to the
homeserver's media repository and sent as an ``m.audio`` with ``org.matrix.msc3245.voice``, its
duration and a waveform. In an encrypted room the file is encrypted first (AES-CTR, the key in
the encrypted event: pasi.server.matrix_crypto), so the homeserver holds only ciphertext.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from pasi.life.matrix import MatrixClient
from pasi.senses.voice.audio import RATE, Audio
from pasi.senses.voice.tts import TextToSpeech, speakable
from pasi.server.matrix_crypto import seal_attachment
from pasi.server.matrix_stream import Sender

OPUS_RATE = 48_000  # libopus encodes at 8/12/16/24/48 kHz; clients expect 48 kHz voice
OPUS_FRAME = 960  # 20 ms at 48 kHz
MIMETYPE = "audio/ogg"
FILE_NAME = "pasi-voice.ogg"
MAX_SPOKEN_CHARS = 2_000  # a longer reply is read up to here; the text has the rest
WAVEFORM_POINTS = 100
_ASKED = re.compile(
    r"\b(answer|reply|respond|tell me|talk)\b[^.?!]{0,20}\b(by|with|in|as) (a )?"
    r"(voice|speech|audio|voice message)\b"
    r"|\bsay it\b|\bout ?loud\b|\bread it (to me|aloud)\b|\bspeak (it|to me)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Spoken:
    """A reply as a voice message: Ogg/Opus bytes, how long it plays, its waveform."""

    data: bytes
    seconds: float
    waveform: list[int]  # 0..1024, as MSC1767 audio messages carry it


def asked_for_voice(text: str) -> bool:
    """Whether a message asks for the answer to be spoken."""
    return bool(_ASKED.search(text))


def speak(tts: TextToSpeech, text: str) -> Spoken | None:
    """``text`` spoken by ``tts``, or None when nothing in it can be spoken."""
    words = speakable(text)[:MAX_SPOKEN_CHARS]
    if not words:
        return None
    audio = tts.synthesize(words)
    if not len(audio.samples):
        return None
    return Spoken(ogg_opus(audio), audio.seconds, waveform(audio))


def ogg_opus(audio: Audio) -> bytes:
    """Mono 16 kHz audio as an Ogg/Opus file at 48 kHz."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=OPUS_RATE, layout="mono")
        stream.bit_rate = 32_000
        resampler = av.AudioResampler(format="s16", layout="mono", rate=OPUS_RATE)
        frame = av.AudioFrame.from_ndarray(
            audio.samples.astype(np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = RATE
        fifo = av.AudioFifo()
        for piece in [*resampler.resample(frame), *resampler.resample(None)]:
            fifo.write(piece)
        while fifo.samples:
            chunk = fifo.read(min(OPUS_FRAME, fifo.samples))
            if chunk.samples < OPUS_FRAME:  # the encoder takes whole 20 ms frames
                chunk = _padded(chunk)
            for packet in stream.encode(chunk):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def _padded(chunk: Any) -> Any:
    import av

    samples = chunk.to_ndarray().reshape(-1)
    full = np.zeros(OPUS_FRAME, dtype=np.int16)
    full[: len(samples)] = samples
    padded = av.AudioFrame.from_ndarray(full.reshape(1, -1), format="s16", layout="mono")
    padded.sample_rate, padded.pts = OPUS_RATE, chunk.pts
    return padded


def waveform(audio: Audio, points: int = WAVEFORM_POINTS) -> list[int]:
    """The loudness of ``points`` stretches of the audio, 0..1024 (Element draws it)."""
    samples = np.abs(audio.samples.astype(np.float32))
    if not len(samples):
        return []
    parts = np.array_split(samples, min(points, len(samples)))
    levels = np.array([part.mean() for part in parts])
    top = levels.max() or 1.0
    return [round(1024 * float(level) / float(top)) for level in levels]


def voice_content(spoken: Spoken, url: str | None, file: dict[str, Any] | None) -> dict[str, Any]:
    """The ``m.audio`` voice message: ``url`` in a plain room, ``file`` (the encrypted
    attachment's keys and address) in an encrypted one."""
    duration_ms = round(spoken.seconds * 1000)
    content: dict[str, Any] = {
        "msgtype": "m.audio",
        "body": "Voice message",
        "filename": FILE_NAME,
        "info": {"mimetype": MIMETYPE, "size": len(spoken.data), "duration": duration_ms},
        "org.matrix.msc1767.audio": {"duration": duration_ms, "waveform": spoken.waveform},
        "org.matrix.msc3245.voice": {},
    }
    if file is not None:
        content["file"] = file
    else:
        content["url"] = url
    return content


def send_voice(
    client: MatrixClient, sender: Sender, room_id: str, spoken: Spoken, sealed: bool, txn: str
) -> str:
    """Upload ``spoken`` and send it to ``room_id`` through ``sender``; ``sealed``: the room is
    encrypted, so the file is too. The same ``txn`` twice sends it once."""
    if sealed:
        ciphertext, file = seal_attachment(spoken.data, MIMETYPE)
        url = client.upload(ciphertext, "application/octet-stream", FILE_NAME)
        content = voice_content(spoken, None, {**file, "url": url})
    else:
        content = voice_content(spoken, client.upload(spoken.data, MIMETYPE, FILE_NAME), None)
    return sender.send_message(room_id, content, txn)
