"""A recording stored in a user's vault as `pasi ingest` stores one (timed passages cited
"memo.wav at 0:07"), from a real WAV file, without running Whisper: what is tested here is
what the server does with a recording source, not transcription (tests/ingest/test_audio.py)."""

from __future__ import annotations

import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pasi.app import Pasi
from pasi.ingest.audio import clock_text
from pasi.ingest.document import Chunk, Document, Item, file_uri, sha256_file
from pasi.ingest.people import People
from pasi.ingest.writer import write_documents

RATE = 16_000


def tone_wav(path: Path, seconds: float) -> Path:
    """A WAV file of ``seconds`` of a quiet rising tone (distinct bytes all through)."""
    frames = bytearray()
    for n in range(int(seconds * RATE)):
        sample = ((n * 37) % 2000) - 1000
        frames += sample.to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


def store_recording(
    pasi: Pasi, path: Path, passages: list[tuple[float, str]], started: datetime
) -> None:
    """Store ``path`` with one passage per (offset in seconds, text), as the audio connector."""
    chunks = [
        Chunk(text, clock_text(offset), heading=f"{path.name} at {clock_text(offset)}",
              at=started + timedelta(seconds=offset), session=path.name)
        for offset, text in passages
    ]  # fmt: skip
    item = Item("recording", path.name, started, {"file": path.name})
    document = Document(uri=file_uri(path), title=path.name, kind="audio", chunks=chunks,
                        items=[item], modified=started, trust="external")  # fmt: skip
    write_documents(pasi.memory, People(), path, sha256_file(path), [document])


MARCH = datetime(2024, 3, 9, 17, 0, tzinfo=UTC)
