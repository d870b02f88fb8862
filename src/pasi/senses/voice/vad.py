"""End of speech from energy: a frame is voiced when it is loud enough above the noise floor;
speech starts after a few voiced frames in a row and ends after a hangover of quiet ones.

An energy detector needs nothing installed and is enough for a close microphone or clean WAV
input; its two times (start and hangover) are what the latency benchmark and barge-in depend
on, so they are fields of the detector, not magic numbers. The noise floor is measured on the
first 200 ms (so a noisy room is not taken for speech), then follows the level: down at once,
up slowly, and very slowly while someone speaks.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    calibration_frames: int = 10
    noise_db: float = -90.0
    speaking: bool = False
    _seen: int = 0
    _run: int = 0
    _quiet: int = 0

    @property
    def hangover_seconds(self) -> float:
        return self.hangover_frames * FRAME_SECONDS

    def voiced(self, frame: np.ndarray) -> bool:
        level = frame_dbfs(frame)
        self._seen += 1
        if self._seen <= self.calibration_frames:
            self.noise_db = level if self._seen == 1 else min(self.noise_db, level)
            return False
        loud = level > max(self.noise_db + self.threshold_db, self.min_db)
        rate = 0.5 if level < self.noise_db else (0.002 if loud else 0.05)
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
