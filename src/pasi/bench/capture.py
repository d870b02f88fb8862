"""``pasi bench capture``: what "what I see" costs and how much of the screen it keeps.

Generated screens (pasi.bench.capture_frames) are replayed through the real capture loop
(similarity check, Tesseract, secret blanking, the vault) into a scratch vault, lexical search
only. Reported per split: the share of frames skipped without OCR, changes missed, the words
on each kept screen (or, when only the changed band was read, on the new line) that OCR found
(recall), CPU per frame (this process and Tesseract's),
what that costs at one frame every 5 s, and the time from a frame being grabbed to ``recall``
finding its newest line.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pasi.bench.capture_frames import SPLITS, Screen, day
from pasi.bench.common import scratch_store
from pasi.bench.scale import machine_info
from pasi.clock import system_clock
from pasi.senses.capture import Capturer, Frame, rules
from pasi.senses.capture.keep import SCREEN_URI

INTERVAL = 5.0  # seconds between frames the CPU share is given for (the target)
_TOKEN = re.compile(r"[a-z0-9]+")


class _Replay:
    """A FrameSource that shows prepared screens in order, remembering which one it showed."""

    def __init__(self, screens: Iterator[Screen], clock: Callable[[], datetime]) -> None:
        self.screens, self.clock = screens, clock
        self.shown: Screen | None = None
        self.grabbed_at = 0.0

    def grab(self) -> Frame | None:
        self.shown = next(self.screens, None)
        self.grabbed_at = time.perf_counter()
        return (
            Frame(self.shown.image, self.clock(), "screen", "bench", "notes")
            if self.shown
            else None
        )


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run_split(split: str, scenes: int) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="pasi-capture-") as folder,
        scratch_store(None) as store,
    ):
        rules.save(Path(folder), rules.CaptureRules(on=True))
        replay = _Replay(day(split, scenes), system_clock)
        capturer = Capturer(store, replay, SCREEN_URI, Path(folder))
        recalls, searchable, step_ms, read_ms, contents, found = [], [], [], [], set(), 0
        cpu0, wall0 = _cpu(), time.perf_counter()
        while True:
            started = time.perf_counter()
            outcome = capturer.step()
            if replay.shown is None:
                break
            (read_ms if outcome in ("kept", "same text") else step_ms).append(
                (time.perf_counter() - started) * 1000
            )
            if outcome != "kept":
                continue
            contents.add(replay.shown.content)
            # A change read as a band of rows is measured on the line that appeared.
            truth = replay.shown.words if capturer.novelty.band is None else replay.shown.new
            recalls.append(
                len(truth & set(_TOKEN.findall(capturer.last_text.lower()))) / len(truth)
            )
            newest = capturer.last_text.splitlines()[-1]
            hits = store.recall(newest, k=3)
            searchable.append((time.perf_counter() - replay.grabbed_at) * 1000)
            found += any(newest in h.text for h in hits)
        cpu, wall = _cpu() - cpu0, time.perf_counter() - wall0
    tally, total = capturer.tally, capturer.tally.frames
    all_contents = scenes * 6  # capture_frames.day: six lines per scene
    return {
        "frames": total,
        "read_by_ocr": tally.read,
        "kept": tally.kept,
        "skipped_without_ocr_rate": round(tally.similar / total, 3),
        "changes_missed": all_contents - len(contents),
        "word_recall": round(statistics.mean(recalls), 3) if recalls else 0.0,
        "ms_per_skipped_frame_p50": round(statistics.median(step_ms), 1) if step_ms else None,
        "ms_per_read_frame_p50": round(statistics.median(read_ms), 1) if read_ms else None,
        "cpu_seconds_per_frame": round(cpu / total, 3),
        "cpu_percent_of_one_core_at_one_frame_per_5s": round(cpu / total / INTERVAL * 100, 1),
        "frames_per_minute_flat_out": round(total / wall * 60, 1),
        "grab_to_searchable_ms_p50": round(statistics.median(searchable), 1)
        if searchable
        else None,
        "newest_line_found_by_recall": f"{found}/{len(searchable)}",
    }


def run_capture(splits: list[str] | None = None, scenes: int = 6) -> dict[str, Any]:
    chosen = splits or list(SPLITS)
    return {"scenes": scenes, "frames_per_change": 3, "machine": machine_info(),
            "splits": {s: run_split(s, scenes) for s in chosen}}  # fmt: skip
