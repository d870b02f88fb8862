from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pasi.memory.cues import CAPTURE, RECORDING, app_words, preferred_kind
from pasi.memory.timeref import find_time_range

BERLIN = ZoneInfo("Europe/Berlin")
ASKED = datetime(2026, 12, 7, 13, 30, tzinfo=BERLIN)  # a Monday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("what was the error on my screen this morning?", at(7, 5), at(7, 12)),
        ("what did I see in the terminal at 10?", at(7, 9, 30), at(7, 11)),
        ("what did I see yesterday at 3pm?", at(6, 14, 30), at(6, 16)),
        ("what came up at 10:30 pm yesterday?", at(6, 22), at(6, 23, 30)),
        ("what did Jonas say at last Tuesday's meeting?", at(1, 0), at(2, 0)),
        ("what did we discuss on Saturday afternoon?", at(5, 12), at(5, 18)),
        ("what did I record yesterday evening?", at(6, 17), at(6, 23)),
        ("who called last Monday?", at(7, 0) - timedelta(days=7), at(7, 0) - timedelta(days=6)),
    ],
)  # fmt: skip
def test_times_of_day_and_weekdays_resolve_in_the_askers_zone(
    question: str, start: datetime, end: datetime
) -> None:
    found = find_time_range(question, ASKED, within_day=True)
    assert found is not None and (found.start, found.end) == (start, end)


def test_a_clock_hour_still_to_come_today_means_yesterdays() -> None:
    found = find_time_range("what did I see at 4 pm?", ASKED, within_day=True)
    assert found is not None and (found.start, found.end) == (at(6, 15, 30), at(6, 17))


def test_a_habit_in_the_morning_is_not_a_time() -> None:
    assert find_time_range("what do I usually eat in the morning?", ASKED, within_day=True) is None


def test_plain_yesterday_is_the_day_in_the_askers_zone() -> None:
    found = find_time_range("what did Jonas say in yesterday's call?", ASKED, within_day=True)
    assert found is not None and (found.start, found.end) == (at(6, 0), at(7, 0))


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("what did Jonas say about the boat in yesterday's call?", RECORDING),
        ("what did we decide in the meeting?", RECORDING),
        ("what was in my voice memo about groceries?", RECORDING),
        ("what was the error on my screen this morning?", CAPTURE),
        ("what did I see in the terminal at 10?", CAPTURE),
        ("which window had the invoice?", CAPTURE),
        ("where does Anna live?", None),
    ],
)
def test_questions_name_the_kind_of_source(question: str, kind: str | None) -> None:
    assert preferred_kind(question) == kind


def test_an_app_family_stands_for_the_apps_in_it() -> None:
    assert "term" in app_words("what did I see in the terminal?")
    assert app_words("what was on my screen?") == ()


def test_a_written_date_wins_over_the_weekday_beside_it() -> None:
    found = find_time_range(
        "What did Joanna finish last Friday on 23 January, 2022?", ASKED, within_day=True
    )
    assert found is not None and found.start.date().isoformat() == "2022-01-23"


def test_a_phrase_about_the_future_is_not_read_as_a_past_weekday_or_hour() -> None:
    """Extraction and grounding read phrases turns and models wrote: "on Saturday" and
    "tomorrow at 10" there may be ahead, so only the day-level reading applies."""
    assert find_time_range("hiking on Saturday", ASKED) is None
    found = find_time_range("tomorrow at 10", ASKED)
    assert found is not None and found.start == at(8, 0)
