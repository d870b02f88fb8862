"""Plain-language times: one-off phrases, recurrence rules, and local hours across DST."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from pasi.errors import InputError
from pasi.life.when import next_occurrence, parse_when, split_reminder

BERLIN = ZoneInfo("Europe/Berlin")
THURSDAY = datetime(2024, 3, 7, 13, 5, tzinfo=UTC)  # 14:05 in Berlin
ZONE = "Europe/Berlin"


def local(when: datetime) -> datetime:
    return when.astimezone(BERLIN).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Sunday evening", datetime(2024, 3, 10, 18, 0)),
        ("in 20 minutes", datetime(2024, 3, 7, 14, 25)),
        ("tomorrow", datetime(2024, 3, 8, 9, 0)),  # a day without a time means the morning
        ("tomorrow at 9", datetime(2024, 3, 8, 9, 0)),
        ("at 9", datetime(2024, 3, 8, 9, 0)),  # 9 has passed today: tomorrow, not September
        ("at 15:30", datetime(2024, 3, 7, 15, 30)),
        ("April 3", datetime(2024, 4, 3, 9, 0)),
        ("in April", datetime(2024, 4, 1, 9, 0)),
        ("in a week", datetime(2024, 3, 14, 9, 0)),
    ],
)
def test_one_off_phrases_are_read_in_the_users_zone(phrase: str, expected: datetime) -> None:
    when = parse_when(phrase, THURSDAY, "Europe/Berlin")
    assert when.rule is None
    assert local(when.first) == expected


@pytest.mark.parametrize(
    ("phrase", "rule", "first"),
    [
        ("every first Monday at 9", "FREQ=MONTHLY;BYDAY=+1MO;BYHOUR=9;BYMINUTE=0",
         datetime(2024, 4, 1, 9, 0)),
        ("every Sunday evening", "FREQ=WEEKLY;BYDAY=SU;BYHOUR=18;BYMINUTE=0",
         datetime(2024, 3, 10, 18, 0)),
        ("every weekday at 7:30", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=30",
         datetime(2024, 3, 8, 7, 30)),
        ("every day at 8pm", "FREQ=DAILY;BYHOUR=20;BYMINUTE=0", datetime(2024, 3, 7, 20, 0)),
        ("every month on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=9",
         datetime(2024, 3, 15, 9, 0)),
        ("every last Friday at 17:00", "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17",
         datetime(2024, 3, 29, 17, 0)),
        ("every Monday and Thursday at 6pm", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=18",
         datetime(2024, 3, 7, 18, 0)),
        ("on Sundays at 10", "FREQ=WEEKLY;BYDAY=SU;BYHOUR=10", datetime(2024, 3, 10, 10, 0)),
        ("weekends", "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", datetime(2024, 3, 9, 9, 0)),
    ],
)  # fmt: skip
def test_recurrences_become_rrules(phrase: str, rule: str, first: datetime) -> None:
    when = parse_when(phrase, THURSDAY, "Europe/Berlin")
    assert when.rule is not None and rule in when.rule
    assert local(when.first) == first


def test_a_daily_rule_keeps_its_local_hour_across_both_dst_changes() -> None:
    when = parse_when("every day at 9", datetime(2024, 3, 29, 12, tzinfo=UTC), "Europe/Berlin")
    assert when.rule is not None and when.start_local is not None
    at, utc_hours = when.first, []
    for _ in range(4):  # 30 March (CET), then 31 March .. 2 April (CEST)
        utc_hours.append(at.hour)
        assert local(at).hour == 9
        at = next_occurrence(when.rule, when.start_local, "Europe/Berlin", at)  # type: ignore[assignment]
    assert utc_hours == [8, 7, 7, 7]
    october = next_occurrence(
        when.rule, when.start_local, "Europe/Berlin", datetime(2024, 10, 26, 12, tzinfo=UTC)
    )
    assert october == datetime(2024, 10, 27, 8, tzinfo=UTC)  # 9:00 CET after the change back


def test_a_time_skipped_by_dst_moves_forward_by_the_gap() -> None:
    when = parse_when("every day at 2:30", datetime(2024, 3, 30, 12, tzinfo=UTC), "Europe/Berlin")
    assert when.first == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)  # 03:30 CEST: 2:30 never came


def test_a_reminder_sentence_splits_into_what_and_when() -> None:
    what, _, when = split_reminder(
        "remind me to call mum on Sunday evening", THURSDAY, "Europe/Berlin"
    )
    assert what == "call mum"
    assert local(when.first) == datetime(2024, 3, 10, 18, 0)
    what, phrase, when = split_reminder("water the plants every Sunday at 10", THURSDAY, ZONE)
    assert (what, phrase) == ("water the plants", "every Sunday at 10") and when.rule is not None
    what, phrase, when = split_reminder("remind me to water the plants on Sundays", THURSDAY, ZONE)
    assert (what, phrase) == ("water the plants", "on Sundays") and when.rule is not None


@pytest.mark.parametrize("phrase", ["", "whenever", "yesterday", "every so often"])
def test_unreadable_or_past_times_are_refused_with_a_hint(phrase: str) -> None:
    with pytest.raises(InputError):
        parse_when(phrase, THURSDAY, "Europe/Berlin")


def test_an_unknown_zone_is_named() -> None:
    with pytest.raises(InputError, match="Mars/Olympus"):
        parse_when("tomorrow", THURSDAY, "Mars/Olympus")


def test_todays_weekday_means_today_while_that_time_is_ahead() -> None:
    sunday_afternoon = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    tonight = parse_when("Sunday evening", sunday_afternoon, "Europe/Berlin")
    assert local(tonight.first) == datetime(2024, 3, 10, 18, 0)
    next_week = parse_when("next Sunday evening", sunday_afternoon, "Europe/Berlin")
    assert local(next_week.first) == datetime(2024, 3, 17, 18, 0)
    morning = parse_when("Sunday morning", sunday_afternoon, "Europe/Berlin")
    assert local(morning.first) == datetime(2024, 3, 17, 9, 0)  # this morning has passed


def test_a_deadline_month_means_its_last_day() -> None:
    for phrase in ("April", "by April", "in April"):
        when = parse_when(phrase, THURSDAY, "Europe/Berlin", deadline=True)
        assert local(when.first) == datetime(2024, 4, 30, 9, 0)
    assert local(parse_when("end of April", THURSDAY, "Europe/Berlin").first).day == 30
