"""Find the time a question is about ("last May", "in 2022", "two weeks ago") as a date range.

Expressions are found with patterns (cheap, so questions without one cost nothing) and
resolved with dateparser against the question's own date, never against the machine's clock:
"last May" asked in March 2024 means May 2023.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_MONTH_ABBR = "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
_MONTH = rf"(?:{_MONTHS}|{_MONTH_ABBR})\.?"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "few": 3,
    "couple of": 2, "several": 3,
}  # fmt: skip
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|couple of|several)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ago", re.compile(rf"\b({_NUMBER})\s+(day|week|month|year)s?\s+ago\b")),
    ("day_month_year", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH}),?\s+(\d{{4}})\b")),
    ("month_day_year", re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")),
    ("month_year", re.compile(rf"\b({_MONTH}),?\s+(?:of\s+)?(\d{{4}})\b")),
    ("relative_month", re.compile(rf"\b(last|this|next)\s+({_MONTH})\b")),
    ("relative_unit", re.compile(r"\b(yesterday|today|tomorrow|last night|(?:last|this|next|past) (?:week|weekend|month|year|summer|winter|spring|fall|autumn))\b")),
    ("month", re.compile(rf"\b(?:in|of|during|since)\s+({_MONTH})\b")),
    ("year", re.compile(r"\b((?:19|20)\d{2})\b")),
]  # fmt: skip


@dataclass(frozen=True)
class TimeRange:
    """A half-open interval [start, end) in UTC, with the words it came from."""

    start: datetime
    end: datetime
    phrase: str

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def distance_days(self, at: datetime) -> float:
        if self.contains(at):
            return 0.0
        edge = self.start if at < self.start else self.end
        return abs((at - edge).total_seconds()) / 86400


def _month_number(name: str) -> int:
    name = name.rstrip(".")[:3]
    return [m[:3] for m in _MONTHS.split("|")].index(name) + 1


def _month_range(year: int, month: int, phrase: str) -> TimeRange:
    last = calendar.monthrange(year, month)[1]
    start = datetime(year, month, 1, tzinfo=UTC)
    return TimeRange(start, start + timedelta(days=last), phrase)


def _day_range(day: datetime, phrase: str, days: int = 1) -> TimeRange:
    start = day.replace(hour=0, minute=0, second=0, microsecond=0)
    return TimeRange(start, start + timedelta(days=days), phrase)


def _ago(count_word: str, unit: str, ref: datetime, phrase: str) -> TimeRange:
    import dateparser  # imported only when a question names a time: it costs ~0.3 s

    count = int(count_word) if count_word.isdigit() else _NUMBER_WORDS[count_word]
    parsed = dateparser.parse(
        f"{count} {unit}s ago",
        settings={"RELATIVE_BASE": ref.replace(tzinfo=None), "PREFER_DATES_FROM": "past"},
    )
    center = (parsed or ref - timedelta(days=count)).replace(tzinfo=UTC)
    slack = {"day": 1, "week": 4, "month": 16, "year": 183}[unit]
    return TimeRange(center - timedelta(days=slack), center + timedelta(days=slack), phrase)


def _relative_unit(word: str, ref: datetime, phrase: str) -> TimeRange:
    today = ref.replace(hour=0, minute=0, second=0, microsecond=0)
    if word in ("yesterday", "last night"):
        return _day_range(today - timedelta(days=1), phrase)
    if word == "today":
        return _day_range(today, phrase)
    if word == "tomorrow":
        return _day_range(today + timedelta(days=1), phrase)
    which, unit = word.split(" ")
    shift = {"last": -1, "past": -1, "this": 0, "next": 1}[which]
    if unit in ("week", "weekend"):
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=shift)
        return _day_range(monday, phrase, 7)
    if unit == "month":
        month_index = today.year * 12 + today.month - 1 + shift
        return _month_range(month_index // 12, month_index % 12 + 1, phrase)
    if unit == "year":
        year = today.year + shift
        return TimeRange(
            datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC), phrase
        )
    season_start = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}[unit]
    year = today.year + shift
    if shift == -1 and today.month >= season_start + 3:
        year += 1  # "last summer" asked in November means this year's summer
    start = datetime(
        year if season_start != 12 else year - (shift == -1), season_start, 1, tzinfo=UTC
    )
    return TimeRange(start, start + timedelta(days=91), phrase)


def _resolve(kind: str, m: re.Match[str], ref: datetime) -> TimeRange:
    phrase = m.group(0)
    if kind == "ago":
        return _ago(m.group(1), m.group(2), ref, phrase)
    if kind == "day_month_year":
        return _day_range(
            datetime(int(m.group(3)), _month_number(m.group(2)), int(m.group(1)), tzinfo=UTC),
            phrase,
        )
    if kind == "month_day_year":
        return _day_range(
            datetime(int(m.group(3)), _month_number(m.group(1)), int(m.group(2)), tzinfo=UTC),
            phrase,
        )
    if kind == "month_year":
        return _month_range(int(m.group(2)), _month_number(m.group(1)), phrase)
    if kind == "relative_month":
        month = _month_number(m.group(2))
        year = ref.year
        if m.group(1) == "last" and month >= ref.month:
            year -= 1
        elif m.group(1) == "next" and month <= ref.month:
            year += 1
        return _month_range(year, month, phrase)
    if kind == "relative_unit":
        return _relative_unit(m.group(1), ref, phrase)
    if kind == "year":
        year = int(m.group(1))
        return TimeRange(
            datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC), phrase
        )
    month = _month_number(m.group(1))  # "in May": the most recent May up to the question
    year = ref.year if month <= ref.month else ref.year - 1
    return _month_range(year, month, phrase)


def find_time_range(question: str, ref: datetime, *, within_day: bool = False) -> TimeRange | None:
    """The first time expression in ``question``, resolved against ``ref`` (the asking time,
    in the zone whose days are meant). With ``within_day`` (a question about the past): a
    written-out date, else a time of day or a past weekday (pasi.memory.dayparts), else the
    first of the other expressions. Without it (a phrase a turn or a model wrote, which may be
    about the future) only the other expressions."""
    if ref.tzinfo is None:
        ref = ref.replace(tzinfo=UTC)
    from pasi.memory.dayparts import find_day_time  # it builds on TimeRange, defined here

    text = question.lower()
    # A date written out wins over a weekday beside it ("last Friday, on 23 January 2022")
    dated = _first_match(text, ref, _PATTERNS[1:3]) if within_day else None
    in_day = find_day_time(question, ref) if within_day and not dated else None
    return dated or in_day or _first_match(text, ref, _PATTERNS)


def _first_match(
    text: str, ref: datetime, patterns: list[tuple[str, re.Pattern[str]]]
) -> TimeRange | None:
    for kind, pattern in patterns:
        match = pattern.search(text)
        if match:
            try:
                return _resolve(kind, match, ref)
            except (ValueError, KeyError):
                continue  # "31 February 2023": not a date, so not a time filter
    return None


# Relative mentions inside a turn, resolved against the turn's own time: (pattern, days back to
# the window's start, window length in days). "I went there yesterday", said on 8 May, is about
# 7 May; a question about 7 May should find it.
_MENTIONS: list[tuple[re.Pattern[str], int, int]] = [
    (re.compile(r"\b(?:yesterday|last night)\b"), 1, 1),
    (re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b"), 0, 1),
    (re.compile(r"\b(?:last week(?:end)?|a week ago|(?:a )?few days ago|the other day)\b"), 7, 7),
    (re.compile(r"\b(?:two|couple of) weeks ago\b"), 14, 7),
    (re.compile(r"\b(?:last month|a month ago)\b"), 30, 31),
    (re.compile(r"\b(?:last year|a year ago)\b"), 365, 365),
]


def mentioned_ranges(text: str, at: datetime) -> list[tuple[datetime, datetime]]:
    """The time windows a turn talks about besides the day it was said, as [start, end)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    lowered = text.lower()
    ranges = []
    for pattern, back, span in _MENTIONS:
        if back and pattern.search(lowered):
            start = day - timedelta(days=back)
            ranges.append((start, start + timedelta(days=span)))
    return ranges
