"""The energy detector: a short pause stays inside an utterance; a hangover of quiet ends it."""

from __future__ import annotations

import numpy as np

from pasi.senses.voice.audio import FRAME_SECONDS, RATE, Audio
from pasi.senses.voice.vad import EnergyVAD


def tone(seconds: float, level: float = 3000.0) -> Audio:
    t = np.arange(round(seconds * RATE)) / RATE
    return Audio((level * np.sin(2 * np.pi * 220 * t)).astype(np.int16))


def changes(audio: Audio, vad: EnergyVAD) -> list[tuple[str, float]]:
    found = []
    for index, frame in enumerate(audio.frames()):
        change = vad.update(frame)
        if change:
            found.append((change, round((index + 1) * FRAME_SECONDS, 2)))
    return found


def test_a_pause_shorter_than_the_hangover_does_not_split_the_utterance() -> None:
    vad = EnergyVAD()
    audio = Audio.join([Audio.silence(0.5), tone(1.0), Audio.silence(0.1), tone(0.5),
                        Audio.silence(1.0)])  # fmt: skip
    assert changes(audio, vad) == [
        ("start", 0.5 + vad.start_frames * FRAME_SECONDS),
        ("end", 2.1 + vad.hangover_seconds),
    ]


def test_quiet_background_noise_is_not_speech() -> None:
    noise = Audio((np.random.default_rng(1).normal(0, 60, RATE * 2)).astype(np.int16))
    assert changes(noise, EnergyVAD()) == []


def test_a_noisy_room_is_measured_first_and_not_taken_for_speech() -> None:
    rng = np.random.default_rng(2)
    room = Audio((rng.normal(0, 250, RATE * 3)).astype(np.int16))  # about -42 dBFS
    vad = EnergyVAD()
    assert changes(room, vad) == []
    assert changes(Audio.join([tone(0.5, level=8000), Audio.silence(0.5)]), vad)[0][0] == "start"
