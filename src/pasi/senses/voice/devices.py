"""Where the voice loop's audio comes from and goes to: WAV files and raw PCM for headless
use, the microphone and speaker through ``sounddevice`` when it (and PortAudio) is present.

Raw PCM is what ``arecord -f S16_LE -r 16000 -c 1`` writes and ``aplay`` with the same
options plays: mono 16-bit little-endian at 16 kHz, no header.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from pasi.errors import ConfigError
from pasi.senses.voice.audio import FRAME, RATE, Audio, read_wav


def wav_frames(path: Path) -> Iterator[np.ndarray]:
    yield from read_wav(path).frames()


def pcm_frames(stream: BinaryIO) -> Iterator[np.ndarray]:
    """20 ms frames from raw s16le 16 kHz mono bytes, until the end of the stream."""
    size = FRAME * 2
    while True:
        data = stream.read(size)
        if not data:
            return
        if len(data) < size:
            data += bytes(size - len(data))
        yield np.frombuffer(data[: size - size % 2], dtype="<i2").astype(np.int16)


class WavSink:
    """Everything pasi played, frame-aligned with the input, written as a WAV at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.frames: list[np.ndarray] = []

    def write(self, frame: np.ndarray) -> None:
        self.frames.append(frame)

    def close(self) -> None:
        samples = np.concatenate(self.frames) if self.frames else np.zeros(0, np.int16)
        self.path.write_bytes(Audio(samples).wav_bytes())


class PcmSink:
    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def write(self, frame: np.ndarray) -> None:
        self.stream.write(frame.astype("<i2").tobytes())
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


class NullSink:
    def write(self, frame: np.ndarray) -> None:
        return

    def close(self) -> None:
        return


def _sounddevice() -> Any:
    try:
        import sounddevice
    except (ImportError, OSError) as error:
        raise ConfigError(
            f"the microphone and speaker need sounddevice with PortAudio ({error}): install "
            "the Debian package libportaudio2, or use --input/--output with WAV files or raw PCM"
        ) from None
    return sounddevice


class Microphone:
    """Microphone frames in, speaker frames out, both at 16 kHz in 20 ms blocks: the output
    buffer holds at most one block, so a barge-in silences the speaker within a frame."""

    def __init__(self) -> None:
        sd = _sounddevice()
        self._input = sd.RawInputStream(samplerate=RATE, channels=1, dtype="int16",
                                        blocksize=FRAME)  # fmt: skip
        self._output = sd.RawOutputStream(samplerate=RATE, channels=1, dtype="int16",
                                          blocksize=FRAME)  # fmt: skip

    def frames(self) -> Iterator[np.ndarray]:
        self._input.start()
        self._output.start()
        try:
            while True:
                data, _ = self._input.read(FRAME)
                yield np.frombuffer(bytes(data), dtype=np.int16)
        finally:
            self.close()

    def write(self, frame: np.ndarray) -> None:
        self._output.write(frame.astype(np.int16).tobytes())

    def close(self) -> None:
        for stream in (self._input, self._output):
            if not stream.closed:
                stream.stop()
                stream.close()


class EnterToTalk:
    """Push-to-talk on a terminal: Enter starts talking, Enter again ends the utterance."""

    def __init__(self) -> None:
        self.pressed = False
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        for _ in sys.stdin:
            self.pressed = not self.pressed
            sys.stderr.write("[listening]\n" if self.pressed else "[thinking]\n")

    def __call__(self) -> bool:
        return self.pressed
