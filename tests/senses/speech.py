"""Speech the voice tests make with espeak-ng, as 16 kHz audio and WAV files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pasi.senses.voice.audio import Audio
from pasi.senses.voice.tts import EspeakTTS


@cache
def spoken(text: str) -> Audio:
    return EspeakTTS(words_per_minute=150).synthesize(text)


def conversation(*parts: str | float) -> Audio:
    """Speech and pauses in order: a string is said, a number is that many seconds of quiet."""
    return Audio.join([Audio.silence(p) if isinstance(p, float) else spoken(p) for p in parts])


def wav(path: Path, audio: Audio) -> Path:
    path.write_bytes(audio.wav_bytes())
    return path
