""" "What I see" from a watched folder: real PNGs drawn with Pillow, real Tesseract, real vault."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import ImageFont

from pasi.bench.capture_frames import day, draw
from pasi.memory.store import MemoryStore
from pasi.senses.capture import Capturer, FolderFrames, keep, rules
from pasi.senses.capture.similar import Novelty


def _screen(path: Path, lines: list[str], *, at: datetime | None = None) -> Path:
    font = ImageFont.load_default(size=28)
    draw("notes", lines, font, cursor=False).save(path)
    if at is not None:
        os.utime(path, (at.timestamp(), at.timestamp()))
    return path


def _capturer(store: MemoryStore, folder: Path, state: Path, **kw: object) -> Capturer:
    return Capturer(store, FolderFrames(folder), keep.folder_uri(folder), state, **kw)  # type: ignore[arg-type]


def _turn_on(state: Path, **changes: object) -> None:
    current = rules.CaptureRules(on=True)
    for name, value in changes.items():
        setattr(current, name, value)
    rules.save(state, current)


def _captured(store: MemoryStore) -> list[str]:
    rows = store.vault.read().execute(
        "SELECT e.text FROM episodes e JOIN sources s ON s.id = e.source_id"
        " WHERE s.kind = 'capture' ORDER BY e.occurred_at"
    )
    return [r[0] for r in rows]


def test_new_photos_become_searchable_text_kept_local(store: MemoryStore, tmp_path: Path) -> None:
    folder, state = tmp_path / "glasses", tmp_path / "state"
    folder.mkdir()
    _screen(folder / "a.png", ["The ferry to Hvar leaves at seven"])
    _turn_on(state)
    capturer = _capturer(store, folder, state)
    assert capturer.step() == "kept"
    assert capturer.step() == "nothing"
    (text,) = _captured(store)
    assert text.startswith("Photo a.png at ")
    assert "ferry to Hvar leaves at seven" in text
    hits = store.recall("when does the ferry to Hvar leave", k=3)
    assert "Hvar" in hits[0].text
    source = store.vault.read().execute("SELECT kind, trust, remote_ok FROM sources "
                                        "WHERE kind = 'capture'").fetchone()  # fmt: skip
    assert tuple(source) == ("capture", "external", 0)


def test_nothing_is_captured_while_off_or_paused(store: MemoryStore, tmp_path: Path) -> None:
    folder, state = tmp_path / "photos", tmp_path / "state"
    folder.mkdir()
    _screen(folder / "a.png", ["Quarterly budget draft"])
    capturer = _capturer(store, folder, state)
    assert capturer.step() == "off"  # never turned on: off by default
    until = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
    _turn_on(state, paused_until=until)
    assert capturer.step() == "paused"
    assert _captured(store) == []
    _turn_on(state)
    assert capturer.step() == "kept"


def test_excluded_windows_are_dropped_unread(store: MemoryStore, tmp_path: Path) -> None:
    folder, state = tmp_path / "photos", tmp_path / "state"
    folder.mkdir()
    _screen(folder / "keepassxc-vault.png", ["master entry for the bank"])
    _screen(folder / "banking-app.png", ["balance overview"])
    _turn_on(state, exclude=["keepass", "banking"])
    capturer = _capturer(store, folder, state)
    assert [capturer.step(), capturer.step()] == ["excluded", "excluded"]
    assert capturer.tally.read == 0
    assert _captured(store) == []


def test_secrets_are_blanked_before_the_text_is_stored(store: MemoryStore, tmp_path: Path) -> None:
    folder, state = tmp_path / "photos", tmp_path / "state"
    folder.mkdir()
    _screen(folder / "a.png", ["wifi password: hunter2", "card 4111 1111 1111 1111 ok"])
    _turn_on(state)
    capturer = _capturer(store, folder, state)
    assert capturer.step() == "kept"
    (text,) = _captured(store)
    assert "hunter2" not in text and "4111" not in text
    assert "[withheld]" in text and "[card withheld]" in text
    assert capturer.tally.blanked == 2


def test_identical_frames_are_skipped_and_changed_ones_read(
    store: MemoryStore, tmp_path: Path
) -> None:
    folder, state = tmp_path / "photos", tmp_path / "state"
    folder.mkdir()
    t0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    _screen(folder / "1.png", ["deploy started"], at=t0)
    _screen(folder / "2.png", ["deploy started"], at=t0 + timedelta(seconds=5))
    _screen(folder / "3.png", ["deploy started", "error: disk quota exceeded"],
            at=t0 + timedelta(seconds=10))  # fmt: skip
    _turn_on(state)
    capturer = _capturer(store, folder, state)
    assert [capturer.step() for _ in range(3)] == ["kept", "similar", "kept"]
    assert "disk quota exceeded" in _captured(store)[-1]


def test_a_blinking_cursor_is_not_new_but_a_new_line_is() -> None:
    novelty = Novelty()
    flags = [(novelty.is_new(s.image), s.content) for s in day("held_out", 2, 3)]
    first_of_each = {c: new for new, c in reversed(flags)}
    assert all(first_of_each.values())  # every new line was read
    assert sum(new for new, _ in flags) == len(first_of_each)  # and nothing else


def test_erase_by_time_range_and_retention(store: MemoryStore, tmp_path: Path) -> None:
    folder, state = tmp_path / "photos", tmp_path / "state"
    folder.mkdir()
    now = datetime.now(UTC)
    _screen(folder / "old.png", ["invoice from the plumber"], at=now - timedelta(days=40))
    _screen(folder / "mid.png", ["boarding gate changed to B12"], at=now - timedelta(days=2))
    _screen(folder / "new.png", ["dentist moved to Friday"], at=now - timedelta(hours=1))
    _turn_on(state)
    capturer = _capturer(store, folder, state)
    capturer._expired_at = now  # retention is checked below, not on these first steps
    assert [capturer.step() for _ in range(3)] == ["kept"] * 3
    removed = keep.erase(store, now - timedelta(days=3), now - timedelta(days=1))
    assert removed == 1
    assert not any("B12" in t for t in _captured(store))
    assert all("B12" not in h.text for h in store.recall("boarding gate B12", k=3))
    capturer._expired_at = None
    _screen(folder / "later.png", ["something else entirely"], at=now)
    capturer.step()  # retention (30 days) runs: the 40-day-old capture goes
    texts = _captured(store)
    assert not any("plumber" in t for t in texts)
    assert any("dentist" in t for t in texts)


def test_rules_round_trip_and_durations(tmp_path: Path) -> None:
    rules.save(tmp_path, rules.CaptureRules(on=True, exclude=["signal"]))
    loaded = rules.load(tmp_path)
    assert loaded.on and loaded.exclude == ["signal"]
    assert rules.duration("30m") == timedelta(minutes=30)
    with pytest.raises(Exception, match="not a duration"):
        rules.duration("soon")
    assert rules.load(tmp_path / "none").on is False
