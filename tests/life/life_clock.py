"""A clock the life tests move by hand, and a charter in a zone with a DST change."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from pasi.life.charter import load_charter, set_charter_field

ZONE = "Europe/Berlin"  # clocks go forward on 31 March 2024 and back on 27 October 2024


class ManualClock:
    """Frozen until advanced: the scheduler sees exactly the times a test chooses."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware datetime")
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at

    def set(self, at: datetime) -> datetime:
        self.at = at
        return at


def write_charter(vault_dir: Path, *, quiet: tuple[str, str] = ("", ""), **fields: str) -> None:
    """The user's charter in Berlin time, with the quiet hours a test needs ("" = none)."""
    load_charter(vault_dir)
    set_charter_field(vault_dir, "timezone", ZONE)
    set_charter_field(vault_dir, "quiet_start", quiet[0])
    set_charter_field(vault_dir, "quiet_end", quiet[1])
    for name, value in fields.items():
        set_charter_field(vault_dir, name, value)
