"""Audio inside pasi's voice loop: mono 16-bit PCM at 16 kHz, in 20 ms frames.

Everything is converted to this one format at the edge (WAV files, espeak-ng's 22,050 Hz
output, a TTS server's WAV), so the loop, the detector and the recognisers never check rates.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pasi.errors import InputError

RATE = 16_000
FRAME = 320  # samples in 20 ms
FRAME_SECONDS = FRAME / RATE


@dataclass(frozen=True)
class Audio:
    """Mono int16 samples at :data:`RATE`."""

    samples: np.ndarray

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE

    def frames(self) -> list[np.ndarray]:
        """Whole 20 ms frames; a last partial frame is padded with silence."""
        padded = pad_to_frames(self.samples)
        return [padded[i : i + FRAME] for i in range(0, len(padded), FRAME)]

    def wav_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(self.samples.astype("<i2").tobytes())
        return buffer.getvalue()

    @staticmethod
    def silence(seconds: float) -> Audio:
        return Audio(np.zeros(round(seconds * RATE), dtype=np.int16))

    @staticmethod
    def join(parts: list[Audio]) -> Audio:
        if not parts:
            return Audio(np.zeros(0, dtype=np.int16))
        return Audio(np.concatenate([p.samples for p in parts]).astype(np.int16))


def pad_to_frames(samples: np.ndarray) -> np.ndarray:
    extra = (-len(samples)) % FRAME
    if not extra:
        return samples
    return np.concatenate([samples, np.zeros(extra, dtype=np.int16)])


def from_wav_bytes(data: bytes, name: str = "audio") -> Audio:
    """A WAV file's audio as mono 16 kHz; stereo is mixed down, other rates resampled.

    espeak-ng writes a streaming header whose length field is 0x7fffffff; ``wave`` reads what
    is there, so that works too.
    """
    try:
        with wave.open(io.BytesIO(data)) as source:
            channels, width, rate = (source.getnchannels(), source.getsampwidth(),
                                     source.getframerate())  # fmt: skip
            raw = source.readframes(source.getnframes())
    except (wave.Error, EOFError) as error:
        raise InputError(f"{name}: not a WAV file pasi can read ({error})") from None
    if width != 2:
        raise InputError(f"{name}: {8 * width}-bit WAV; pasi reads 16-bit PCM WAV files")
    samples = np.frombuffer(raw[: len(raw) - len(raw) % (2 * channels)], dtype="<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return Audio(resample(samples.astype(np.float32), rate, RATE))


def read_wav(path: Path) -> Audio:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    return from_wav_bytes(data, str(path))


def resample(samples: np.ndarray, source: int, target: int) -> np.ndarray:
    """Windowed-sinc low-pass (when lowering the rate) and linear interpolation: plenty for
    speech recognition and playback, and no SciPy."""
    x = np.asarray(samples, dtype=np.float32)
    if source != target and len(x):
        if target < source:
            cutoff = 0.475 * target / source
            taps = np.arange(-32, 33)
            kernel = np.sinc(2 * cutoff * taps) * np.hamming(len(taps))
            x = np.convolve(x, kernel / kernel.sum(), mode="same")
        count = int(len(x) * target / source)
        x = np.interp(np.arange(count) * source / target, np.arange(len(x)), x)
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)
