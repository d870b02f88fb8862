"""The capture loop: grab a frame, apply the user's rules, skip what is not new, read it, keep
the text with its secrets blanked.

Order matters for privacy: the switch and pause are checked before a frame is taken, the
exclusion list before it is read, and secrets are blanked before anything is written. A frame
is read (OCR) only when it differs from the last one read (pasi.senses.capture.similar), and
only the band of rows that changed when the change is such a band (a new line: about a tenth
of the OCR time of the whole screen), so an episode holds what newly appeared; it is stored
only when its text differs from the last text stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from pasi.clock import system_clock
from pasi.ingest.images import OCR_MAX_SIDE, ocr_text
from pasi.memory.store import MemoryStore
from pasi.senses.capture import keep, rules
from pasi.senses.capture.frames import FrameSource
from pasi.senses.capture.similar import Novelty

EXPIRE_EVERY = timedelta(hours=1)  # how often old captures are checked against the retention


@dataclass
class Tally:
    frames: int = 0  # grabbed
    excluded: int = 0  # dropped unread: an excluded app, window or file
    similar: int = 0  # skipped: nearly the same picture as the last one read
    read: int = 0  # OCR'd
    same_text: int = 0  # read, but the text was the same as the last stored
    kept: int = 0  # stored as episodes
    blanked: int = 0  # secrets blanked out
    last: str = ""  # what happened to the last frame, for the indicator


def readable(image: Any) -> Any:
    """The frame enlarged to :data:`OCR_MAX_SIDE` on its longest side: a 1280x800 screen of
    14-pixel terminal text read as is lost every line in a test here; enlarged 1.56x, none."""
    longest = max(image.size)
    if longest >= OCR_MAX_SIDE:
        return image
    scale = OCR_MAX_SIDE / longest
    size = (round(image.width * scale), round(image.height * scale))
    return image.convert("L").resize(size, Image.Resampling.LANCZOS)


class Capturer:
    """One capture source feeding one vault, under the rules saved in the vault directory."""

    def __init__(
        self,
        store: MemoryStore,
        source: FrameSource,
        uri: str,
        directory: Path,
        *,
        ocr_languages: str = "eng",
        clock: Callable[[], datetime] = system_clock,
    ) -> None:
        self.store, self.source, self.uri, self.directory = store, source, uri, directory
        self.ocr_languages = ocr_languages
        self.clock = clock
        self.novelty = Novelty()
        self.last_text = ""
        self.tally = Tally()
        self._expired_at: datetime | None = None

    def step(self) -> str:
        """Look once; what happened ("off", "paused", "nothing", "excluded", "similar",
        "same text", "kept")."""
        now = self.clock()
        current = rules.load(self.directory)
        if not current.on:
            return self._note("off")
        if current.paused(now):
            return self._note("paused")
        self._expire(current, now)
        frame = self.source.grab()
        if frame is None:
            return self._note("nothing")
        self.tally.frames += 1
        if current.excluded(frame):
            self.tally.excluded += 1
            return self._note("excluded")
        if not self.novelty.is_new(frame.image):
            self.tally.similar += 1
            return self._note("similar")
        self.tally.read += 1
        text, blanked = rules.blank_secrets(
            ocr_text(readable(self._changed_part(frame.image)), self.ocr_languages)
        )
        if not text.strip() or text == self.last_text:
            self.tally.same_text += 1
            return self._note("same text")
        self.last_text = text
        keep.keep(self.store, frame, text, self.uri)
        self.tally.kept += 1
        self.tally.blanked += blanked
        return self._note("kept")

    def run(self, *, stop: Callable[[], bool] = lambda: False,
            report: Callable[[str, Tally], None] | None = None) -> Tally:  # fmt: skip
        """Step every ``every`` seconds until capture is turned off or ``stop()`` says so."""
        while not stop():
            started = time.monotonic()
            outcome = self.step()
            if report:
                report(outcome, self.tally)
            if outcome == "off":
                break
            every = rules.load(self.directory).every
            time.sleep(max(0.0, every - (time.monotonic() - started)))
        return self.tally

    def _changed_part(self, image: Any) -> Any:
        if self.novelty.band is None:
            return image
        top, bottom = self.novelty.band
        return image.crop((0, round(top * image.height), image.width, round(bottom * image.height)))

    def _expire(self, current: rules.CaptureRules, now: datetime) -> None:
        if self._expired_at is not None and now - self._expired_at < EXPIRE_EVERY:
            return
        self._expired_at = now
        keep.erase(self.store, until=now - timedelta(days=current.retention_days))

    def _note(self, outcome: str) -> str:
        self.tally.last = outcome
        return outcome
