"""End of speech from energy: a frame is voiced when it is loud enough above the noise floor;
speech starts after a few voiced frames in a row and ends after a hangover of quiet ones.

webrtcvad does not install as a wheel here; an energy detector is enough for a close
microphone or clean WAV input, and its two times (start and hangover) are what the latency
benchmark and barge-in depend on, so they are settings of the detector, not magic numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pasi.senses.voice.audio import FRAME_SECONDS

START_FRAMES = 3  # 60 ms of voice before "speech started" (barge-in needs it quick)
HANGOVER_FRAMES = 12  # 240 ms of quiet ends an utterance (espeak's word gaps are shorter)


def frame_dbfs(frame: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(frame.astype(np.float64))))) if len(frame) else 0.0
    return 20 * np.log10(max(rms, 1.0) / 32768)


@dataclass
class EnergyVAD:
    """Feed 20 ms frames; :meth:`update` says 'start', 'end' or None for each."""

    threshold_db: float = 12.0  # above the noise floor
    min_db: float = -50.0  # never call anything quieter than this speech
    start_frames: int = START_FRAMES
    hangover_frames: int = HANGOVER_FRAMES
    noise_db: float = -70.0
    speaking: bool = False
    _run: int = 0
    _quiet: int = 0
    _levels: list[float] = field(default_factory=list)

    @property
    def hangover_seconds(self) -> float:
        return self.hangover_frames * FRAME_SECONDS

    def voiced(self, frame: np.ndarray) -> bool:
        level = frame_dbfs(frame)
        loud = level > max(self.noise_db + self.threshold_db, self.min_db)
        if not loud:  # track the floor slowly upwards and quickly downwards
            rate = 0.05 if level > self.noise_db else 0.5
            self.noise_db += rate * (level - self.noise_db)
        return loud

    def update(self, frame: np.ndarray) -> str | None:
        loud = self.voiced(frame)
        if not self.speaking:
            self._run = self._run + 1 if loud else 0
            if self._run >= self.start_frames:
                self.speaking, self._quiet = True, 0
                return "start"
            return None
        self._quiet = 0 if loud else self._quiet + 1
        if self._quiet >= self.hangover_frames:
            self.speaking, self._run = False, 0
            return "end"
        return None

    def reset(self) -> None:
        self.speaking, self._run, self._quiet = False, 0, 0
