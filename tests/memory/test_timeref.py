from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pasi.memory.timeref import find_time_range, mentioned_ranges

ASKED = datetime(2024, 3, 10, 15, 30, tzinfo=UTC)


def d(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What did I do last May?", d(2023, 5, 1), d(2023, 6, 1)),
        ("Which trips did I take in 2022?", d(2022, 1, 1), d(2023, 1, 1)),
        ("Who did I meet in June?", d(2023, 6, 1), d(2023, 7, 1)),
        ("What happened in February?", d(2024, 2, 1), d(2024, 3, 1)),
        ("What did we discuss on 8 May, 2023?", d(2023, 5, 8), d(2023, 5, 9)),
        ("Anything on May 8th, 2023?", d(2023, 5, 8), d(2023, 5, 9)),
        ("How was March 2023?", d(2023, 3, 1), d(2023, 4, 1)),
        ("What did I eat yesterday?", d(2024, 3, 9), d(2024, 3, 10)),
        ("What did I read last week?", d(2024, 2, 26), d(2024, 3, 4)),
        ("What did I buy last month?", d(2024, 2, 1), d(2024, 3, 1)),
        ("Where did I go last year?", d(2023, 1, 1), d(2024, 1, 1)),
    ],
)
def test_question_times_resolve_against_the_asking_date(
    question: str, start: datetime, end: datetime
) -> None:
    found = find_time_range(question, ASKED)
    assert found and (found.start, found.end) == (start, end)


def test_n_units_ago_is_a_window_around_that_point() -> None:
    found = find_time_range("what did I say two weeks ago?", ASKED)
    assert found and found.contains(d(2024, 2, 25))
    assert not found.contains(d(2024, 3, 9))


def test_questions_without_a_time_have_no_range() -> None:
    assert find_time_range("Where does Anna live?", ASKED) is None


def test_an_impossible_day_falls_back_to_the_month() -> None:
    found = find_time_range("on 31 February 2023", ASKED)
    assert found and (found.start, found.end) == (d(2023, 2, 1), d(2023, 3, 1))


def test_turn_mentions_are_dated_from_when_they_were_said() -> None:
    said = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    ranges = mentioned_ranges(
        "I went to a support group yesterday, and last year I ran a race", said
    )
    assert (d(2023, 5, 7), d(2023, 5, 8)) in ranges
    assert any(start <= d(2022, 6, 1) < end for start, end in ranges)
    assert mentioned_ranges("Nothing timely here", said) == []
