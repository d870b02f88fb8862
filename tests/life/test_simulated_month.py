"""A month of the user's life on a frozen clock, in Berlin, across the change to summer time.

From Friday 15 March 2024 to Monday 15 April 2024 (clocks go forward on Sunday 31 March):
recurring reminders, a goal with weekly check-ins and progress reported in chat, a reminder
that falls in quiet hours every Friday, the morning brief, a one-off reminder, pasi switched
off for three days in the middle (a new scheduler on the same vault), and a day on which the
chat budget is reached. Every delivery and every suppression is asserted, against a schedule
written out by hand below rather than computed by the code under test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from life_clock import ZONE, ManualClock, write_charter

from pasi.agent.assistant import Assistant
from pasi.agent.context import user_words
from pasi.agent.events import Notice
from pasi.life.channels import Notification, WebhookChannel
from pasi.life.deliveries import Delivery, deliveries
from pasi.life.goals import Goals
from pasi.life.jobs import next_due
from pasi.life.reminders import Reminders
from pasi.life.scheduler import Scheduler
from pasi.life.service import build_scheduler
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatRequest, Completion, ScriptedModel, ToolCall
from pasi.vault.sqlite import SQLiteVault

BERLIN = ZoneInfo(ZONE)
FIRST_DAY, LAST_DAY = date(2024, 3, 15), date(2024, 4, 15)
SWITCHED_OFF = (datetime(2024, 3, 24, 12, 0), datetime(2024, 3, 27, 12, 0))  # local times


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


@dataclass(frozen=True)
class Expected:
    at: datetime  # local time the entry is logged
    title: str
    outcome: str  # delivered or suppressed
    late: bool = False
    deferred: bool = False
    due: datetime | None = None  # when it was due, if not ``at``


class Collected:
    name = "phone"

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.got: list[tuple[datetime, Notification]] = []

    def deliver(self, notification: Notification) -> None:
        self.got.append((self.clock(), notification))


def coach(request: ChatRequest) -> Completion | str:
    """The model's part: progress goes to the goal; everything else gets a short reply."""
    last = request.messages[-1]
    if last.role == "tool":
        return "Noted."
    said = user_words(last.content)
    if "ran" in said:
        km = said.split("ran ", 1)[1].split(" today")[0]
        arguments = json.dumps({"goal": "half marathon", "note": f"ran {km}"})
        return Completion("", (ToolCall("c1", "record_goal_progress", arguments),))
    return "OK."


def run_until(scheduler: Scheduler, vault: SQLiteVault, clock: ManualClock, end: datetime) -> None:
    """Sleep as the scheduler's thread does: wake at each due time, run a round, until ``end``."""
    for _ in range(10_000):
        upcoming = next_due(vault, clock())
        if upcoming is None or upcoming > end:
            break
        clock.set(max(clock(), upcoming))
        scheduler.run_due()
    clock.set(end)
    scheduler.run_due()


def chat(
    assistant: Assistant, clock: ManualClock, messages: list[str], every_minutes: int
) -> list[Notice]:
    notices = []
    for message in messages:
        notices += [e for e in assistant.turn(message) if isinstance(e, Notice)]
        clock.advance(minutes=every_minutes)
    return notices


def expected_month() -> list[Expected]:
    off_from, off_until = (t.replace(tzinfo=BERLIN) for t in SWITCHED_OFF)
    entries: list[Expected] = []
    missed: list[Expected] = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        timed = [(berlin(day, 7, 30), f"Your brief for {day:%A %d %B}"),
                 (berlin(day, 8), "take vitamins")]  # fmt: skip
        if day.weekday() == 6:  # Sunday
            timed += [
                (berlin(day, 18), "call mum"),
                (berlin(day, 19), "Check-in: Run a half marathon"),
            ]
        if day == date(2024, 4, 1):
            timed.append((berlin(day, 9), "pay rent"))
        for at, title in timed:
            if day == FIRST_DAY:
                continue  # the month starts at noon
            if off_from < at < off_until:
                if title.startswith("Your brief"):  # a late brief is the brief of its day
                    title = f"Your brief for {off_until:%A %d %B}"
                missed.append(Expected(off_until, title, "delivered", late=True, due=at))
            else:
                entries.append(Expected(at, title, "delivered"))
        if day.weekday() == 4:  # Friday 22:30 is quiet: held back until 07:00 on Saturday
            entries.append(Expected(berlin(day, 22, 30), "check the backups", "suppressed"))
            entries.append(Expected(berlin(day + timedelta(days=1), 7), "check the backups",
                                    "delivered", deferred=True, due=berlin(day, 22, 30)))  # fmt: skip
        day += timedelta(days=1)
    # Each missed job goes out once, oldest first, whatever number of its occurrences were missed.
    once: dict[str, Expected] = {}
    for entry in missed:
        once.setdefault(entry.title, entry)
    batch = sorted(once.values(), key=lambda e: e.due)  # type: ignore[arg-type, return-value]
    return sorted(entries, key=lambda e: e.at) + batch


def _logged(entries: list[Delivery]) -> list[Expected]:
    return [
        Expected(d.at.astimezone(BERLIN), d.title, d.outcome, d.late, "quiet hours" in d.reason
                 and d.outcome == "delivered", None if d.due_at == d.at else d.due_at.astimezone(BERLIN))
        for d in entries
    ]  # fmt: skip


def _in_order(entries: list[Expected]) -> list[Expected]:
    return sorted(entries, key=lambda e: (e.at, e.due or e.at))


def test_a_simulated_month(tmp_path: Path, webhook: tuple[str, list[dict[str, Any]]]) -> None:
    vault_dir = tmp_path / "vault"
    clock = ManualClock(berlin(FIRST_DAY, 12).astimezone(UTC))
    vault = SQLiteVault(vault_dir)
    write_charter(vault_dir, quiet=("22:00", "07:00"), daily_budget_minutes="20",
                  morning_brief="07:30")  # fmt: skip
    reminders, goals = Reminders(vault, ZONE, clock), Goals(vault, ZONE, clock)
    reminders.add("take vitamins", "every day at 8")
    reminders.add("call mum", "every Sunday evening")
    reminders.add("check the backups", "every Friday at 22:30")
    reminders.add("pay rent", "April 1 at 9")
    goal = goals.add("Run a half marathon", why="to be fit at 40", milestones=["15 km"],
                     check_in="every Sunday at 19:00", due="April 28")  # fmt: skip
    phone, hook = Collected(clock), WebhookChannel(webhook[0])
    scheduler = build_scheduler(vault, [phone, hook], clock=clock)

    # Week 1, and an evening of chatting that goes past the 20-minute budget.
    run_until(scheduler, vault, clock, berlin(date(2024, 3, 20), 20).astimezone(UTC))
    assistant = Assistant(MemoryStore(vault, None, clock), ScriptedModel(coach), clock=clock)
    notices = chat(assistant, clock, [f"thought number {n}" for n in range(10)], every_minutes=3)
    assert [n.kind for n in notices] == ["budget"]  # once, when 21 minutes were reached
    assert chat(assistant, clock, ["one more thing", "and another"], every_minutes=3) == []
    run_until(scheduler, vault, clock, berlin(date(2024, 3, 21), 20).astimezone(UTC))
    assert chat(assistant, clock, ["a new day"], every_minutes=1) == []  # under budget again

    # Progress reported in chat, then pasi is switched off from Sunday noon to Wednesday noon.
    run_until(scheduler, vault, clock, berlin(date(2024, 3, 23), 10).astimezone(UTC))
    chat(assistant, clock, ["ran 8 km today"], every_minutes=1)
    run_until(scheduler, vault, clock, SWITCHED_OFF[0].replace(tzinfo=BERLIN).astimezone(UTC))
    vault.close()
    clock.set(SWITCHED_OFF[1].replace(tzinfo=BERLIN).astimezone(UTC))
    vault = SQLiteVault(vault_dir)  # a new process: new vault connection, new scheduler
    scheduler = build_scheduler(vault, [phone, hook], clock=clock)
    scheduler.run_due()

    # Across the change to summer time, more progress, to the end of the month.
    run_until(scheduler, vault, clock, berlin(date(2024, 3, 31), 10).astimezone(UTC))
    assistant = Assistant(MemoryStore(vault, None, clock), ScriptedModel(coach), clock=clock)
    chat(assistant, clock, ["ran 12 km today"], every_minutes=1)
    run_until(scheduler, vault, clock, berlin(LAST_DAY, 12).astimezone(UTC))

    log = deliveries(vault)
    phone_log = [d for d in log if d.channel in ("phone", None)]
    assert _in_order(_logged(phone_log)) == _in_order(expected_month())
    posted = [(d.title, d.late) for d in log if d.channel == "webhook"]
    assert [(n["title"], n["late"]) for n in webhook[1]] == posted  # the real HTTP server's view
    assert len([d for d in log if d.outcome == "delivered"]) == 2 * 74  # phone and webhook
    assert len([d for d in log if d.outcome == "suppressed"]) == 5
    assert {d.channel for d in log if d.outcome == "delivered"} == {"phone", "webhook"}
    assert [(at, n.title) for at, n in phone.got] == [
        (d.at, d.title) for d in phone_log if d.outcome == "delivered"
    ]

    # The same local hour on both sides of the change: 08:00 is 07:00 UTC, then 06:00 UTC.
    vitamins = [d.at for d in log if d.title == "take vitamins" and not d.late]
    assert {at.astimezone(BERLIN).hour for at in vitamins} == {8}
    assert {at.hour for at in vitamins if at < datetime(2024, 3, 31, tzinfo=UTC)} == {7}
    assert {at.hour for at in vitamins if at > datetime(2024, 3, 31, tzinfo=UTC)} == {6}

    # Check-ins report the latest progress, which keeps the turn that reported it.
    check_ins = {at.astimezone(BERLIN).date(): n for at, n in phone.got if n.kind == "check_in"}
    assert "Last progress (2024-03-23): ran 8 km" in check_ins[date(2024, 3, 27)].body
    assert "Last progress (2024-03-31): ran 12 km" in check_ins[date(2024, 3, 31)].body
    assert "Why it matters to you: to be fit at 40" in check_ins[date(2024, 4, 14)].body
    progress = Goals(vault, ZONE, clock).get(goal.id).progress
    evidence = [vault.read().execute("SELECT text FROM episodes WHERE id = ?", (p.evidence[0],))
                .fetchone()[0] for p in progress]  # fmt: skip
    assert evidence == ["ran 8 km today", "ran 12 km today"]

    # The one-off reminder went out once and waits, as a task, to be marked done.
    rent = next(r for r in Reminders(vault, ZONE, clock).list() if r.text == "pay rent")
    assert (rent.status, rent.due) == ("due", None)
    vault.close()
