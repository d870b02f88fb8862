"""The scheduler: on time, quiet hours deferred and logged, late once after a restart, DST."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from life_clock import ZONE, ManualClock, write_charter

from pasi.clock import system_clock
from pasi.life.channels import Notification, TerminalChannel
from pasi.life.deliveries import deliveries
from pasi.life.goals import Goals
from pasi.life.reminders import Reminders
from pasi.life.scheduler import Scheduler
from pasi.life.service import build_scheduler
from pasi.vault.sqlite import SQLiteVault

START = datetime(2024, 3, 7, 13, 5, tzinfo=UTC)  # Thursday 14:05 in Berlin


class Collected:
    """A channel that keeps what it was given (the terminal channel is tested on its own)."""

    def __init__(self, name: str = "collected") -> None:
        self.name = name
        self.got: list[Notification] = []
        self.arrived = threading.Event()

    def deliver(self, notification: Notification) -> None:
        self.got.append(notification)
        self.arrived.set()


class Broken:
    name = "broken"

    def deliver(self, notification: Notification) -> None:
        raise OSError("the disk is on fire")


def _scheduler(vault: SQLiteVault, clock: ManualClock, *channels: object) -> Scheduler:
    return build_scheduler(vault, list(channels), clock=clock)  # type: ignore[arg-type]


@pytest.fixture
def clock(vault: SQLiteVault) -> ManualClock:
    write_charter(vault.directory, quiet=("22:00", "07:00"))
    return ManualClock(START)


def test_a_reminder_goes_out_at_its_time_and_not_before(
    vault: SQLiteVault, clock: ManualClock
) -> None:
    tea = Reminders(vault, ZONE, clock).add("make tea", "in 20 minutes")
    channel = Collected()
    scheduler = _scheduler(vault, clock, channel)
    clock.advance(minutes=19)
    assert scheduler.run_due() == [] and channel.got == []
    clock.advance(minutes=1)
    (outcome,) = scheduler.run_due()
    assert outcome.delivered == ("collected",)
    assert [(n.title, n.late, n.deferred) for n in channel.got] == [("make tea", False, False)]
    assert scheduler.run_due() == []  # sent once
    (logged,) = deliveries(vault)
    assert (logged.channel, logged.outcome, logged.job_id) == ("collected", "delivered", tea.job_id)
    assert "a reminder you set" in logged.reason
    assert Reminders(vault, ZONE, clock).get(tea.id).status == "due"  # a task until marked done


def test_quiet_hours_hold_a_reminder_back_and_log_it(
    vault: SQLiteVault, clock: ManualClock
) -> None:
    Reminders(vault, ZONE, clock).add("take the pills", "today at 23:00")
    channel = Collected()
    scheduler = _scheduler(vault, clock, channel)
    clock.set(datetime(2024, 3, 7, 22, 0, tzinfo=UTC))  # 23:00 in Berlin: quiet
    (held,) = scheduler.run_due()
    assert held.suppressed_until == datetime(2024, 3, 8, 6, 0, tzinfo=UTC)  # 07:00 Berlin
    clock.advance(hours=3)
    assert scheduler.run_due() == []  # still quiet, and not logged again
    clock.set(datetime(2024, 3, 8, 6, 0, tzinfo=UTC))
    (sent,) = scheduler.run_due()
    assert sent.delivered == ("collected",)
    assert [(n.deferred, n.late) for n in channel.got] == [(True, False)]
    log = deliveries(vault)
    assert [(d.outcome, d.channel) for d in log] == [
        ("suppressed", None),
        ("delivered", "collected"),
    ]
    assert "quiet hours" in log[0].reason and "quiet hours" in log[1].reason


def test_after_a_restart_a_missed_recurring_job_fires_once_marked_late(
    vault: SQLiteVault, clock: ManualClock
) -> None:
    Reminders(vault, ZONE, clock).add("stretch", "every day at 9")
    first = Collected()
    _scheduler(vault, clock, first).run_due()
    clock.set(datetime(2024, 3, 8, 8, 0, tzinfo=UTC))
    assert len(_scheduler(vault, clock, first).run_due()) == 1  # Friday 9:00, on time
    # pasi is off from Friday until Monday noon: Saturday, Sunday and Monday 9:00 were missed.
    clock.set(datetime(2024, 3, 11, 11, 0, tzinfo=UTC))
    restarted = Collected()
    outcomes = _scheduler(vault, clock, restarted).run_due()
    assert len(outcomes) == 1 and [n.late for n in restarted.got] == [True]
    assert "late" in deliveries(vault)[-1].reason
    reminder = Reminders(vault, ZONE, clock).list()[0]
    assert reminder.due == datetime(2024, 3, 12, 8, 0, tzinfo=UTC)  # resumes Tuesday 9:00


def test_a_failing_channel_is_logged_and_the_others_still_deliver(
    vault: SQLiteVault, clock: ManualClock
) -> None:
    Reminders(vault, ZONE, clock).add("call the bank", "in 5 minutes")
    good = Collected()
    clock.advance(minutes=5)
    (outcome,) = _scheduler(vault, clock, Broken(), good).run_due()
    assert outcome.failed == ("broken",) and outcome.delivered == ("collected",)
    failed, delivered = deliveries(vault)
    assert failed.outcome == "failed" and "the disk is on fire" in failed.reason
    assert delivered.outcome == "delivered"


def test_two_schedulers_on_one_vault_send_an_occurrence_once(
    vault: SQLiteVault, clock: ManualClock
) -> None:
    Reminders(vault, ZONE, clock).add("water the plants", "in 1 minute")
    chat, server = Collected("chat"), Collected("server")
    clock.advance(minutes=1)
    total = _scheduler(vault, clock, chat).run_due() + _scheduler(vault, clock, server).run_due()
    assert len(total) == 1 and len(chat.got) + len(server.got) == 1


def test_a_goal_check_in_reports_the_last_progress(vault: SQLiteVault, clock: ManualClock) -> None:
    goals = Goals(vault, ZONE, clock)
    goal = goals.add("Run a half marathon", why="health", milestones=["10 km"],
                     check_in="every Sunday evening")  # fmt: skip
    goals.record_progress(goal.id, "ran 8 km")
    channel = Collected()
    clock.set(datetime(2024, 3, 10, 17, 0, tzinfo=UTC))
    _scheduler(vault, clock, channel).run_due()
    (check_in,) = channel.got
    assert check_in.kind == "check_in" and check_in.title == "Check-in: Run a half marathon"
    assert "ran 8 km" in check_in.body and "Next milestone: 10 km" in check_in.body


def test_a_deleted_reminder_is_never_sent(vault: SQLiteVault, clock: ManualClock) -> None:
    reminders = Reminders(vault, ZONE, clock)
    reminders.delete(reminders.add("old thing", "in 1 minute").id)
    channel = Collected()
    clock.advance(minutes=2)
    assert _scheduler(vault, clock, channel).run_due() == [] and channel.got == []


def test_the_terminal_channel_prints_one_marked_line() -> None:
    stream = io.StringIO()
    at = datetime(2024, 3, 7, tzinfo=UTC)
    TerminalChannel(stream).deliver(Notification(1, "reminder", "call mum", "call mum", at, True))
    assert stream.getvalue() == "\n[pasi reminder (late)] call mum\n"


def test_the_background_thread_delivers_a_due_job(tmp_path: Path) -> None:
    with SQLiteVault(tmp_path / "vault") as vault:
        write_charter(vault.directory)  # no quiet hours: this test runs at any hour
        Reminders(vault, ZONE, system_clock).add("now-ish", "in 1 minute")
        with vault.write() as conn:  # make it due now without waiting a minute
            conn.execute("UPDATE scheduled_jobs SET next_at = '2000-01-01T00:00:00+00:00'")
        channel = Collected()
        scheduler = build_scheduler(vault, [channel])
        scheduler.start()
        try:
            assert channel.arrived.wait(timeout=30)
        finally:
            scheduler.stop()
        assert [n.title for n in channel.got] == ["now-ish"] and channel.got[0].late


def test_the_morning_brief_follows_the_charter(vault: SQLiteVault, clock: ManualClock) -> None:
    from pasi.life.charter import set_charter_field
    from pasi.life.jobs import active_jobs

    channel = Collected()
    scheduler = _scheduler(vault, clock, channel)
    scheduler.run_due()
    assert active_jobs(vault.read()) == []  # no morning_brief in the charter: no brief job
    set_charter_field(vault.directory, "morning_brief", "07:30")
    scheduler.run_due()
    (job,) = active_jobs(vault.read())
    assert job.kind == "brief" and job.next_at == datetime(2024, 3, 8, 6, 30, tzinfo=UTC)
    clock.set(datetime(2024, 3, 8, 6, 30, tzinfo=UTC))
    assert [o.delivered for o in scheduler.run_due()] == [("collected",)]
    (brief,) = channel.got
    assert brief.kind == "brief" and brief.title == "Your brief for Friday 08 March"
    assert "the brief you scheduled" in deliveries(vault)[-1].reason


def test_a_job_that_cannot_be_prepared_is_logged_and_the_others_go_out(
    vault: SQLiteVault, clock: ManualClock
) -> None:
    reminders = Reminders(vault, ZONE, clock)
    reminders.add("first", "in 1 minute")
    reminders.add("second", "in 1 minute")

    def composer(conn: object, job: object, now: datetime) -> tuple[str, str]:
        if getattr(job, "title", "") == "first":
            raise ValueError("the calendar file is unreadable")
        return "second", "Reminder: second"

    channel = Collected()
    scheduler = build_scheduler(vault, [channel], clock=clock, composers={"reminder": composer})
    clock.advance(minutes=1)
    scheduler.run_due()
    assert [n.title for n in channel.got] == ["second"]
    failed = [d for d in deliveries(vault) if d.outcome == "failed"]
    assert [(d.title, d.channel) for d in failed] == [("first", None)]
    assert "the calendar file is unreadable" in failed[0].reason
    assert scheduler.run_due() == []  # skipped, not retried every round


def test_repeating_reminders_follow_the_user_to_a_new_time_zone(
    vault: SQLiteVault, clock: ManualClock
) -> None:
    from pasi.life.charter import set_charter_field

    reminders = Reminders(vault, ZONE, clock)
    daily = reminders.add("take vitamins", "every day at 8")
    tea = reminders.add("make tea", "in 20 minutes")
    scheduler = _scheduler(vault, clock, Collected())
    scheduler.run_due()
    set_charter_field(vault.directory, "timezone", "America/New_York")
    scheduler.run_due()
    # 8:00 in New York (EST until 10 March) rather than 8:00 in Berlin; tea stays at its instant.
    assert reminders.get(daily.id).due == datetime(2024, 3, 8, 13, 0, tzinfo=UTC)
    assert reminders.get(tea.id).due == tea.due


def test_the_thread_ends_when_its_vault_is_closed_under_it(tmp_path: Path) -> None:
    vault = SQLiteVault(tmp_path / "vault")
    write_charter(vault.directory)
    scheduler = build_scheduler(vault, [])
    scheduler.start()
    vault.close()  # the server released the vault (the user erased it)
    assert not scheduler.running  # stopped before the connections closed, never mid-statement
    scheduler.stop()
