"""What capture may keep: the user's switch, pause, exclusion list and retention, and the
secrets blanked out of every frame's text before it is stored.

The settings live in ``capture.json`` in the vault directory, so ``pasi capture stop`` or
``pause`` in one terminal is seen by the loop running in another at its next frame. Capture
is off until the user turns it on.

Exclusion is checked before a frame is read at all: a frame whose application, window title
or file name contains an excluded word (case-insensitive) is dropped unread. The defaults
cover password managers and private browsing windows; the user adds their own.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pasi.errors import InputError
from pasi.privacy.numbers import find_cards, find_ibans
from pasi.senses.capture.frames import Frame

STATE_FILE = "capture.json"
DEFAULT_EXCLUDE = (
    "keepass", "1password", "bitwarden", "lastpass", "dashlane", "enpass", "pass manager",
    "seahorse", "private browsing", "incognito", "inprivate", "tor browser",
)  # fmt: skip
_SECRET = re.compile(
    r"(?i)\b(password|passwort|passcode|passphrase|pin|secret|api[ _-]?key|token|otp)"
    r"(\s*[:=]\s*)(\S+)"
)
_DURATION = re.compile(r"^(\d+)\s*(s|m|h|d)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass
class CaptureRules:
    on: bool = False
    paused_until: str | None = None  # ISO time
    every: float = 5.0  # seconds between frames, at most one frame each
    retention_days: int = 30
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    running_pid: int | None = None  # the loop that is capturing now, if any

    def paused(self, now: datetime) -> bool:
        return self.paused_until is not None and datetime.fromisoformat(self.paused_until) > now

    def active(self, now: datetime) -> bool:
        return self.on and not self.paused(now)

    def excluded(self, frame: Frame) -> str | None:
        """The excluded word the frame's app, window or file name contains, if any."""
        seen = " ".join(p for p in (frame.app, frame.window, frame.origin) if p).lower()
        return next((word for word in self.exclude if word.lower() in seen), None)

    def running(self) -> bool:
        if self.running_pid is None:
            return False
        try:
            os.kill(self.running_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def load(directory: Path) -> CaptureRules:
    path = directory / STATE_FILE
    if not path.is_file():
        return CaptureRules()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {k: v for k, v in raw.items() if k in CaptureRules.__dataclass_fields__}
        return CaptureRules(**known)
    except (ValueError, TypeError) as error:
        raise InputError(f"{path} is damaged ({error}): fix or delete it") from None


def save(directory: Path, rules: CaptureRules) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / STATE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(rules), indent=2), encoding="utf-8")
    temporary.replace(path)  # a reader never sees half a file


def duration(text: str) -> timedelta:
    """``30m``, ``2h``, ``1d``, ``90s`` as a time span."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise InputError(f"'{text}' is not a duration: write 30m, 2h, 1d or 90s")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def blank_secrets(text: str) -> tuple[str, int]:
    """The text with card numbers, IBANs and ``password: ...`` values blanked, and how many."""
    spans = [(s, e, "[card withheld]") for s, e, _ in find_cards(text)]
    spans += [(s, e, "[IBAN withheld]") for s, e, _ in find_ibans(text)]
    spans += [(m.start(3), m.end(3), "[withheld]") for m in _SECRET.finditer(text)]
    out, last, count = [], 0, 0
    for start, end, mark in sorted(spans):
        if start < last:
            continue  # overlaps one already blanked
        out += [text[last:start], mark]
        last, count = end, count + 1
    return "".join(out) + text[last:], count
