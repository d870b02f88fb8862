"""Ask about your day: ``pasi bench day``.

A day is made with the real parts (bench/day_cases.py): recordings spoken by espeak-ng, written
as WAV files dated by their file time and ingested through the audio connector with Whisper;
screens drawn with Pillow and kept by the capture loop (``Capturer``, Tesseract OCR, the same
``keep`` as ``pasi capture``) with their application, window and time; and lines typed in chat
that share words with the answers. Each question is answered as the offline chat answers it
(``pasi.agent.offline.matches``) and the first citation is checked: the recording's file, or
the screen's application and window.

Reported per split (dev: tuned on; held_out: run once) with the cues on and with the source
cues off (``source_boost`` and ``source_floor`` 0), so what the source words add is seen.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pasi.agent.offline import cited_heading, describe_source, matches
from pasi.bench import day_cases as cases
from pasi.bench.capture_frames import _font, draw
from pasi.bench.common import scratch_store
from pasi.bench.scale import machine_info
from pasi.clock import fixed_clock
from pasi.ingest.audio import AudioConnector
from pasi.ingest.registry import Connectors
from pasi.ingest.sync import Syncer
from pasi.memory.retrieval import Recalled
from pasi.memory.store import MemoryStore, Turn
from pasi.models.embedder import Embedder
from pasi.models.whisper import Whisper
from pasi.senses.capture import Capturer, keep, rules
from pasi.senses.capture.frames import Frame
from pasi.senses.voice.audio import Audio
from pasi.senses.voice.tts import EspeakTTS

MAX_BYTES = 20 * 1024 * 1024


class ListedFrames:
    """Frames given in advance, one per look: a FrameSource for drawn screens."""

    def __init__(self, frames: Sequence[Frame]) -> None:
        self.frames = list(frames)

    def grab(self) -> Frame | None:
        return self.frames.pop(0) if self.frames else None


def record(folder: Path, recording: cases.Recording, tts: EspeakTTS) -> Path:
    """The recording as a WAV file whose file time says when it ended."""
    audio = Audio.join([Audio.silence(0.5), tts.synthesize(recording.said), Audio.silence(0.5)])
    path = folder / recording.name
    path.write_bytes(audio.wav_bytes())
    ended = recording.started.timestamp() + audio.seconds
    os.utime(path, (ended, ended))
    return path


def screen_frame(screen: cases.Screen) -> Frame:
    font = _font("DejaVuSansMono.ttf", 18)
    image = draw(f"{screen.app} - {screen.window}", list(screen.lines), font, cursor=True)
    return Frame(image, screen.at, "screen", screen.app, screen.window)


def build_day(
    store: MemoryStore,
    folder: Path,
    whisper: Callable[[], Whisper],
    recordings: Sequence[cases.Recording] = cases.RECORDINGS,
    screens: Sequence[cases.Screen] = cases.SCREENS,
) -> None:
    """Ingest the recordings, capture the screens and type the decoys into ``store``."""
    tts = EspeakTTS(words_per_minute=160)
    paths = [record(folder, r, tts) for r in recordings]
    connector = AudioConnector(whisper, folder / "transcripts")
    report = Syncer(store, max_bytes=MAX_BYTES, connectors=Connectors([connector])).ingest(paths)
    if report.failed:
        raise RuntimeError(f"recordings not ingested: {report.failed}")
    state = folder / "capture"
    rules.save(state, rules.CaptureRules(on=True))
    frames = ListedFrames([screen_frame(s) for s in sorted(screens, key=lambda s: s.at)])
    capturer = Capturer(store, frames, keep.SCREEN_URI, state, clock=store.clock)
    while capturer.step() != "nothing":
        pass
    store.record_turns([Turn(text, occurred_at=at) for text, at in cases.TYPED])


def cited(result: Recalled) -> str:
    """The recording's file name or the screen's "app: window" a result is cited by."""
    heading = cited_heading(result) or ""
    if " in " in heading and heading.startswith("Screen at "):
        return heading.split(" in ", 1)[1]
    return heading.split(" at ", 1)[0]


def ask(store: MemoryStore, question: cases.Question) -> dict[str, Any]:
    found = matches(store, question.text)
    names = [cited(r) for r in found]
    return {
        "question": question.text,
        "answer": question.answer,
        "cited": names[:1],
        "citation": describe_source(found[0], cases.ZONE) if found else None,
        "right_first": bool(names) and names[0] == question.answer,
        "right_in_answer": question.answer in names,
    }


def _score(store: MemoryStore, questions: Sequence[cases.Question]) -> dict[str, Any]:
    asked = [ask(store, q) for q in questions]
    return {
        "questions": len(asked),
        "first_citation_right": sum(a["right_first"] for a in asked),
        "in_answer": sum(a["right_in_answer"] for a in asked),
        "cases": asked,
    }


def run_day(whisper_folder: Path, embedder: Embedder | None = None) -> dict[str, Any]:
    """The day built once, every split asked with the cues on and with the source boost off."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, scratch_store(embedder) as store:
        store.clock = fixed_clock(cases.ASKED)
        store.zone = lambda: cases.ZONE
        model = Whisper(whisper_folder, language="en")
        build_day(store, Path(tmp), lambda: model)
        built = time.perf_counter() - started
        results: dict[str, Any] = {}
        for name, questions in cases.SPLITS.items():
            results[name] = _score(store, questions)
        params = store.retriever.params
        store.retriever.params = replace(params, source_boost=0.0, source_floor=0.0)
        for name, questions in cases.SPLITS.items():
            without = _score(store, questions)
            results[name]["without_source_cues"] = {
                k: v for k, v in without.items() if k != "cases"
            }
        store.retriever.params = params
    return {
        "recordings": len(cases.RECORDINGS),
        "screens": len(cases.SCREENS),
        "build_seconds": round(built, 1),
        **results,
        "machine": machine_info(),
    }
