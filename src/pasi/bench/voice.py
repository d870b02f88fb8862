"""Voice latency outside the model, in real time: ``pasi bench voice``.

A conversation synthesised with espeak-ng is played into the voice loop at real-time pace,
20 ms frame by 20 ms frame, as a microphone would deliver it, with the loop configured as
``pasi voice`` runs on a microphone (threaded replies). Recognition is Whisper base (when a
model folder is given: ``auto`` with the model pulled) or pocketsphinx with the command
grammar, decoded when the utterance ends; the reply comes from the assistant turn with a scripted model that answers
instantly (a long reply, so that the next utterance interrupts it), speech is espeak-ng.

* ``latency``: from the end of the user's speech (the wall time the frame holding its last
  voiced sound was delivered) to the first synthesised audio of the reply. It includes the
  detector's hangover, the end of recognition, the turn outside the model and the first
  sentence's synthesis.
* ``barge_in_stop``: from the start of the interrupting speech (the frame where the voice
  begins) to playback being stopped. A sound card would still play the one 20 ms block it
  holds (devices.py), which is not included.

With ``accuracy`` and ``recording``, it also measures word error rate and decode time on
held-out speech (bench/speech.py) and how fast a long recording is transcribed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from pasi.agent.assistant import Assistant
from pasi.agent.events import TextDelta
from pasi.bench.common import percentile, scratch_store
from pasi.bench.scale import machine_info
from pasi.bench.speech import run_accuracy, run_recording, words
from pasi.clock import fixed_clock
from pasi.memory.store import MemoryStore
from pasi.models.chat import ScriptedModel
from pasi.senses.voice.audio import FRAME_SECONDS, Audio
from pasi.senses.voice.loop import VoiceEvent, VoiceLoop
from pasi.senses.voice.stt import PocketSphinxSTT, SpeechToText, WhisperSTT
from pasi.senses.voice.tts import EspeakTTS

UTTERANCES = ("remind me to call dad tonight", "what's on today",
              "what do you remember about my sister", "remind me to buy milk")  # fmt: skip
REPLY = (
    "All right. I have noted that, and I will bring it up again at the right moment. "
    "Your day has two appointments and one reminder, and nothing else is due before the evening."
)
GAP = 1.2  # seconds between utterances: each next one interrupts the reply being spoken


def _conversation(count: int, tts: EspeakTTS) -> Audio:
    said = {text: tts.synthesize(text) for text in UTTERANCES}
    parts = [Audio.silence(0.5)]
    for index in range(count):
        parts += [said[UTTERANCES[index % len(UTTERANCES)]], Audio.silence(GAP)]
    return Audio.join([*parts, Audio.silence(3.0)])


def _paced(frames: list[np.ndarray], delivered: list[float]) -> Iterator[np.ndarray]:
    """Frames at the pace a microphone delivers them; ``delivered`` keeps each one's time."""
    start = time.perf_counter()
    for index, frame in enumerate(frames):
        delay = start + (index + 1) * FRAME_SECONDS - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        delivered.append(time.perf_counter())
        yield frame


def _responder(store: MemoryStore) -> Callable[[str], Iterator[str]]:
    assistant = Assistant(store, ScriptedModel(lambda _: REPLY), clock=store.clock)

    def respond(text: str) -> Iterator[str]:
        for event in assistant.turn(text):
            if isinstance(event, TextDelta):
                yield event.text

    return respond


class _Discard:
    def write(self, frame: np.ndarray) -> None:
        return


def _measure(events: list[VoiceEvent], delivered: list[float]) -> dict[str, list[float]]:
    """Audio-clock times mapped to the wall clock of an ideal microphone: the input's time t
    happened at ``start + t``, whether or not the loop was keeping up then."""
    start = delivered[0] - FRAME_SECONDS  # frame 0 is delivered when its 20 ms are recorded
    latency, stops, missed, silent = [], [], 0, 0
    for index, event in enumerate(events):
        if event.kind == "speech_end":
            first = next((e for e in events[index:] if e.kind in ("first_audio", "speech_start")),
                         None)  # fmt: skip
            if first is not None and first.kind == "first_audio":
                latency.append(first.wall - (start + event.at))
            else:
                missed += 1
        if event.kind == "barge_in":
            onset = max(e.at for e in events[:index] if e.kind == "speech_start")
            # A barge-in before the reply's first audio stops nothing (the reply is dropped
            # unspoken): the next playback_stopped belongs to a later barge-in, not this one.
            until = next((i for i in range(index, len(events))
                          if events[i].kind == "speech_start" and events[i].at > onset),
                         len(events))  # fmt: skip
            stopped = next((e for e in events[index:until] if e.kind == "playback_stopped"), None)
            if stopped is not None:
                stops.append(stopped.wall - (start + onset))
            else:
                silent += 1
    return {"latency": latency, "barge_in_stop": stops, "missed": [float(missed)],
            "silent": [float(silent)]}  # fmt: skip


def _summary(values: list[float]) -> dict[str, Any]:
    ms = [v * 1000 for v in values]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1), "max_ms": round(max(ms, default=0.0), 1)}  # fmt: skip


def _recogniser(whisper_folder: Path | None) -> SpeechToText:
    if whisper_folder is None:
        return PocketSphinxSTT()
    from pasi.models.whisper import Whisper

    return WhisperSTT(Whisper(whisper_folder, language="en"))


def run_voice(
    utterances: int = 20,
    *,
    whisper_folder: Path | None = None,
    accuracy: int = 0,
    full_window: bool = False,
    recording_minutes: float = 0.0,
) -> dict[str, Any]:
    """Latency and barge-in; with ``accuracy`` (sentences, 0 = skip) WER on held-out speech;
    with ``recording_minutes`` a recording's transcription speed."""
    tts = EspeakTTS()
    stt = _recogniser(whisper_folder)
    frames = _conversation(utterances, tts).frames()
    delivered: list[float] = []
    with scratch_store(None) as store:
        store.clock = fixed_clock(datetime(2026, 6, 1, 9, tzinfo=UTC))
        loop = VoiceLoop(stt, tts, _responder(store), threaded=True)
        events = loop.run(_paced(frames, delivered), _Discard())
    measured = _measure(events, delivered)
    heard = [words(e.text) for e in events if e.kind == "transcript"]
    result: dict[str, Any] = {
        "utterances": utterances,
        "latency_end_of_speech_to_first_audio": _summary(measured["latency"]),
        "barge_in_stop": _summary(measured["barge_in_stop"]),
        "hangover_ms": round(loop.vad.hangover_seconds * 1000),
        "replies_without_audio": int(measured["missed"][0]),
        "barge_ins_before_audio": int(measured["silent"][0]),
        "transcripts_matching": sum(h in [words(u) for u in UTTERANCES] for h in heard),
        "stt": stt.name,
        "tts": tts.name,
    }
    if accuracy:
        result["accuracy"] = run_accuracy(whisper_folder, accuracy, full_window=full_window)
    if recording_minutes and whisper_folder is not None:
        result["recording"] = run_recording(whisper_folder, recording_minutes)
    return {**result, "machine": machine_info()}
