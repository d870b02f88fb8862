"""Grounding: every name, number and date in a memory must come from the turns it cites.

A small model invents details ("The user lives in Oslo" from a turn about Lisbon). Before a
candidate is stored, the capitalised words, numbers, times of day, weekdays, months and dates
in its text (and its subject) are looked up in its evidence turns, case-insensitively and up to
simple inflection ("Anna's" ~ "Anna", "8am" ~ "8 am" ~ "08:00", "two" ~ "2"). A date may also
follow from when the turn was said: "tomorrow" said on Friday grounds "Saturday" and its date,
"on Friday" grounds that Friday's date. What is missing is named in the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from pasi.memory.names import NOT_NAMES
from pasi.memory.text import terms, words
from pasi.memory.timeref import find_time_range, mentioned_ranges
from pasi.vault.records import Episode

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "noon": 12,
                 "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}  # fmt: skip
_FILLER_CAPS = {"And", "But", "Or", "On", "In", "At", "To", "For", "Of", "With", "From", "By",
                "As", "When", "While", "After", "Before", "Also", "Assistant", "Me", "Its",
                "Not", "No", "Yes", "Is", "Was", "Has", "Had", "Will", "Would", "Can"}  # fmt: skip
_TIME = re.compile(
    r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\b\.?|\b(\d{1,2}):(\d{2})\b", re.IGNORECASE
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_RE = "|".join(_MONTHS)
_DAY_MONTH = re.compile(
    rf"\b(?:({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"({_MONTH_RE}))\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*")


@dataclass(frozen=True)
class _Evidence:
    """What the cited turns say, folded for lookup."""

    stems: set[str]
    numbers: set[str]
    times: set[str]
    dates: set[date]


def ungrounded(text: str, subject: str, cited: Sequence[Episode]) -> list[str]:
    """The words of ``text`` (and ``subject``) that ``cited`` neither says nor implies."""
    evidence = _evidence(cited)
    missing: list[str] = []
    rest = text
    for match in _TIME.finditer(text):
        if _time_key(match) not in evidence.times:
            missing.append(match.group(0).strip())
    rest = _TIME.sub(" ", rest)
    for match in _ISO_DATE.finditer(rest):
        if not _iso_grounded(match, evidence):
            missing.append(match.group(0))
    rest = _ISO_DATE.sub(" ", rest)
    for match in _DAY_MONTH.finditer(rest):
        if not _day_month_grounded(match, evidence):
            missing.append(match.group(0))
    rest = _DAY_MONTH.sub(lambda m: m.group(1) or m.group(4), rest)  # the month is a word
    missing += [n for n in _NUMBER.findall(rest) if not _number_grounded(n, evidence)]
    named = _CAPITALISED.findall(rest) + ([subject] if subject != "user" else [])
    missing += [w for w in dict.fromkeys(named) if not _word_grounded(w, evidence)]
    return list(dict.fromkeys(missing))


def reason(missing: Sequence[str], cited: Sequence[Episode]) -> str:
    """ "'Oslo' is not in turn 12", for the user to read in ``pasi memories pending``."""
    quoted = ", ".join(f"'{m}'" for m in missing)
    ids = ", ".join(str(t.id) for t in cited)
    verb = "is" if len(missing) == 1 else "are"
    return f"{quoted} {verb} not in turn{'s' if len(cited) > 1 else ''} {ids}"


# -- what the turns say ------------------------------------------------------------------------


def _evidence(cited: Sequence[Episode]) -> _Evidence:
    texts = [t.text for t in cited] + [t.speaker for t in cited if t.speaker]
    joined = "\n".join(texts)
    stems = set(terms(joined)) | set(words(joined))
    numbers = {_plain(n) for n in _NUMBER.findall(_TIME.sub(" ", joined))}
    numbers |= {str(v) for k, v in _NUMBER_WORDS.items() if k in set(words(joined))}
    times = {_time_key(m) for m in _TIME.finditer(joined)}
    times |= {f"{n % 24:02d}:00" for n in _clock_words(joined)}
    return _Evidence(stems, numbers, times, _implied_dates(cited))


def _clock_words(text: str) -> Iterable[int]:
    """'at 8', 'at eight', 'noon' name an hour; both 8:00 and 20:00 are grounded by them."""
    for match in re.finditer(r"\bat (\d{1,2}|[a-z]+)\b(?!:)", text.lower()):
        value = match.group(1)
        hour = int(value) if value.isdigit() else _NUMBER_WORDS.get(value)
        if hour is not None and hour <= 12:
            yield from (hour, hour + 12)
    if re.search(r"\bnoon\b", text.lower()):
        yield 12


def _implied_dates(cited: Sequence[Episode]) -> set[date]:
    """Days a turn's time words point to: the day said, "tomorrow", "on Friday", "last week"."""
    days: set[date] = set()
    for turn in cited:
        at = turn.occurred_at or turn.recorded_at
        if at is None:
            continue
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        days.add(at.date())
        ranges = mentioned_ranges(turn.text, at)
        found = find_time_range(turn.text, at)
        if found is not None:
            ranges.append((found.start, found.end))
        for start, end in ranges:
            if end - start <= timedelta(days=366):
                days.update(start.date() + timedelta(days=i) for i in range((end - start).days))
        for index, name in enumerate(_WEEKDAYS):
            if re.search(rf"\b{name}\b", turn.text.lower()):
                ahead = (index - at.weekday()) % 7 or 7
                days.update({at.date() + timedelta(days=ahead),
                             at.date() + timedelta(days=ahead - 7)})  # fmt: skip
    return days


# -- lookups -----------------------------------------------------------------------------------


def _time_key(match: re.Match[str]) -> str:
    if match.group(4) is not None:
        return f"{int(match.group(4)) % 24:02d}:{match.group(5)}"
    hour, minutes = int(match.group(1)) % 12, match.group(2) or "00"
    return f"{hour + (12 if match.group(3).lower() == 'p' else 0):02d}:{minutes}"


def _plain(number: str) -> str:
    return number.replace(",", "").lstrip("0") or "0"


def _number_grounded(number: str, evidence: _Evidence) -> bool:
    """Said in the turns, or the year of a day the turns point to."""
    if _plain(number) in evidence.numbers:
        return True
    return number.isdigit() and int(number) in {d.year for d in evidence.dates}


def _day_month_grounded(match: re.Match[str], evidence: _Evidence) -> bool:
    """ "March 6" / "6th of March": said in the turns, or a day they point to."""
    month = _MONTHS.index((match.group(1) or match.group(4)).lower()) + 1
    day = int(match.group(2) or match.group(3))
    said = str(day) in evidence.numbers and _MONTHS[month - 1] in evidence.stems
    return said or any((d.month, d.day) == (month, day) for d in evidence.dates)


def _iso_grounded(match: re.Match[str], evidence: _Evidence) -> bool:
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    return day in evidence.dates


def _word_grounded(word: str, evidence: _Evidence) -> bool:
    if word in NOT_NAMES or word in _FILLER_CAPS:
        return True
    lowered = word.lower()
    if lowered in _WEEKDAYS:
        return lowered in evidence.stems or any(
            _WEEKDAYS[d.weekday()] == lowered for d in evidence.dates
        )
    if lowered.rstrip(".") in _MONTHS:
        return lowered in evidence.stems or any(
            _MONTHS[d.month - 1] == lowered for d in evidence.dates
        )
    return all(w in evidence.stems for w in words(word)) or set(terms(word)) <= evidence.stems
