"""Goals with milestones, progress and evidence; reminders as tasks; their scheduled jobs."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from life_clock import ManualClock

from pasi.errors import InputError, NotFoundError
from pasi.life import jobs
from pasi.life.goals import Goals
from pasi.life.reminders import Reminders
from pasi.memory.store import MemoryStore, Turn
from pasi.vault.sqlite import SQLiteVault

ZONE = "Europe/Berlin"
START = datetime(2024, 3, 7, 13, 5, tzinfo=UTC)


def test_a_goal_keeps_its_why_milestones_and_check_in_job(vault: SQLiteVault) -> None:
    goals = Goals(vault, ZONE, ManualClock(START))
    goal = goals.add(
        "Run a half marathon",
        why="to feel strong at 40",
        milestones=["10 km without stopping", "15 km"],
        check_in="every Sunday evening",
        due="in April",
    )
    assert goal.status == "active" and goal.why == "to feel strong at 40"
    assert [m.text for m in goal.milestones] == ["10 km without stopping", "15 km"]
    assert goal.check_in == "every Sunday evening"
    assert goal.next_check_in == datetime(2024, 3, 10, 17, 0, tzinfo=UTC)  # 18:00 in Berlin
    assert goal.due is not None and goal.due.astimezone(ZoneInfo(ZONE)).day == 30  # by April
    (job,) = jobs.jobs_for(vault.read(), "check_in", goal.id)
    assert job.rule is not None and "BYDAY=SU" in job.rule


def test_progress_keeps_the_turns_that_reported_it_and_reaches_milestones(
    store: MemoryStore,
) -> None:
    goals = Goals(store.vault, ZONE, ManualClock(START))
    goal = goals.add("Run a half marathon", milestones=["10 km", "15 km"])
    (turn,) = store.record_turns([Turn("ran 10 km today without stopping!")])
    assert [(e.id, e.text) for e in store.recent_turns()] == [
        (turn, "ran 10 km today without stopping!")
    ]
    goals.record_progress(goal.id, "ran 10 km without stopping", evidence=[turn], milestone=1)
    again = goals.get(goal.id)
    assert [(p.note, p.evidence) for p in again.progress] == [
        ("ran 10 km without stopping", (turn,))
    ]
    assert again.milestones[0].done_at == START and again.next_milestone().text == "15 km"  # type: ignore[union-attr]
    with pytest.raises(InputError, match="2 milestone"):
        goals.record_progress(goal.id, "ran", milestone=3)
    assert len(goals.get(goal.id).progress) == 1  # the bad call stored nothing


def test_closing_a_goal_stops_its_check_ins(vault: SQLiteVault) -> None:
    goals = Goals(vault, ZONE, ManualClock(START))
    goal = goals.add("Learn Portuguese", check_in="every Monday at 8")
    done = goals.close(goal.id)
    assert done.status == "done" and done.completed_at == START and done.next_check_in is None
    assert goals.list() == [] and [g.id for g in goals.list(status=None)] == [goal.id]


def test_goal_input_errors_name_the_problem(vault: SQLiteVault) -> None:
    goals = Goals(vault, ZONE, ManualClock(START))
    with pytest.raises(InputError, match="title"):
        goals.add("   ")
    with pytest.raises(InputError, match="how often"):
        goals.add("Read more", check_in="tomorrow")
    with pytest.raises(NotFoundError, match="no goal 42"):
        goals.get(42)
    assert goals.list(status=None) == []


def test_find_names_the_goals_when_a_title_is_ambiguous(vault: SQLiteVault) -> None:
    goals = Goals(vault, ZONE, ManualClock(START))
    goals.add("Run a half marathon")
    goals.add("Run a 10k")
    assert goals.find("marathon").title == "Run a half marathon"
    with pytest.raises(NotFoundError, match="more than one"):
        goals.find("run")


def test_reminders_from_one_sentence_or_text_and_time(vault: SQLiteVault) -> None:
    reminders = Reminders(vault, ZONE, ManualClock(START))
    mum = reminders.add("remind me to call mum on Sunday evening")
    assert mum.text == "call mum" and mum.due == datetime(2024, 3, 10, 17, 0, tzinfo=UTC)
    bins = reminders.add("remind me to take the bins out", "every first Monday at 9")
    assert bins.cadence == "every first Monday at 9" and bins.rule is not None
    assert bins.due == datetime(2024, 4, 1, 7, 0, tzinfo=UTC)  # 9:00 CEST
    assert [r.text for r in reminders.list()] == ["call mum", "take the bins out"]


def test_done_snooze_and_delete(vault: SQLiteVault) -> None:
    clock = ManualClock(START)
    reminders = Reminders(vault, ZONE, clock)
    tea = reminders.add("make tea", "in 20 minutes")
    snoozed = reminders.snooze(tea.id, "1 hour")
    assert snoozed.due == datetime(2024, 3, 7, 14, 5, tzinfo=UTC)
    done = reminders.done(tea.id)
    assert done.status == "done" and done.due is None and reminders.list() == []
    assert [r.id for r in reminders.list(include_done=True)] == [tea.id]
    with pytest.raises(InputError, match="is done"):
        reminders.snooze(tea.id)
    reminders.delete(tea.id)
    with pytest.raises(NotFoundError):
        reminders.get(tea.id)
    assert jobs.active_jobs(vault.read()) == []


def test_only_kinds_the_user_asks_for_can_be_scheduled(vault: SQLiteVault) -> None:
    from pasi.life.when import parse_when

    with vault.write() as conn, pytest.raises(InputError, match="only reminder"):
        jobs.schedule(conn, "engagement_nudge", "come back!", parse_when("tomorrow", START, ZONE),
                      START)  # fmt: skip
    assert jobs.active_jobs(vault.read()) == []
