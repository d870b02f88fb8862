"""Text to speech: one protocol, two backends.

* ``espeak-ng`` — offline (Debian package ``espeak-ng``); robotic but instant, a sentence in
  a few tens of milliseconds, which keeps the spoken reply's first audio close to the end of
  the user's speech.
* ``openai-compatible:URL#MODEL[#VOICE]`` — any server with ``/v1/audio/speech`` that can
  answer WAV (OpenAI, openedai-speech, Kokoro-FastAPI, ...).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any, Protocol, runtime_checkable

from pasi.errors import ConfigError, ModelError
from pasi.senses.voice.audio import Audio, from_wav_bytes


@runtime_checkable
class TextToSpeech(Protocol):
    name: str

    def synthesize(self, text: str) -> Audio: ...


class EspeakTTS:
    name = "espeak-ng"

    def __init__(self, voice: str = "en-us", words_per_minute: int = 165) -> None:
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise ConfigError(
                "tts 'espeak-ng' needs the espeak-ng program: install the Debian package "
                "espeak-ng (scripts/dev does), or set tts to an openai-compatible: endpoint"
            )
        self.binary = binary
        self.voice = voice
        self.words_per_minute = words_per_minute

    def synthesize(self, text: str) -> Audio:
        # "--" ends the options: a sentence starting with "-" is spoken, not parsed
        command = [self.binary, "--stdout", "-v", self.voice, "-s", str(self.words_per_minute),
                   "--", text]  # fmt: skip
        done = subprocess.run(command, capture_output=True, timeout=60, check=False)
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip()
            raise ModelError(f"espeak-ng failed (exit {done.returncode}): {reason}")
        return from_wav_bytes(done.stdout, "espeak-ng output")


class OpenAITTS:
    """``/v1/audio/speech`` of an OpenAI-compatible server, asked for WAV."""

    def __init__(self, model: str, provider: Any, voice: str = "alloy") -> None:
        self.model = model
        self.voice = voice
        self.provider = provider
        self.name = f"openai-compatible:{model}"

    def synthesize(self, text: str) -> Audio:
        client = self.provider.client()
        reply = self.provider.call(  # retried as pasi decides; errors name the server
            lambda: client.audio.speech.create(
                model=self.model, voice=self.voice, input=text, response_format="wav"
            ),
            self.model,
        )
        return from_wav_bytes(reply.content, f"the speech from {self.provider.base_url}")


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def split_sentences(buffer: str) -> tuple[list[str], str]:
    """Whole sentences in ``buffer`` and the unfinished rest, to speak a reply while it is
    still being written. Citation tags ([m12]) are not read aloud."""
    parts = _SENTENCE_END.split(buffer)
    done, rest = parts[:-1], parts[-1]
    return [s for s in (speakable(p) for p in done) if s], rest


_TAG = re.compile(r"\[(?:m|t|i)\d+\]")


def speakable(text: str) -> str:
    spoken = " ".join(_TAG.sub("", text).replace("*", "").split())
    return re.sub(r"\s+([.,!?;:])", r"\1", spoken)
