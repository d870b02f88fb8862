"""Speech to text: one protocol, three backends.

* ``faster-whisper`` — Whisper base on this machine (pasi.models.whisper): open vocabulary,
  int8 on the CPU, decoded when the utterance ends in an encoder window fitted to its length
  (about 0.3 s for a sentence on two cores; docs/benchmarks.md). The default (``auto``) when
  faster-whisper is installed and the model pulled.
* ``pocketsphinx`` — offline, its wheel ships an English model. Each utterance is decoded
  against the command grammar (grammar.py) as it is spoken, so the result is ready a few
  milliseconds after the speech ends; when the speech fits no command shape it is decoded
  again with the open-vocabulary model (slow and often wrong: pocketsphinx's limit, not a
  setting).
* ``openai-compatible:URL#MODEL`` — any server with ``/v1/audio/transcriptions`` (whisper.cpp's
  server, faster-whisper-server, vLLM, OpenAI), given the utterance as a WAV file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from pasi.errors import ConfigError, ModelError
from pasi.models.whisper import Whisper
from pasi.senses.voice.audio import RATE, Audio
from pasi.senses.voice.grammar import jsgf

GRAMMAR_WIP = 0.01  # word insertion penalty: without it short slot words ("a") get inserted
# Alternative pronunciations, a wide HMM budget and the lattice best-path pass (which ran
# for a second inside ``hyp()``, after the speech had ended) cost several times the search
# itself for no gain on the commands (tests/senses/test_voice_commands.py); without them
# recognition runs well inside real time and the result is ready when the speech ends.
SPHINX_OPTIONS = {"fsgusealtpron": False, "maxhmmpf": 10_000, "bestpath": False}


@runtime_checkable
class SpeechToText(Protocol):
    name: str

    def transcribe(self, audio: Audio) -> str: ...


class Recognition(Protocol):
    """One utterance being recognised while it is spoken."""

    def feed(self, samples: np.ndarray) -> None: ...

    def finish(self) -> str: ...


@dataclass
class Buffered:
    """Streaming for a recogniser that only takes whole utterances: collect, then transcribe."""

    stt: SpeechToText
    parts: list[np.ndarray] = field(default_factory=list)

    def feed(self, samples: np.ndarray) -> None:
        self.parts.append(samples)

    def finish(self) -> str:
        return self.stt.transcribe(Audio(np.concatenate(self.parts) if self.parts else
                                         np.zeros(0, np.int16)))  # fmt: skip


def begin(stt: SpeechToText) -> Recognition:
    """A streaming recognition when the backend has one, else a buffered one."""
    start = getattr(stt, "begin", None)
    return start() if start else Buffered(stt)


def _dither_pad(samples: np.ndarray) -> np.ndarray:
    """Digital silence has no spectrum to normalise: pocketsphinx drops the last word before
    it. A little trailing quiet (and its ``dither`` option) avoids that."""
    return np.concatenate([samples, np.zeros(RATE // 3, dtype=np.int16)])


class PocketSphinxSTT:
    name = "pocketsphinx"

    def __init__(
        self,
        *,
        grammar: bool = True,
        open_vocabulary: bool = True,
        wake_phrase: str = "",
        **decoder_options: Any,
    ) -> None:
        from pocketsphinx import Decoder, get_model_path

        model = get_model_path()
        self.grammar = grammar
        self.open_vocabulary = open_vocabulary
        # Cepstral mean normalisation learns the microphone's level from each utterance; the
        # first one is heard with a generic estimate and often misheard, so it is decoded a
        # second time once the estimate has learnt from it (once per session).
        self.adapted = False
        options = {**SPHINX_OPTIONS, **decoder_options}
        self._decoder = Decoder(samprate=RATE, dither=True, wip=GRAMMAR_WIP, **options)
        if grammar:
            from pathlib import Path

            dictionary = Path(model) / "en-us" / "cmudict-en-us.dict"
            self._decoder.add_jsgf_string("commands", jsgf(dictionary, wake_phrase))
            self._decoder.activate_search("commands")
        self._warm_up()

    def _warm_up(self) -> None:
        """The first utterance pays for building the search (seconds with the grammar): pay
        it here, at start-up, not after the user's first words."""
        noise = np.random.default_rng(0).normal(0, 30, RATE // 2).astype(np.int16)
        cepstral_mean = self._decoder.get_cmn()  # noise would skew the first utterance's
        self._decoder.start_utt()
        self._decoder.process_raw(noise.tobytes(), False, True)
        self._decoder.end_utt()
        self._decoder.set_cmn(cepstral_mean)

    def begin(self) -> _SphinxRecognition:
        return _SphinxRecognition(self)

    def transcribe(self, audio: Audio) -> str:
        recognition = self.begin()
        recognition.feed(audio.samples)
        return recognition.finish()

    def _decode_open(self, samples: np.ndarray) -> str:
        decoder = self._decoder
        decoder.activate_search("_default")
        try:
            decoder.start_utt()
            decoder.process_raw(_dither_pad(samples).tobytes(), full_utt=True)
            decoder.end_utt()
            hyp = decoder.hyp()
            return hyp.hypstr if hyp else ""
        finally:
            if self.grammar:
                decoder.activate_search("commands")


class _SphinxRecognition:
    def __init__(self, stt: PocketSphinxSTT) -> None:
        self.stt = stt
        self.parts: list[np.ndarray] = []
        stt._decoder.start_utt()

    def feed(self, samples: np.ndarray) -> None:
        self.parts.append(samples)
        self.stt._decoder.process_raw(samples.astype(np.int16).tobytes(), False, False)

    def finish(self) -> str:
        decoder = self.stt._decoder
        decoder.process_raw(np.zeros(RATE // 10, dtype=np.int16).tobytes(), False, False)
        decoder.end_utt()
        if not self.stt.adapted:  # see PocketSphinxSTT.adapted
            self.stt.adapted = True
            decoder.start_utt()
            for part in [*self.parts, np.zeros(RATE // 10, dtype=np.int16)]:
                decoder.process_raw(part.astype(np.int16).tobytes(), False, False)
            decoder.end_utt()
        hyp = decoder.hyp()
        text = hyp.hypstr if hyp else ""
        if text or not (self.stt.grammar and self.stt.open_vocabulary):
            return text
        samples = np.concatenate(self.parts) if self.parts else np.zeros(0, np.int16)
        return self.stt._decode_open(samples)


class WhisperSTT:
    """Whisper on this machine; the utterance is collected and decoded when it ends."""

    def __init__(self, engine: Whisper) -> None:
        self.engine = engine
        self.name = engine.name

    def transcribe(self, audio: Audio) -> str:
        return self.engine.transcribe(audio.samples)


class OpenAISTT:
    """``/v1/audio/transcriptions`` of an OpenAI-compatible server, through the openai SDK."""

    def __init__(self, model: str, provider: Any) -> None:
        self.model = model
        self.provider = provider
        self.name = f"openai-compatible:{model}"

    def transcribe(self, audio: Audio) -> str:
        client, wav = self.provider.client(), audio.wav_bytes()
        reply = self.provider.call(  # retried as pasi decides; errors name the server
            lambda: client.audio.transcriptions.create(
                model=self.model, file=("speech.wav", wav, "audio/wav")
            ),
            self.model,
        )
        text = getattr(reply, "text", None)
        if not isinstance(text, str):
            raise ModelError(f"{self.provider.base_url} sent a transcription without text")
        return text.strip()


def spec_parts(text: str, setting: str) -> tuple[str, list[str]]:
    """``openai-compatible:URL#MODEL[#VOICE]`` as (URL, [MODEL, VOICE...])."""
    _, _, rest = text.partition(":")
    url, *names = rest.split("#")
    if not url.startswith(("http://", "https://")) or not names or not names[0].strip():
        raise ConfigError(
            f"invalid {setting} '{text}': use openai-compatible:http(s)://HOST:PORT/v1#MODEL"
        )
    return url.rstrip("/"), [n.strip() for n in names]
