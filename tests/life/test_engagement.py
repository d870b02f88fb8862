"""Anti-engagement rules: each one checked on its own, in code rather than in a prompt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import pasi
from pasi.life.charter import load_charter, set_charter_field
from pasi.life.engagement import (
    GAMIFICATION,
    budget_reached,
    chat_minutes,
    may_deliver,
    strip_bait,
)

BERLIN_EVENING = datetime(2024, 3, 1, 22, 30, tzinfo=UTC)  # 23:30 in Berlin


@pytest.fixture
def charter(tmp_path: Path):
    load_charter(tmp_path)
    set_charter_field(tmp_path, "timezone", "Europe/Berlin")
    return set_charter_field(tmp_path, "daily_budget_minutes", "30")


def test_nothing_is_sent_unprompted_except_requested_reminders_and_briefs(charter) -> None:
    noon = datetime(2024, 3, 1, 11, 0, tzinfo=UTC)
    assert may_deliver(charter, "reminder", noon, requested=True).allowed
    assert may_deliver(charter, "brief", noon, requested=True).allowed
    assert may_deliver(charter, "check_in", noon, requested=True).allowed  # a goal the user set
    for kind in ("we_miss_you", "streak", "suggestion", "inactivity_nudge"):
        verdict = may_deliver(charter, kind, noon, requested=True)
        assert not verdict.allowed and verdict.defer_until is None
    assert not may_deliver(charter, "brief", noon, requested=False).allowed


def test_nothing_is_sent_during_quiet_hours_it_waits_for_their_end(charter) -> None:
    verdict = may_deliver(charter, "reminder", BERLIN_EVENING, requested=True)
    assert not verdict.allowed
    assert verdict.defer_until == datetime(2024, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert may_deliver(charter, "reminder", verdict.defer_until, requested=True).allowed


def test_chat_time_counts_gaps_between_turns_capped_when_idle(charter) -> None:
    start = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    turns = [start + timedelta(minutes=m) for m in (0, 2, 4, 6, 60, 61)]  # idle 54 min: 5 count
    assert chat_minutes(turns, charter, start) == pytest.approx(2 + 2 + 2 + 5 + 1)
    assert not budget_reached(charter, 12)
    more = turns + [start + timedelta(minutes=61 + 3 * i) for i in range(1, 7)]
    assert chat_minutes(more, charter, start) == pytest.approx(30)
    assert budget_reached(charter, chat_minutes(more, charter, start))


def test_chat_time_is_per_local_day(charter) -> None:
    before_midnight = datetime(2024, 3, 1, 22, 50, tzinfo=UTC)  # 23:50 Berlin, 1 March
    turns = [before_midnight + timedelta(minutes=m) for m in (0, 4, 8, 12, 16)]
    assert chat_minutes(turns, charter, before_midnight) == pytest.approx(8)
    assert chat_minutes(turns, charter, turns[-1]) == pytest.approx(4)  # 2 March: 00:02-00:06


def test_no_budget_is_never_reached(tmp_path: Path) -> None:
    load_charter(tmp_path)
    charter = set_charter_field(tmp_path, "daily_budget_minutes", "0")
    assert not budget_reached(charter, 10_000)


@pytest.mark.parametrize(
    "bait",
    [
        "Want me to draft a reply too?",
        "Would you like me to set a reminder for that?",
        "Is there anything else I can help you with?",
        "Anything else?",
        "Let me know if you'd like more ideas!",
        "Shall I look up more restaurants?",
        "Do you want me to add it to your calendar?",
        "I'm here if you need anything else.",
    ],
)
def test_trailing_bait_questions_are_stripped(bait: str) -> None:
    answer = "Your dentist appointment is on Friday at nine [t3]."
    assert strip_bait(f"{answer} {bait}", "When is my dentist appointment?") == answer
    assert strip_bait(f"{answer}\n\n{bait}", "When is my dentist appointment?") == answer


def test_bait_is_kept_when_the_user_asked_for_options_and_real_questions_stay() -> None:
    offer = "I can book either. Would you like me to compare prices?"
    assert strip_bait(offer, "What are my options for getting to Lisbon?") == offer
    clarify = "You know two Annas. Which one do you mean?"
    assert strip_bait(clarify, "When did I last see Anna?") == clarify
    only_bait = "Anything else?"
    assert strip_bait(only_bait, "hi") == only_bait  # never an empty answer


def test_no_streaks_or_gamification_anywhere_in_pasi() -> None:
    root = Path(pasi.__file__).parent
    allowed = {root / "life" / "engagement.py", root / "life" / "charter.py"}  # the rules
    offenders = []
    for path in root.rglob("*"):
        if path.suffix not in {".py", ".html", ".js", ".css", ".md", ".json"} or path in allowed:
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if GAMIFICATION.search(line):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_gamification_pattern_catches_what_it_forbids() -> None:
    for text in ("Keep your 5-day streak!", "You earned a badge", "Level up your chat"):
        assert GAMIFICATION.search(text)
    for text in ("a string of text", "the bus timetable", "points of interest"):
        assert not GAMIFICATION.search(text)
