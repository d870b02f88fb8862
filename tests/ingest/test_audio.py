"""Recordings as sources: real espeak-ng speech in WAV and AAC (.m4a written with PyAV),
transcribed by real Whisper base, stored as timed episodes, resumable when stopped."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pasi.bench.speech import word_error_rate, write_m4a
from pasi.ingest.audio import AudioConnector, clock_text, decode
from pasi.ingest.registry import Connectors, default_connectors
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.models.whisper import Whisper
from senses.speech import conversation, spoken, wav

FIRST = "remind me to call Jonas about the boat repair tomorrow morning"
SECOND = "the quarterly budget meeting moved to Thursday afternoon"
MAX_BYTES = 20 * 1024 * 1024


def _syncer(store: MemoryStore, connector: AudioConnector) -> Syncer:
    connectors = default_connectors(max_bytes=MAX_BYTES)
    return Syncer(store, max_bytes=MAX_BYTES, connectors=Connectors([connector, *connectors.items]))


def _memo(folder: Path) -> Path:
    """Two passages with a long pause between them, recorded (file time) on 2024-03-09."""
    path = wav(folder / "memo.wav", conversation(0.5, FIRST, 3.0, SECOND, 0.5))
    ended = datetime(2024, 3, 9, 18, 0, tzinfo=UTC).timestamp()
    os.utime(path, (ended, ended))
    return path


def test_a_wav_memo_becomes_timed_passages_cited_by_file_and_time(
    lexical_store: MemoryStore, whisper: Whisper, data: Path, tmp_path: Path
) -> None:
    path = _memo(data)
    report = _syncer(lexical_store, AudioConnector(lambda: whisper, tmp_path / "t")).ingest([path])
    assert report.added == [str(path.resolve())], report.failed
    turns = sorted(lexical_store.recent_turns(10, f"file:{path.resolve()}"), key=lambda t: t.id)
    assert len(turns) == 2  # split at the three-second pause
    first, second = turns
    assert first.text.startswith("memo.wav at 0:00\n")
    assert word_error_rate(FIRST, first.text.partition("\n")[2]) <= 0.15
    said_at = 0.5 + spoken(FIRST).seconds + 3.0  # where the second passage was said
    offset = second.external_id.partition("#")[0]  # the locator: the time within the file
    assert second.text.startswith(f"memo.wav at {offset}\n")
    assert offset in (clock_text(said_at - 0.4), clock_text(said_at))
    assert word_error_rate(SECOND, second.text.partition("\n")[2]) <= 0.15
    seconds = decode(path).seconds
    started = datetime(2024, 3, 9, 18, 0, tzinfo=UTC) - timedelta(seconds=seconds)
    assert abs((first.occurred_at - started).total_seconds()) < 1.0
    between = (second.occurred_at - first.occurred_at).total_seconds()
    assert abs(between - (said_at - 0.5)) < 0.5
    assert [r.id for r in lexical_store.recall("boat repair", k=1)] == [first.id]
    again = _syncer(lexical_store, AudioConnector(lambda: whisper)).sync()
    assert again.skipped == [str(path.resolve())]  # unchanged bytes are not transcribed again


def test_an_m4a_recording_takes_its_start_from_the_container(whisper: Whisper, data: Path) -> None:
    import av

    path = write_m4a(data / "call.m4a", conversation(0.4, SECOND, 0.4).samples)
    tagged = data / "tagged.m4a"
    with av.open(str(path)) as source, av.open(str(tagged), "w") as out:
        out.metadata["creation_time"] = "2024-02-01T09:30:00.000000Z"
        stream = out.add_stream_from_template(source.streams.audio[0])
        for packet in source.demux(source.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    (document,) = AudioConnector(lambda: whisper).read(tagged)
    (chunk,) = document.chunks
    started = datetime(2024, 2, 1, 9, 30, tzinfo=UTC)
    assert chunk.at is not None and abs((chunk.at - started).total_seconds() - 0.4) < 0.3
    assert word_error_rate(SECOND, chunk.text) <= 0.15
    (item,) = document.items
    assert item.kind == "recording" and item.fields["started_from"] == "metadata"
    assert item.at == started
    assert document.trust == "external"


def test_a_stopped_transcription_continues_where_it_stopped(
    whisper: Whisper, data: Path, tmp_path: Path
) -> None:
    path = _memo(data)
    heard: list[float] = []

    def stop_after_first(name: str, done: float, total: float) -> None:
        heard.append(done)
        if len(heard) == 1:
            raise KeyboardInterrupt  # Ctrl-C

    connector = AudioConnector(lambda: whisper, tmp_path / "t", stop_after_first, 6.0)
    with pytest.raises(KeyboardInterrupt):
        list(connector.read(path))
    (partial,) = (tmp_path / "t").iterdir()
    assert FIRST.split()[-1] in partial.read_text().lower()  # the first window's words were kept
    (document,) = connector.read(path)
    assert heard[0] not in heard[1:] and heard[1] > heard[0]  # the first window was not redone
    text = " ".join(c.text for c in document.chunks)
    assert word_error_rate(f"{FIRST} {SECOND}", text) <= 0.15, text
    assert not partial.exists()  # a complete transcript leaves nothing behind


def test_a_file_that_is_not_audio_is_refused_by_name(whisper: Whisper, data: Path) -> None:
    from pasi.ingest.document import IngestError

    bad = data / "broken.mp3"
    bad.write_bytes(b"not audio at all" * 100)
    with pytest.raises(IngestError, match=r"broken\.mp3"):
        list(AudioConnector(lambda: whisper).read(bad))


def test_times_within_a_recording_read_as_people_write_them() -> None:
    assert [clock_text(s) for s in (0, 61.9, 751, 3723)] == ["0:00", "1:01", "12:31", "1:02:03"]


def test_a_recording_in_another_language_is_written_down_in_that_language(
    whisper_base: Path, data: Path
) -> None:
    """Recordings are read with the language detected once per file (loader's default)."""
    from pasi.senses.voice.audio import Audio
    from pasi.senses.voice.tts import EspeakTTS

    german = EspeakTTS(voice="de", words_per_minute=150)
    said = "Morgen früh muss ich den Klempner anrufen, die Küche ist wieder undicht."
    audio = Audio.join([Audio.silence(0.5), german.synthesize(said), Audio.silence(2.5),
                        german.synthesize("Ja."), Audio.silence(0.5)])  # fmt: skip
    detecting = Whisper(whisper_base, language="auto")
    (document,) = AudioConnector(lambda: detecting).read(wav(data / "notiz.wav", audio))
    first, second = (c.text for c in document.chunks)
    assert word_error_rate(said, first) <= 0.3 and "Küche" in first
    assert second == "Ja."  # alone, a short word would be easy to take for another language
