"""``pasi capture`` on a real vault: opt in, pause, exclusion list, a folder run, erasure."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Invoke
from PIL import ImageFont

from pasi.bench.capture_frames import draw


def _photo(folder: Path, name: str, line: str) -> None:
    folder.mkdir(exist_ok=True)
    draw("notes", [line], ImageFont.load_default(size=28), cursor=False).save(folder / name)


def _status(pasi: Invoke) -> dict[str, object]:
    result = pasi("capture", "status", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_capture_is_off_until_started_and_stop_turns_it_off(pasi: Invoke, tmp_path: Path) -> None:
    assert _status(pasi)["on"] is False
    _photo(tmp_path / "sync", "a.png", "the boat needs new sails")
    started = pasi("capture", "start", "--folder", str(tmp_path / "sync"), "--every", "0.2",
                   "--limit", "2")  # fmt: skip
    assert started.exit_code == 0, started.output
    assert "capturing the folder" in started.stderr
    assert "1 kept" in started.stdout
    status = _status(pasi)
    assert status["on"] is True and status["running"] is False and status["captured_frames"] == 1
    assert status["every"] == 0.2
    found = pasi("recall", "new sails for the boat")
    assert "sails" in found.stdout
    assert pasi("capture", "stop").exit_code == 0
    assert _status(pasi)["on"] is False


def test_pause_resume_and_the_exclusion_list(pasi: Invoke) -> None:
    assert pasi("capture", "pause", "30m").exit_code == 0
    assert _status(pasi)["paused"] is True
    assert pasi("capture", "resume").exit_code == 0
    assert _status(pasi)["paused"] is False
    bad = pasi("capture", "pause", "soon")
    assert bad.exit_code != 0 and "not a duration" in bad.stderr
    pasi("capture", "exclude", "Signal", "Bank")
    assert {"signal", "bank", "keepass"} <= set(_status(pasi)["exclude"])  # type: ignore[arg-type]
    pasi("capture", "exclude", "--remove", "bank")
    assert "bank" not in _status(pasi)["exclude"]  # type: ignore[operator]
    assert pasi("capture", "retention", "7").exit_code == 0
    assert _status(pasi)["retention_days"] == 7


def test_erase_needs_a_range_and_removes_captures(pasi: Invoke, tmp_path: Path) -> None:
    refused = pasi("capture", "erase")
    assert refused.exit_code != 0 and "--all" in refused.stderr
    _photo(tmp_path / "sync", "a.png", "gate B12 boarding now")
    pasi("capture", "start", "--folder", str(tmp_path / "sync"), "--every", "0.2", "--limit", "1")
    assert _status(pasi)["captured_frames"] == 1
    kept = pasi("capture", "erase", "--until", "2000-01-01T00:00")
    assert "erased 0" in kept.stdout
    erased = pasi("capture", "erase", "--all")
    assert "erased 1" in erased.stdout
    assert _status(pasi)["captured_frames"] == 0
