"""Times within a day a question names: "this morning", "yesterday at 3 pm", "last Tuesday's
meeting", "what did I see at 10?".

A day (today, yesterday, a weekday) and a part of it (morning, afternoon, evening, a clock
hour) are found separately and combined, in the zone of the asking time: "this morning" asked
at 09:30 in Berlin is 05:00-12:00 Berlin time, whatever the machine's zone. A day alone is the
whole day; a part alone is today's (yesterday's, when today's has not begun yet).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from pasi.memory.timeref import TimeRange

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Part of day: (first hour, hour after the last).
PARTS = {"morning": (5, 12), "noon": (11, 14), "lunchtime": (11, 14), "afternoon": (12, 18),
         "evening": (17, 23), "tonight": (17, 24)}  # fmt: skip
CLOCK_BEFORE = timedelta(minutes=30)  # "at 10" holds 09:30-11:00: people round to the hour
CLOCK_AFTER = timedelta(minutes=60)
PHRASE_JOIN = " + "  # a day and a part named apart ("yesterday ... at 10"): both phrases

_DAY = re.compile(
    r"\b(?:(yesterday|today)|(last|this|on|past)?\s*(" + "|".join(WEEKDAYS) + r")(?:'s)?)\b"
)
# Alone, only "this morning" or "tonight" names a time: "what do I eat in the morning?" is a habit.
_PART = re.compile(
    r"\b(this\s+|in\s+the\s+|at\s+)?(morning|noon|lunchtime|afternoon|evening|tonight)\b"
)
_CLOCK = re.compile(
    r"\b(?:at|around|about|by)\s+(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?|o'?clock)?(?![\w:])"
)


def _day(text: str, today: datetime) -> tuple[datetime, str] | None:
    match = _DAY.search(text)
    if match is None:
        return None
    if match.group(1):
        shift = 1 if match.group(1) == "yesterday" else 0
        return today - timedelta(days=shift), match.group(0)
    back = (today.weekday() - WEEKDAYS.index(match.group(3))) % 7
    if match.group(2) == "last" and back == 0:
        back = 7  # "last Monday" said on a Monday is a week ago
    return today - timedelta(days=back), match.group(0)


def _clock(text: str) -> tuple[int, int, str] | None:
    match = _CLOCK.search(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if hour > 23 or minute > 59 or (suffix[:1] in ("a", "p") and not 1 <= hour <= 12):
        return None
    if suffix.startswith("p") and hour < 12:
        hour += 12
    elif suffix.startswith("a") and hour == 12:
        hour = 0
    elif not suffix and 1 <= hour <= 6:
        hour += 12  # "at 3" is 15:00: few people ask about 3 in the night
    return hour, minute, match.group(0)


def _part(text: str, day: datetime | None, now: datetime) -> tuple[datetime, datetime, str] | None:
    """The part of the day the text names, as a window on ``day`` (or the latest such)."""
    clock = _clock(text)
    named = _PART.search(text)
    if clock is not None:
        hour, minute, phrase = clock
        base = day or now.replace(hour=0, minute=0, second=0, microsecond=0)
        at = base.replace(hour=hour, minute=minute)
        if day is None and at > now:
            at -= timedelta(days=1)  # "at 10" asked at 08:00 is yesterday's 10
        return at - CLOCK_BEFORE, at + CLOCK_AFTER, phrase
    alone = named is not None and (
        (named.group(1) or "").strip() == "this" or named.group(2) == "tonight"
    )
    if named is None or (day is None and not alone):
        return None
    first, last = PARTS[named.group(2)]
    base = day or now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = base + timedelta(hours=first)
    if day is None and start > now:
        start -= timedelta(days=1)
    return start, start + timedelta(hours=last - first), named.group(0)


def find_day_time(question: str, ref: datetime) -> TimeRange | None:
    """The day and time of day ``question`` names, in ``ref``'s zone, or None without a part
    of day or a weekday (plain "yesterday" is :func:`pasi.memory.timeref.find_time_range`'s)."""
    text = question.lower()
    today = ref.replace(hour=0, minute=0, second=0, microsecond=0)
    day = _day(text, today)
    part = _part(text, day[0] if day else None, ref)
    if part is not None:
        start, end, phrase = part
        return TimeRange(
            start, end, PHRASE_JOIN.join(p for p in (day[1] if day else "", phrase) if p)
        )
    if day is not None and day[1].strip(" 's") not in ("yesterday", "today"):
        return TimeRange(day[0], day[0] + timedelta(days=1), day[1])
    return None
