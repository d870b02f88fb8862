"""``pasi voice`` headless: a WAV in, what pasi said out (aligned), and the timeline as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import Invoke

from pasi.senses.voice import read_wav
from senses.speech import conversation, wav


def test_voice_on_a_wav_file_answers_aloud_and_writes_the_timeline(
    pasi: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASI_MODEL", "none")  # the offline agent answers from memory
    assert pasi("remember", "My sister Ana lives in Porto").exit_code == 0
    said = wav(tmp_path / "in.wav", conversation(0.3, "what do you remember about my sister", 0.5))
    out, timeline = tmp_path / "out.wav", tmp_path / "timeline.json"
    result = pasi("voice", "--input", str(said), "--output", str(out),
                  "--timeline", str(timeline))  # fmt: skip
    assert result.exit_code == 0, result.output
    events = json.loads(timeline.read_text())
    transcript = next(e for e in events if e["kind"] == "transcript")
    assert transcript["text"] == "what do you remember about my sister"
    assert [e["kind"] for e in events][-2:] == ["playback_start", "playback_end"]
    assert any("Porto" in e["text"] for e in events if e["kind"] == "say")
    assert read_wav(out).seconds > read_wav(said).seconds  # the reply played after the input
    assert "speech start" in result.stderr


def test_push_to_talk_with_a_file_is_refused(pasi: Invoke, tmp_path: Path) -> None:
    said = wav(tmp_path / "in.wav", conversation(0.3))
    result = pasi("voice", "--input", str(said), "--push-to-talk")
    assert result.exit_code == 2 and "--push-to-talk works with the microphone" in result.stderr
