"""``pasi goals``, ``pasi reminders`` and ``pasi scheduler``: the user's commitments.

Times are shown and read in the user's time zone (the charter's ``timezone``).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from pasi.cli.common import State, state
from pasi.cli.render import console, print_json

if TYPE_CHECKING:
    from pasi.life.goals import Goal, Goals
    from pasi.life.reminders import Reminder, Reminders

goals_app = typer.Typer(
    help="Your goals: why, milestones, progress and check-ins.", no_args_is_help=True
)
reminders_app = typer.Typer(
    help="Reminders and tasks in plain language.", invoke_without_command=True
)
scheduler_app = typer.Typer(help="The scheduler that sends reminders, check-ins and briefs.", no_args_is_help=True)  # fmt: skip

JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def register(app: typer.Typer) -> None:
    app.add_typer(goals_app, name="goals")
    app.add_typer(reminders_app, name="reminders")
    app.add_typer(scheduler_app, name="scheduler")


def _zone(cli: State) -> str:
    from pasi.life.service import user_timezone

    return user_timezone(cli.pasi().vault.directory)


def _goals(ctx: typer.Context) -> tuple[Goals, str]:
    from pasi.life.goals import Goals

    cli = state(ctx)
    zone = _zone(cli)
    return Goals(cli.pasi().vault, zone, cli.pasi().clock), zone


def _reminders(ctx: typer.Context) -> tuple[Reminders, str]:
    from pasi.life.reminders import Reminders

    cli = state(ctx)
    zone = _zone(cli)
    return Reminders(cli.pasi().vault, zone, cli.pasi().clock), zone


def _local(at: datetime | None, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return at.astimezone(ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M") if at else "-"


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def _say(text: str) -> None:
    console().print(text, markup=False, highlight=False)


# -- goals -----------------------------------------------------------------------------------


def goal_json(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.id, "title": goal.title, "why": goal.why, "status": goal.status,
        "due": _iso(goal.due), "check_in": goal.check_in, "next_check_in": _iso(goal.next_check_in),
        "milestones": [{"text": m.text, "done_at": _iso(m.done_at)} for m in goal.milestones],
        "progress": [{"id": p.id, "note": p.note, "at": _iso(p.at), "evidence": list(p.evidence)}
                     for p in goal.progress],
        "created_at": _iso(goal.created_at), "completed_at": _iso(goal.completed_at),
    }  # fmt: skip


@goals_app.command("add")
def goals_add(
    ctx: typer.Context,
    title: str = typer.Argument(..., help="The goal, e.g. 'Run a half marathon'."),
    why: str | None = typer.Option(None, "--why", help="Why it matters to you."),
    milestone: list[str] = typer.Option([], "--milestone", help="A step on the way (repeatable)."),
    check_in: str | None = typer.Option(
        None,
        "--check-in",
        metavar="WHEN",
        help="How often pasi asks how it goes: 'every Sunday evening'.",
    ),
    due: str | None = typer.Option(None, "--due", metavar="WHEN", help="When you want it done."),
) -> None:
    """Add a goal."""
    goals, zone = _goals(ctx)
    goal = goals.add(title, why=why, milestones=milestone, check_in=check_in, due=due)
    next_one = f", next check-in {_local(goal.next_check_in, zone)}" if goal.next_check_in else ""
    _say(f"added goal {goal.id}: {goal.title}{next_one}")


@goals_app.command("list")
def goals_list(
    ctx: typer.Context,
    all_: bool = typer.Option(False, "--all", help="Include goals that are done or abandoned."),
    as_json: bool = JSON,
) -> None:
    """List your active goals."""
    from rich.table import Table

    goals, zone = _goals(ctx)
    found = goals.list(status=None if all_ else "active")
    if as_json:
        print_json([goal_json(g) for g in found])
        return
    if not found:
        _say("no goals yet: add one with `pasi goals add`")
        return
    table = Table("id", "goal", "status", "milestones", "last progress", "next check-in")
    for goal in found:
        reached = sum(1 for m in goal.milestones if m.done_at)
        last = goal.progress[-1].note if goal.progress else "-"
        table.add_row(str(goal.id), goal.title, goal.status, f"{reached}/{len(goal.milestones)}",
                      last, _local(goal.next_check_in, zone))  # fmt: skip
    console().print(table)


@goals_app.command("show")
def goals_show(
    ctx: typer.Context,
    goal_id: int = typer.Argument(..., help="The goal's number."),
    as_json: bool = JSON,
) -> None:
    """Show a goal: why, milestones, every progress note and the turns it came from."""
    goals, zone = _goals(ctx)
    goal = goals.get(goal_id)
    if as_json:
        print_json(goal_json(goal))
        return
    _say(f"goal {goal.id}: {goal.title} ({goal.status})")
    for label, value in (("why", goal.why), ("due", goal.due and _local(goal.due, zone)),
                         ("check-in", goal.check_in), ("next check-in",
                          goal.next_check_in and _local(goal.next_check_in, zone))):  # fmt: skip
        if value:
            _say(f"  {label}: {value}")
    for number, step in enumerate(goal.milestones, start=1):
        mark = f"reached {_local(step.done_at, zone)}" if step.done_at else "to do"
        _say(f"  milestone {number}: {step.text} ({mark})")
    for note in goal.progress:
        turns = ", ".join(f"[t{e}]" for e in note.evidence)
        _say(f"  {_local(note.at, zone)}  {note.note}" + (f"  (from {turns})" if turns else ""))


@goals_app.command("progress")
def goals_progress(
    ctx: typer.Context,
    goal_id: int = typer.Argument(..., help="The goal's number."),
    note: str = typer.Argument(..., help="What you did, e.g. 'ran 8 km'."),
    milestone: int | None = typer.Option(
        None, "--milestone", min=1, help="Number of the milestone this reaches."
    ),
) -> None:
    """Note progress on a goal."""
    goals, _ = _goals(ctx)
    goals.record_progress(goal_id, note, milestone=milestone)
    _say(f"noted on goal {goal_id}: {note}")


@goals_app.command("done")
def goals_done(
    ctx: typer.Context,
    goal_id: int = typer.Argument(..., help="The goal's number."),
    abandon: bool = typer.Option(False, "--abandon", help="Drop the goal instead of finishing it."),
) -> None:
    """Finish (or abandon) a goal; its check-ins stop."""
    goals, _ = _goals(ctx)
    goal = goals.close(goal_id, "abandoned" if abandon else "done")
    _say(f"goal {goal.id} ({goal.title}) is {goal.status}")


# -- reminders -------------------------------------------------------------------------------


def reminder_json(reminder: Reminder) -> dict[str, Any]:
    return {
        "id": reminder.id, "text": reminder.text, "status": reminder.status,
        "due": _iso(reminder.due), "cadence": reminder.cadence, "rule": reminder.rule,
        "created_at": _iso(reminder.created_at), "done_at": _iso(reminder.done_at),
        "episode_id": reminder.episode_id,
    }  # fmt: skip


@reminders_app.callback()
def reminders_default(ctx: typer.Context) -> None:
    """Reminders and tasks in plain language; without a command, list the open ones."""
    if ctx.invoked_subcommand is None:
        reminders_list(ctx, all_=False, as_json=False)


@reminders_app.command("list")
def reminders_list(
    ctx: typer.Context,
    all_: bool = typer.Option(False, "--all", help="Include reminders that are done."),
    as_json: bool = JSON,
) -> None:
    """List open reminders, the next due first."""
    from rich.table import Table

    reminders, zone = _reminders(ctx)
    found = reminders.list(include_done=all_)
    if as_json:
        print_json([reminder_json(r) for r in found])
        return
    if not found:
        _say("no open reminders: add one with `pasi reminders add`")
        return
    table = Table("id", "reminder", "status", "next", "repeats")
    for r in found:
        table.add_row(str(r.id), r.text, r.status, _local(r.due, zone), r.cadence or "-")
    console().print(table)


@reminders_app.command("add")
def reminders_add(
    ctx: typer.Context,
    text: str = typer.Argument(
        ..., help="What, e.g. 'call mum', or the whole sentence with the time."
    ),
    when: str | None = typer.Option(
        None,
        "--when",
        metavar="WHEN",
        help="When: 'Sunday evening', 'in 20 minutes', 'every first Monday at 9'.",
    ),
) -> None:
    """Add a reminder: `pasi reminders add "call mum on Sunday evening"`."""
    reminders, zone = _reminders(ctx)
    reminder = reminders.add(text, when)
    repeat = f" ({reminder.cadence})" if reminder.cadence else ""
    _say(f"reminder {reminder.id}: {reminder.text}, {_local(reminder.due, zone)}{repeat}")


@reminders_app.command("done")
def reminders_done(
    ctx: typer.Context, reminder_id: int = typer.Argument(..., help="The reminder's number.")
) -> None:
    """Mark a reminder done (a repeating one stops)."""
    reminders, _ = _reminders(ctx)
    reminder = reminders.done(reminder_id)
    _say(f"reminder {reminder.id} ({reminder.text}) is done")


@reminders_app.command("snooze")
def reminders_snooze(
    ctx: typer.Context,
    reminder_id: int = typer.Argument(..., help="The reminder's number."),
    until: str = typer.Argument(
        "10 minutes", help="For how long or until when: '1 hour', 'tomorrow'."
    ),
) -> None:
    """Send a reminder again later."""
    reminders, zone = _reminders(ctx)
    reminder = reminders.snooze(reminder_id, until)
    _say(f"reminder {reminder.id} ({reminder.text}) snoozed until {_local(reminder.due, zone)}")


@reminders_app.command("delete")
def reminders_delete(
    ctx: typer.Context, reminder_id: int = typer.Argument(..., help="The reminder's number.")
) -> None:
    """Delete a reminder (what was already sent stays in `pasi scheduler log`)."""
    reminders, _ = _reminders(ctx)
    reminders.delete(reminder_id)
    _say(f"deleted reminder {reminder_id}")


# -- scheduler -------------------------------------------------------------------------------


def start_scheduler(cli: State, *, terminal: bool = True) -> Callable[[], None]:
    """The scheduler in a background thread of this process; returns the function stopping it."""
    from pasi.life.service import build_scheduler, channels_for

    pasi = cli.pasi()
    channels = channels_for(cli.settings(), terminal=terminal)
    scheduler = build_scheduler(pasi.vault, channels, clock=pasi.clock)
    scheduler.start()
    return scheduler.stop


@scheduler_app.command("run")
def scheduler_run(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Send what is due now, then exit (for cron)."),
) -> None:
    """Run the scheduler in the foreground: reminders print here and go to every channel that is on."""
    from pasi.life.service import build_scheduler, channels_for

    cli = state(ctx)
    pasi = cli.pasi()
    channels = channels_for(cli.settings(), terminal=True)
    scheduler = build_scheduler(pasi.vault, channels, clock=pasi.clock)
    if once:
        outcomes = scheduler.run_due()
        _say(f"{len(outcomes)} job(s) were due")
        return
    _say(
        "pasi scheduler: running; Ctrl-C stops it. Channels: " + ", ".join(c.name for c in channels)
    )
    stopped = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    scheduler.start()
    try:
        while not stopped.wait(1.0):
            pass
    except KeyboardInterrupt:
        sys.stdout.write("\n")
    finally:
        scheduler.stop()
        signal.signal(signal.SIGTERM, previous)


@scheduler_app.command("jobs")
def scheduler_jobs(ctx: typer.Context, as_json: bool = JSON) -> None:
    """List the scheduled jobs: reminders, goal check-ins and briefs, with their next time."""
    from rich.table import Table

    from pasi.life.jobs import active_jobs

    cli = state(ctx)
    zone = _zone(cli)
    found = active_jobs(cli.pasi().vault.read())
    if as_json:
        print_json([{"id": j.id, "kind": j.kind, "ref_id": j.ref_id, "title": j.title, "rule": j.rule,
                     "timezone": j.timezone, "next_at": _iso(j.next_at),
                     "deferred_to": _iso(j.deferred_to)} for j in found])  # fmt: skip
        return
    table = Table("id", "kind", "title", "next", "repeats")
    for job in found:
        rule = job.rule.removeprefix("RRULE:") if job.rule else "-"
        table.add_row(str(job.id), job.kind, job.title, _local(job.due_at(), zone), rule)
    console().print(table)


@scheduler_app.command("log")
def scheduler_log(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", min=1, help="How many of the latest entries."),
    as_json: bool = JSON,
) -> None:
    """What pasi sent, through which channel and why, and what quiet hours held back."""
    from rich.table import Table

    from pasi.life.deliveries import deliveries, last_id

    cli = state(ctx)
    vault = cli.pasi().vault
    zone = _zone(cli)
    found = deliveries(vault, after_id=max(0, last_id(vault) - limit))
    if as_json:
        print_json([{"id": d.id, "job_id": d.job_id, "kind": d.kind, "title": d.title, "body": d.body,
                     "due_at": _iso(d.due_at), "at": _iso(d.at), "channel": d.channel,
                     "outcome": d.outcome, "reason": d.reason, "late": d.late} for d in found])  # fmt: skip
        return
    table = Table("at", "what", "channel", "outcome", "why")
    for d in found:
        table.add_row(_local(d.at, zone), d.title, d.channel or "-", d.outcome, d.reason)
    console().print(table)
