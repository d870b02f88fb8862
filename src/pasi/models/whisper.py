"""Whisper speech recognition on this machine: faster-whisper (CTranslate2), int8 on the CPU.

One model, two ways of using it:

* :meth:`Whisper.transcribe` — one utterance (the voice loop, ``POST /api/voice``). Whisper's
  encoder is trained on 30 s windows and faster-whisper pads every utterance to 30 s, so on
  two cores the encoder costs ~0.55 s whatever was said. Here an utterance is encoded in a
  window fitted to its length (its length plus :data:`MARGIN`, at least :data:`MIN_WINDOW` s):
  the encoder's cost falls about threefold and the words stay the same (``pasi bench voice``
  measures both, docs/benchmarks.md). Windows of 3-4 s made the decoder repeat a short
  command ("Remind me to buy milk. Remind me to buy milk. ..."); a decode that loops anyway
  is done again in the full window. It is decoded by beam search (:data:`BEAM` beams, the
  ``whisper_beam`` setting; greedy made a quarter more errors) without timestamps. Whisper
  writes sentences into pure noise, so an utterance in which the Silero voice detector (inside
  the faster-whisper wheel, ~10 ms) hears no speech is given no words.
* :meth:`Whisper.segments` — a recording (``pasi ingest``): the Silero voice detector (shipped
  inside the faster-whisper wheel) finds the stretches of speech between pauses, and each is
  decoded like an utterance, so every segment's start and end are where the speech is (Whisper's
  own timestamps drift by seconds over a pause) and silence costs nothing.

The model folder holds ``model.bin``, ``config.json``, ``tokenizer.json`` and
``vocabulary.txt`` (``pasi models pull whisper-base``). Loading it takes ~0.4 s.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pasi.errors import ConfigError, ModelError, ModelNotFoundError

if TYPE_CHECKING:
    from pasi.config import Settings

RATE = 16_000
FRAMES_PER_SECOND = 100  # Whisper's log-mel frames
FULL_WINDOW = 3000  # 30 s, what the model was trained on
MIN_WINDOW = 8.0  # seconds: in 3-4 s windows short commands came back said three times
MARGIN = 4.0  # seconds of quiet after the speech inside the window
PAUSE_MS = 1000  # a recording's segments end at pauses this long
PAD_MS = 200  # speech kept either side of a segment, so first and last sounds are whole
LEAD = RATE // 5  # 0.2 s of quiet before an utterance: without it a fitted window can loop
MAX_COMPRESSION = 2.4  # above this the text repeats itself (Whisper's threshold)
BEAM = 5  # beam search: clean dev-set WER 25.9 % greedy → 19.5 % (docs/benchmarks.md)
NO_SPEECH = 0.6  # above this no-speech probability an utterance is taken as noise, not words
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")
DEFAULT_MODEL = "whisper-base"  # the catalogue entry, a folder in the vault's models/
PREFIX = "faster-whisper"


@dataclass(frozen=True)
class Segment:
    """Words spoken between ``start`` and ``end`` seconds of a recording."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class WhisperChoice:
    """Which Whisper model folder to load, and in which language ("" = the caller's default,
    "auto" = detect it)."""

    folder: Path
    language: str = ""


def whisper_choice(spec: str, settings: Settings) -> WhisperChoice | None:
    """The Whisper model an ``stt`` spec names, or None: ``auto`` finds none when faster-whisper
    is not installed or the model was not pulled; other specs (pocketsphinx) name none.

    ``faster-whisper`` is the pulled ``whisper-base``; ``faster-whisper:FOLDER`` any CTranslate2
    Whisper folder; a ``#LANGUAGE`` suffix (``#de``, ``#auto``) fixes the language.
    """
    from pasi.models.registry import models_dir

    text = spec.strip()
    default = models_dir(settings) / DEFAULT_MODEL
    if text == "auto":
        whole = all((default / name).is_file() for name in MODEL_FILES)
        return WhisperChoice(default) if whole and available() else None
    if text != PREFIX and not text.startswith((f"{PREFIX}:", f"{PREFIX}#")):
        return None
    where, _, language = text.removeprefix(PREFIX).removeprefix(":").partition("#")
    if language and not language.isalpha():
        raise ConfigError(f"invalid language '{language}' in stt '{text}': use e.g. #en or #auto")
    return WhisperChoice(Path(where).expanduser() if where else default, language.lower())


def loader(settings: Settings) -> Callable[[], Whisper]:
    """Loads, once and on first use, the Whisper that reads recordings: the one ``stt`` names,
    else the pulled ``whisper-base`` (recordings need open vocabulary whatever ``pasi voice``
    uses); its language is detected unless ``stt`` fixes one."""
    from pasi.models.registry import models_dir

    choice = whisper_choice(settings.stt, settings)
    folder = choice.folder if choice else models_dir(settings) / DEFAULT_MODEL
    language = choice.language if choice else ""
    loaded: list[Whisper] = []
    guard = threading.Lock()

    def load() -> Whisper:
        with guard:
            if not loaded:
                loaded.append(Whisper(folder, language=language or "auto",
                                     beam_size=settings.whisper_beam))  # fmt: skip
            return loaded[0]

    return load


def check_folder(folder: Path) -> Path:
    """``folder`` when it holds a CTranslate2 Whisper model; a clear error otherwise."""
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelNotFoundError(
            f"no Whisper model in {folder} (missing {', '.join(missing)}); run "
            "`pasi models pull whisper-base` or set stt to another folder"
        )
    return folder


def available() -> bool:
    """Whether faster-whisper is installed (without importing it: that costs ~0.2 s)."""
    from importlib.util import find_spec

    return find_spec("faster_whisper") is not None


class Whisper:
    """A loaded Whisper model; calls are serialised (one decode at a time uses both cores)."""

    def __init__(
        self,
        folder: Path,
        *,
        language: str | None = "en",
        compute_type: str = "int8",
        threads: int = 0,
        beam_size: int = BEAM,
        fitted: bool = True,
    ) -> None:
        try:
            from faster_whisper import WhisperModel
            from faster_whisper.tokenizer import Tokenizer
        except ImportError:
            raise ModelError(
                "faster-whisper is not installed: `pip install faster-whisper` (wheels only)"
            ) from None
        self.folder = check_folder(Path(folder))
        self.language = None if language in (None, "", "auto") else language
        self.beam_size = beam_size
        self.fitted = fitted
        self.name = f"faster-whisper:{self.folder.name}"
        self._model = WhisperModel(str(self.folder), device="cpu", compute_type=compute_type,
                                   cpu_threads=threads or os.cpu_count() or 1)  # fmt: skip
        self._tokenizer_type = Tokenizer
        self._lock = threading.Lock()
        # The first detection and the first decode each pay a one-off cost (loading the
        # detector, the encoder's first run): here, at start-up, not after the first words.
        has_speech(np.zeros(RATE // 2, dtype=np.float32))
        self._decode(np.zeros(RATE, dtype=np.float32), fitted=True)

    # -- one utterance ---------------------------------------------------------------------------

    def transcribe(self, samples: np.ndarray) -> str:
        """The words of one utterance (16 kHz mono, int16 or float32 in [-1, 1])."""
        audio = _as_float(samples)
        if len(audio) < RATE // 10 or not has_speech(audio):
            return ""
        with self._lock:
            if not self.fitted or len(audio) > (FULL_WINDOW // FRAMES_PER_SECOND - MARGIN) * RATE:
                return " ".join(s.text for s in self._long(audio)).strip()
            return self._short(audio)

    def _short(self, audio: np.ndarray, language: str | None = None) -> str:
        lead = np.concatenate([np.zeros(LEAD, np.float32), audio])
        text = self._decode(lead, fitted=True, language=language)
        if looped(text):  # "Buy milk. Buy milk. Buy milk." in a short window: the full one
            text = self._decode(audio, fitted=False, language=language)
        return text

    def _encode(self, audio: np.ndarray, window: int) -> Any:
        import ctranslate2

        # quiet is added as audio, as Whisper was trained (30 s of zeros after the speech)
        padded_audio = np.zeros(window * RATE // FRAMES_PER_SECOND, dtype=np.float32)
        padded_audio[: len(audio)] = audio[: len(padded_audio)]
        padded = np.ascontiguousarray(self._model.feature_extractor(padded_audio)[:, :window])
        return self._model.model.encode(ctranslate2.StorageView.from_array(padded[None]))

    def _decode(self, audio: np.ndarray, *, fitted: bool, language: str | None = None) -> str:
        model = self._model
        frames = len(audio) * FRAMES_PER_SECOND // RATE
        window = fitted_window(frames) if fitted else FULL_WINDOW
        encoded = self._encode(audio, window)
        tokenizer = self._tokenizer(language or self.language or self._detect(encoded))
        result = model.model.generate(
            encoded, [[*tokenizer.sot_sequence, tokenizer.no_timestamps]],
            beam_size=self.beam_size, max_length=min(448, 40 + 8 * window // 100),
            return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=_suppressed(tokenizer),
        )[0]  # fmt: skip
        if result.no_speech_prob > NO_SPEECH:
            return ""
        return tokenizer.decode(result.sequences_ids[0]).strip()

    def _detect(self, encoded: Any) -> str:
        found = self._model.model.detect_language(encoded)[0]
        return found[0][0].strip("<|>") if found else "en"

    def _tokenizer(self, language: str) -> Any:
        model = self._model
        return self._tokenizer_type(model.hf_tokenizer, model.model.is_multilingual,
                                    task="transcribe", language=language)  # fmt: skip

    # -- a recording -----------------------------------------------------------------------------

    def segments(self, samples: np.ndarray, offset: float = 0.0) -> Iterator[Segment]:
        """The recording's words, one segment per stretch of speech between pauses of at least
        :data:`PAUSE_MS` (found by the Silero detector; a stretch longer than 28 s is cut at
        its quietest point), each decoded like an utterance and timed from ``offset`` s. With
        no language set, it is detected once, on the first 30 s of speech, for all of them
        (a short "Yeah." alone is easily taken for another language)."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        audio = _as_float(samples)
        options = VadOptions(min_silence_duration_ms=PAUSE_MS, speech_pad_ms=PAD_MS,
                             max_speech_duration_s=28.0)  # fmt: skip
        regions = [(r["start"], r["end"]) for r in get_speech_timestamps(audio, options)]
        language = self.language
        if language is None and regions:
            speech = np.concatenate([audio[a:b] for a, b in regions])[: FULL_WINDOW * 160]
            with self._lock:
                language = self._detect(self._encode(speech, FULL_WINDOW))
        for start, end in regions:
            with self._lock:
                text = self._short(audio[start:end], language)
            if text:
                yield Segment(offset + start / RATE, offset + end / RATE, text)

    def _long(self, audio: np.ndarray) -> Iterator[Any]:
        found, _ = self._model.transcribe(
            audio, language=self.language, beam_size=self.beam_size, vad_filter=True,
            condition_on_previous_text=False,
        )  # fmt: skip
        return found


def looped(text: str) -> bool:
    """Whether the decoder went round in a loop: a sentence said again, or text that zlib
    shrinks more than Whisper's own threshold allows."""
    said = [" ".join(part.lower().split()) for part in re.split(r"[.?!]+", text)]
    sentences = [s for s in said if len(s.split()) >= 2]
    return len(set(sentences)) < len(sentences) or compression_ratio(text) > MAX_COMPRESSION


def compression_ratio(text: str) -> float:
    """How much zlib shrinks the text: Whisper's own test for a decoder stuck in a loop."""
    import zlib

    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def has_speech(audio: np.ndarray) -> bool:
    """Whether the Silero voice detector hears speech anywhere in ``audio`` (float32)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    return bool(get_speech_timestamps(audio, VadOptions()))


def fitted_window(frames: int) -> int:
    """The encoder window for an utterance of ``frames`` log-mel frames: the speech plus a
    margin, whole seconds, at least :data:`MIN_WINDOW`, at most the full 30 s."""
    seconds = max(MIN_WINDOW, math.ceil(frames / FRAMES_PER_SECOND + MARGIN))
    return min(FULL_WINDOW, int(seconds * FRAMES_PER_SECOND))


def _suppressed(tokenizer: Any) -> list[int]:
    special = [tokenizer.transcribe, tokenizer.translate, tokenizer.sot, tokenizer.sot_prev,
               tokenizer.sot_lm, tokenizer.no_speech]  # fmt: skip
    return sorted({*tokenizer.non_speech_tokens, *special})


def _as_float(samples: np.ndarray) -> np.ndarray:
    if samples.dtype == np.int16:
        return samples.astype(np.float32) / 32768.0
    return np.asarray(samples, dtype=np.float32)
