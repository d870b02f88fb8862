"""Times in plain language: "Sunday evening", "in 20 minutes", "every first Monday at 9".

One-off times are read by dateparser; recurrences by a small grammar that writes an RFC 5545
rule (python-dateutil's ``rrule``), because dateparser reads dates, not repetitions. All
wall-clock times are the user's, in their time zone: a rule keeps its local hour across a DST
change because occurrences are computed as local times and only then converted to UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr

from pasi.errors import InputError

DEFAULT_TIME = time(9, 0)  # a day without a time ("tomorrow") means the morning
PARTS_OF_DAY = {
    "morning": 9,
    "noon": 12,
    "afternoon": 15,
    "evening": 18,
    "tonight": 20,
    "night": 21,
}
WEEKDAYS = {
    "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
    "friday": "FR", "saturday": "SA", "sunday": "SU",
}  # fmt: skip
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip
UNITS = {"minute": "MINUTELY", "hour": "HOURLY", "day": "DAILY", "week": "WEEKLY",
         "month": "MONTHLY", "year": "YEARLY"}  # fmt: skip
_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
_CLOCK = re.compile(
    r"\b(?:at\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b|\bat\s+(\d{1,2})(?:[:.](\d{2}))?\b"
)
_REPEATS = re.compile(
    r"\b(every|each|daily|weekly|monthly|yearly|weekdays|weekends)\b"
    r"|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s\b"  # "on Sundays"
)


@dataclass(frozen=True)
class When:
    """When something is due: the first time (UTC) and, for a recurrence, its rule."""

    first: datetime
    rule: str | None = None  # "RRULE:..." over local wall-clock times
    start_local: datetime | None = None  # the rule's DTSTART, naive local time
    timezone: str = "UTC"


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"'{name}' is not a time zone name like \"Europe/Berlin\"") from None


def parse_when(phrase: str, now: datetime, timezone: str, *, deadline: bool = False) -> When:
    """The first due time of ``phrase`` after ``now``, and its rule when it repeats.

    A month without a day means its first day, or its last for a ``deadline`` ("by April").
    """
    text = " ".join(phrase.lower().split())
    if not text:
        raise InputError("say when, e.g. 'tomorrow at 9', 'in 20 minutes' or 'every Monday'")
    tz = zone(timezone)
    if _REPEATS.search(text):
        return _recurring(text, now, tz, timezone)
    return When(_once(text, now, tz, deadline), timezone=timezone)


def next_occurrence(
    rule: str, start_local: datetime, timezone: str, after: datetime
) -> datetime | None:
    """The first occurrence strictly after ``after``, as UTC; None when the rule has ended.

    The rule runs over naive local times, so "every day at 9" stays at 9 when the clocks
    change; a local time that does not exist (skipped by DST) is read with the offset before
    the change, which moves it forward by the gap.
    """
    tz = zone(timezone)
    local_after = after.astimezone(tz).replace(tzinfo=None)
    found = rrulestr(rule, dtstart=start_local).after(local_after, inc=False)
    while found is not None:
        at = found.replace(tzinfo=tz).astimezone(UTC)
        if at > after:
            return at
        found = rrulestr(rule, dtstart=start_local).after(found, inc=False)  # DST fold
    return None


# -- one-off times ---------------------------------------------------------------------------


def _once(text: str, now: datetime, tz: ZoneInfo, deadline: bool = False) -> datetime:
    import dateparser

    cleaned = _normalise(text)
    local_now = now.astimezone(tz).replace(tzinfo=None, microsecond=0)
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": local_now,
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DAY_OF_MONTH": "last" if deadline or "end of" in text else "first",
    }
    data = dateparser.DateDataParser(languages=["en"], settings=settings).get_date_data(cleaned)
    if data.date_obj is None:
        raise InputError(
            f"cannot tell when '{text}' is; try e.g. 'tomorrow at 9', 'Sunday evening', "
            "'in 20 minutes' or 'every first Monday at 9'"
        )
    local = data.date_obj.replace(tzinfo=None)
    if data.period in ("day", "week", "month", "year"):  # a date without a time of day
        local = datetime.combine(local.date(), DEFAULT_TIME)
    today = local_now.strftime("%A").lower()
    if today in cleaned and "next" not in cleaned and local - timedelta(days=7) > local_now:
        local -= timedelta(days=7)  # "Sunday evening" said on a Sunday afternoon: tonight
    at = local.replace(tzinfo=tz).astimezone(UTC)
    if at <= now and data.period == "time" and not re.search(r"\d{4}|ago|yesterday", cleaned):
        at += timedelta(days=1)  # "at 9" said after 9 means tomorrow
    if at <= now:
        raise InputError(f"'{text}' is in the past ({local:%Y-%m-%d %H:%M}); give a future time")
    return at


def _normalise(text: str) -> str:
    """Say things the way dateparser reads them: "at 9" is a time, not September."""
    text = re.sub(r"^(on|at|by|end of|the end of)\s+(?=[a-z])", "", text)
    text = re.sub(rf"^in\s+(?={_MONTHS})", "", text)  # "in April", not "in a week"
    text = re.sub(r"\bat (\d{1,2})(?![\d:.]|\s*(?:am|pm))", r"at \1:00", text)
    return text


# -- recurrences -----------------------------------------------------------------------------


def _recurring(text: str, now: datetime, tz: ZoneInfo, timezone: str) -> When:
    hour, minute, rest = _time_of_day(text)
    parts = _rule_parts(rest, text)
    parts += [f"BYHOUR={hour}", f"BYMINUTE={minute}", "BYSECOND=0"]
    if parts[0] in ("FREQ=MINUTELY", "FREQ=HOURLY"):
        parts = [p for p in parts if not p.startswith(("BYHOUR", "BYMINUTE"))]
    rule = "RRULE:" + ";".join(parts)
    start = now.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
    first = next_occurrence(rule, start, timezone, now)
    if first is None:  # pragma: no cover - the grammar writes only unbounded rules
        raise InputError(f"'{text}' never happens")
    return When(first, rule, start, timezone)


def _time_of_day(text: str) -> tuple[int, int, str]:
    """The hour and minute the phrase names (9:00 when none), and the phrase without them."""
    match = _CLOCK.search(text)
    if match:
        hour = int(match.group(1) or match.group(4))
        minute = int(match.group(2) or match.group(5) or 0)
        meridiem = match.group(3)
        if meridiem == "pm" and hour < 12:
            hour += 12
        if meridiem == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            raise InputError(f"'{match.group(0).strip()}' is not a time of day")
        return hour, minute, text[: match.start()] + text[match.end() :]
    for word, hour in PARTS_OF_DAY.items():
        if re.search(rf"\b{word}s?\b", text):
            return hour, 0, text
    return DEFAULT_TIME.hour, DEFAULT_TIME.minute, text


def _rule_parts(rest: str, text: str) -> list[str]:
    ordinal = re.search(rf"\b({'|'.join(ORDINALS)})\s+{_DAY}", rest)
    if ordinal:
        day = WEEKDAYS[ordinal.group(2)]
        return ["FREQ=MONTHLY", f"BYDAY={ORDINALS[ordinal.group(1)]:+d}{day}"]
    if re.search(r"\bweekdays?\b", rest):
        return ["FREQ=WEEKLY", "BYDAY=MO,TU,WE,TH,FR"]
    if re.search(r"\bweekends?\b", rest):
        return ["FREQ=WEEKLY", "BYDAY=SA,SU"]
    days = [WEEKDAYS[m.group(1)] for m in re.finditer(rf"\b{_DAY}\b", rest)]
    interval = _interval(rest)
    if days:
        return ["FREQ=WEEKLY", *interval, "BYDAY=" + ",".join(dict.fromkeys(days))]
    unit = re.search(r"\b(minute|hour|day|week|month|year)s?\b", rest)
    adverb = re.search(r"\b(daily|weekly|monthly|yearly)\b", rest)
    if unit:
        freq = UNITS[unit.group(1)]
    elif adverb:
        freq = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY"}.get(
            adverb.group(1), "YEARLY"
        )
    elif any(re.search(rf"\b{word}s?\b", text) for word in PARTS_OF_DAY):
        freq = "DAILY"  # "every evening"
    else:
        raise InputError(
            f"cannot tell how often '{text}' repeats; try e.g. 'every day at 8', "
            "'every Monday', 'every first Monday at 9' or 'every 2 weeks'"
        )
    parts = [f"FREQ={freq}", *interval]
    month_day = re.search(r"\b(?:on )?the (\d{1,2})(?:st|nd|rd|th)?\b", rest)
    if freq == "MONTHLY" and month_day:
        parts.append(f"BYMONTHDAY={int(month_day.group(1))}")
    return parts


def _interval(rest: str) -> list[str]:
    match = re.search(r"\b(?:every|each)\s+(other|\d+)\b", rest)
    if not match:
        return []
    count = 2 if match.group(1) == "other" else int(match.group(1))
    if count < 1:
        raise InputError("a repetition needs an interval of at least 1")
    return [f"INTERVAL={count}"] if count > 1 else []


_REPEAT_TAIL = re.compile(
    r"\s((every|each)\s.*|(on\s+)?(weekdays|weekends|(monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)s)\b.*|(daily|weekly|monthly|yearly)\b.*)$",
    re.IGNORECASE,
)


def split_reminder(sentence: str, now: datetime, timezone: str) -> tuple[str, str, When]:
    """ "call mum on Sunday evening" -> ("call mum", "on Sunday evening", its time)."""
    text = " ".join(sentence.split())
    text = re.sub(r"^(please\s+)?remind me (to|about|of)\s+", "", text, flags=re.IGNORECASE)
    repeat = _REPEAT_TAIL.search(text)
    if repeat:
        what, phrase = text[: repeat.start()], repeat.group(1)
    else:
        what, phrase = _split_by_dateparser(text, now, timezone)
    what = what.strip(" ,.")
    if not what:
        raise InputError(f"what should pasi remind you of in '{sentence}'?")
    return what, phrase.strip(), parse_when(phrase, now, timezone)


def _split_by_dateparser(text: str, now: datetime, timezone: str) -> tuple[str, str]:
    from dateparser.search import search_dates

    local_now = now.astimezone(zone(timezone)).replace(tzinfo=None, microsecond=0)
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": local_now}
    found = search_dates(_normalise(text), languages=["en"], settings=settings) or []
    if not found:
        raise InputError(
            f"cannot find when in '{text}'; add a time such as 'tomorrow at 9' or "
            "'every Sunday evening'"
        )
    phrase = found[-1][0]
    start = _normalise(text).rfind(phrase)
    return _normalise(text)[:start], phrase
