"""Recordings: voice memos, meetings and calls become their transcript, timed and citable.

The file is decoded with PyAV (FFmpeg's libraries inside the ``av`` wheel: WAV, MP3, M4A/AAC,
Ogg/Opus, FLAC; no ``ffmpeg`` binary) to 16 kHz mono, transcribed by Whisper on this machine
(pasi.models.whisper) in windows of :data:`WINDOW_SECONDS` cut at the quietest moment near
each boundary, and split into episodes at the speaker's pauses (Whisper's segments, which end
at 1 s pauses, grouped until a pause of :data:`PAUSE_SECONDS` or :data:`CHUNK_CHARS`
characters). Each episode starts
with ``memo.m4a at 12:31`` (that is how answers cite it), its locator is the time within the
file, and its time is the file's start time plus that offset.

The start time is the container's ``creation_time`` tag when there is one; otherwise the file's
modification time minus its duration (a recorder writes the file until it stops), and the
``recording`` item says which (``started_from``).

Long files: a progress callback hears each window; the segments transcribed so far are appended
to ``SHA256.jsonl`` in the transcripts folder (in the vault), so an ingest that is stopped
(Ctrl-C) continues where it stopped when run again, and the partial file is deleted when the
transcript is complete. Others speak in recordings, so they are stored with trust 'external'.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from pasi.errors import PasiError
from pasi.ingest.document import Chunk, Document, IngestError, Item, file_uri, sha256_file
from pasi.models.whisper import Segment, Whisper

AUDIO_SUFFIXES = {".wav", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac"}
RATE = 16_000
WINDOW_SECONDS = 300.0  # transcribed at a time: bounded memory, progress and resume points
SEARCH_SECONDS = 10.0  # a window ends at the quietest 0.2 s within this much before its end
PAUSE_SECONDS = 2.0  # a quiet gap this long between segments starts a new episode
CHUNK_CHARS = 600
AudioProgress = Callable[[str, float, float], None]  # (file name, seconds done, seconds in all)


@dataclass(frozen=True)
class Recording:
    """A decoded file: its samples (16 kHz mono int16), start time and how it was known."""

    samples: np.ndarray
    started: datetime
    started_from: str  # "metadata" or "file time"

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


def clock_text(seconds: float) -> str:
    """``12:31`` or ``1:02:03``: a time within a recording as people write it."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def decode(path: Path) -> Recording:
    """The file's audio as 16 kHz mono int16, with its start time."""
    import av

    parts: list[np.ndarray] = []
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise IngestError(f"{path}: holds no audio stream")
            tags = {**container.metadata, **container.streams.audio[0].metadata}
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(audio=0):
                parts += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
            parts += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    except av.FFmpegError as error:
        raise IngestError(f"{path}: not audio pasi can read ({error})") from None
    samples = np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, np.int16)
    started, started_from = _start_time(path, tags, len(samples) / RATE)
    return Recording(samples, started, started_from)


def _start_time(path: Path, tags: dict[str, str], seconds: float) -> tuple[datetime, str]:
    for key in ("creation_time", "date"):
        text = tags.get(key, "").strip()
        try:
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            continue
        if at.year > 1970:  # some recorders write 1970 or 1904 epochs for "unknown"
            return (at if at.tzinfo else at.astimezone()), "metadata"
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return modified - timedelta(seconds=seconds), "file time"


def windows(samples: np.ndarray, seconds: float = WINDOW_SECONDS) -> list[tuple[int, int]]:
    """(start, end) sample ranges of about ``seconds`` each, cut where it is quietest."""
    size, block = int(seconds * RATE), RATE // 5
    search = min(int(SEARCH_SECONDS * RATE), size // 2)
    out, start = [], 0
    while len(samples) - start > size:
        low = start + size - search
        region = samples[low : start + size].astype(np.float32)
        energy = np.square(region[: len(region) // block * block]).reshape(-1, block).sum(axis=1)
        cut = low + int(np.argmin(energy)) * block + block // 2
        out.append((start, cut))
        start = cut
    if start < len(samples):
        out.append((start, len(samples)))
    return out


def group(segments: list[Segment]) -> list[list[Segment]]:
    """Segments joined into passages, split at pauses and at :data:`CHUNK_CHARS`."""
    passages: list[list[Segment]] = []
    for segment in segments:
        last = passages[-1] if passages else None
        if (last and segment.start - last[-1].end < PAUSE_SECONDS
                and sum(len(s.text) + 1 for s in last) + len(segment.text) <= CHUNK_CHARS):  # fmt: skip
            last.append(segment)
        else:
            passages.append([segment])
    return passages


class _Partial:
    """The segments of one file transcribed so far, one JSON line each, keyed by content."""

    def __init__(self, folder: Path | None, digest: str) -> None:
        self.path = folder / f"{digest}.jsonl" if folder else None

    def load(self) -> list[Segment]:
        if self.path is None or not self.path.is_file():
            return []
        found = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                found.append(Segment(float(row["start"]), float(row["end"]), str(row["text"])))
            except (ValueError, KeyError, TypeError):
                break  # a line cut short by a stop: what came before it stands
        return found

    def add(self, segments: list[Segment], done: float) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            for s in segments:
                out.write(json.dumps({"start": s.start, "end": s.end, "text": s.text}) + "\n")
            out.write(json.dumps({"start": done, "end": done, "text": ""}) + "\n")  # a mark

    def drop(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class AudioConnector:
    """Reads recordings through Whisper; ``transcriber`` loads it when the first file comes."""

    name = "audio"

    def __init__(
        self,
        transcriber: Callable[[], Whisper] | None,
        transcripts: Path | None = None,
        progress: AudioProgress | None = None,
        window_seconds: float = WINDOW_SECONDS,
    ) -> None:
        self.transcriber = transcriber
        self.transcripts = transcripts
        self.progress = progress
        self.window_seconds = window_seconds

    def matches(self, path: Path) -> bool:
        return path.suffix.lower() in AUDIO_SUFFIXES

    def read(self, path: Path) -> Iterator[Document]:
        recording = decode(path)
        engine = self._engine(path)
        partial = _Partial(self.transcripts, sha256_file(path))
        segments = self._transcribe(engine, path, recording, partial)
        yield _document(path, recording, segments, engine.name)
        partial.drop()

    def _engine(self, path: Path) -> Whisper:
        if self.transcriber is None:
            raise IngestError(f"{path}: recordings need Whisper, and none is configured")
        try:
            return self.transcriber()
        except PasiError as error:
            raise IngestError(f"{path}: {error}") from None

    def _transcribe(
        self, engine: Whisper, path: Path, recording: Recording, partial: _Partial
    ) -> list[Segment]:
        earlier = partial.load()
        done = max((s.end for s in earlier), default=0.0)
        segments = [s for s in earlier if s.text]
        for start, end in windows(recording.samples, self.window_seconds):
            if end / RATE <= done:
                continue
            begin = max(start, int(done * RATE))
            found = list(engine.segments(recording.samples[begin:end], offset=begin / RATE))
            segments += found
            partial.add(found, end / RATE)
            if self.progress:
                self.progress(path.name, end / RATE, recording.seconds)
        return segments


def _document(path: Path, recording: Recording, segments: list[Segment], engine: str) -> Document:
    chunks = []
    for passage in group(segments):
        offset = passage[0].start
        text = " ".join(s.text for s in passage)
        chunks.append(Chunk(text, clock_text(offset), heading=f"{path.name} at {clock_text(offset)}",
                            at=recording.started + timedelta(seconds=offset),
                            session=path.name))  # fmt: skip
    fields: dict[str, Any] = {
        "file": path.name, "seconds": round(recording.seconds, 2),
        "started_at": recording.started.isoformat(), "started_from": recording.started_from,
        "transcribed_by": engine, "passages": len(chunks),
    }  # fmt: skip
    item = Item("recording", path.name, recording.started, fields)
    ended = recording.started + timedelta(seconds=recording.seconds)
    return Document(uri=file_uri(path), title=path.name, kind="audio", chunks=chunks,
                    items=[item], modified=ended, trust="external")  # fmt: skip
