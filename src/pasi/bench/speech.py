"""Speech recognition quality and speed for ``pasi bench voice``: word error rate and decode
time on held-out espeak-ng speech, and how fast a long recording is transcribed.

The sentences below were written for the benchmark and used for nothing else (no setting was
tuned on them; the tests and the tuning used other sentences). Each is spoken by several
espeak-ng voices at several speeds, with white noise added at several signal-to-noise ratios
(NumPy, seeded; the level is the speech's active level, its loudest 20 ms frames), and
transcribed by each recogniser: Whisper as the voice loop runs it (encoder window fitted to the
utterance), optionally Whisper as faster-whisper runs it (30 s window), and pocketsphinx's
open-vocabulary model (its command grammar cannot write sentences down).
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from pasi.bench.common import percentile
from pasi.senses.voice.audio import FRAME, RATE, Audio
from pasi.senses.voice.tts import EspeakTTS

HELD_OUT = (
    "the plumber said he would come back on thursday to fix the kitchen sink",
    "can you find the recipe for the lemon cake my grandmother used to bake",
    "book a table for four people at the italian place near the station",
    "i left my umbrella on the train this morning and nobody handed it in",
    "what did the doctor say about the results of my blood test",
    "send a message to peter that the meeting moved to half past three",
    "our flight to copenhagen leaves at seven in the evening next friday",
    "remember that the car needs new tyres before the winter",
    "how much did we spend on groceries last month",
    "the children have a school trip to the science museum on monday",
)
VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-029")
SPEEDS = (130, 175, 210)  # words per minute
NOISE_SNR_DB = (None, 20.0, 10.0)  # None: clean
_WORD = re.compile(r"[a-z0-9']+")
_NUMBERS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
            "7": "seven", "8": "eight", "9": "nine", "10": "ten"}  # fmt: skip


def words(text: str) -> list[str]:
    """Lower-case words without punctuation; small numerals spelled out ("4" = "four")."""
    found = _WORD.findall(text.lower().replace("’", "'"))
    return [_NUMBERS.get(w, w) for w in found]


def word_error_rate(reference: str, heard: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by edit distance."""
    ref, hyp = words(reference), words(heard)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(len(ref), 1)


def with_noise(samples: np.ndarray, snr_db: float | None, seed: int) -> np.ndarray:
    """White noise ``snr_db`` below the speech's active level: the mean power of its 20 ms
    frames within 40 dB of the loudest (pauses and the quiet around it not counted)."""
    if snr_db is None:
        return samples
    x = samples.astype(np.float64)
    frames = np.square(x[: len(x) // FRAME * FRAME]).reshape(-1, FRAME).mean(axis=1)
    active = frames[frames > frames.max() * 1e-4] if len(frames) else frames
    power = float(active.mean()) if len(active) else 0.0
    noise = np.random.default_rng(seed).normal(0, np.sqrt(power / 10 ** (snr_db / 10)), len(x))
    return np.clip(np.round(x + noise), -32768, 32767).astype(np.int16)


def speech_set(sentences: int) -> list[dict[str, Any]]:
    """Every sentence in every voice, speed and noise level (1 s of quiet around each)."""
    cases = []
    for voice in VOICES:
        for speed in SPEEDS:
            tts = EspeakTTS(voice=voice, words_per_minute=speed)
            for index, text in enumerate(HELD_OUT[:sentences]):
                clean = Audio.join([Audio.silence(0.3), tts.synthesize(text), Audio.silence(0.3)])
                for snr in NOISE_SNR_DB:
                    samples = with_noise(clean.samples, snr, seed=index * 1000 + speed)
                    cases.append({"text": text, "voice": voice, "speed": speed, "snr_db": snr,
                                  "samples": samples})  # fmt: skip
    return cases


def _recognisers(
    whisper_folder: Path | None, full_window: bool
) -> dict[str, Callable[[np.ndarray], str]]:
    from pasi.senses.voice.stt import PocketSphinxSTT

    found: dict[str, Callable[[np.ndarray], str]] = {}
    if whisper_folder is not None:
        from pasi.models.whisper import Whisper

        found["whisper-base int8 beam 5 (fitted window)"] = Whisper(whisper_folder).transcribe
        if full_window:
            full = Whisper(whisper_folder, fitted=False)
            found["whisper-base int8 beam 5 (30 s window)"] = full.transcribe
    sphinx = PocketSphinxSTT(grammar=False)
    found["pocketsphinx (open vocabulary)"] = lambda s: sphinx.transcribe(Audio(s))
    return found


def run_accuracy(
    whisper_folder: Path | None, sentences: int = len(HELD_OUT), *, full_window: bool = False
) -> dict[str, Any]:
    """WER and decode time per recogniser, overall and by noise level, voice and speed; with
    ``full_window``, also Whisper as faster-whisper runs it (30 s window, its own VAD)."""
    cases = speech_set(sentences)
    results: dict[str, Any] = {}
    for name, transcribe in _recognisers(whisper_folder, full_window).items():
        rows = []
        for case in cases:
            started = time.perf_counter()
            heard = transcribe(case["samples"])
            seconds = time.perf_counter() - started
            rows.append({**{k: v for k, v in case.items() if k != "samples"},
                         "wer": word_error_rate(case["text"], heard), "seconds": seconds,
                         "audio_seconds": len(case["samples"]) / RATE})  # fmt: skip
        results[name] = _accuracy_summary(rows)
    return {"utterances": len(cases), "sentences": sentences, "voices": list(VOICES),
            "speeds_wpm": list(SPEEDS), "noise_snr_db": ["clean" if s is None else s
                                                         for s in NOISE_SNR_DB],
            "recognisers": results}  # fmt: skip


def _wer(rows: list[dict[str, Any]]) -> float:
    """Corpus WER: errors over all reference words (not a mean of per-sentence rates)."""
    errors = sum(r["wer"] * len(words(r["text"])) for r in rows)
    return round(100 * errors / max(sum(len(words(r["text"])) for r in rows), 1), 1)


def _accuracy_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ms = [r["seconds"] * 1000 for r in rows]
    by = {
        key: {str("clean" if value is None else value): _wer([r for r in rows if r[key] == value])
              for value in dict.fromkeys(r[key] for r in rows)}
        for key in ("snr_db", "voice", "speed")
    }  # fmt: skip
    return {"wer_percent": _wer(rows), "wer_percent_by": by,
            "decode_ms": {"p50": round(percentile(ms, 50), 1), "p95": round(percentile(ms, 95), 1)},
            "real_time_factor": round(sum(r["seconds"] for r in rows)
                                      / sum(r["audio_seconds"] for r in rows), 3)}  # fmt: skip


def run_recording(whisper_folder: Path, minutes: float) -> dict[str, Any]:
    """A recording of ``minutes`` (held-out sentences in turn, pauses between them), written
    as AAC in an .m4a with PyAV and read by the audio connector: seconds of audio per second."""
    from pasi.ingest.audio import AudioConnector
    from pasi.models.whisper import Whisper

    tts = EspeakTTS()
    said = [tts.synthesize(text) for text in HELD_OUT]
    parts, total, index = [], 0.0, 0
    while total < minutes * 60:
        piece = said[index % len(said)]
        parts += [piece, Audio.silence(0.6 + (index % 3) * 0.7)]
        total += piece.seconds + 0.6 + (index % 3) * 0.7
        index += 1
    audio = Audio.join(parts)
    engine = Whisper(whisper_folder, language="en")
    with tempfile.TemporaryDirectory(prefix="pasi-bench-") as tmp:
        path = write_m4a(Path(tmp) / "recording.m4a", audio.samples)
        started = time.perf_counter()
        (document,) = AudioConnector(lambda: engine).read(path)
        seconds = time.perf_counter() - started
    heard = " ".join(c.text for c in document.chunks)
    reference = " ".join(HELD_OUT[i % len(HELD_OUT)] for i in range(index))
    return {"audio_minutes": round(audio.seconds / 60, 2), "seconds": round(seconds, 1),
            "faster_than_real_time": round(audio.seconds / seconds, 1),
            "passages": len(document.chunks), "wer_percent": round(
                100 * word_error_rate(reference, heard), 1)}  # fmt: skip


def write_m4a(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """Mono int16 samples as AAC in an MP4 container, with PyAV (no ffmpeg binary)."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=rate, layout="mono")
        for start in range(0, len(samples), 1024):
            frame = av.AudioFrame.from_ndarray(samples[None, start : start + 1024].astype(np.int16),
                                               format="s16", layout="mono")  # fmt: skip
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path
