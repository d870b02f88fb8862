"""Tools for the user's goals and reminders, so they can be set and updated in conversation.

"I want to run a half marathon in April" becomes ``add_goal``; "ran 8 km today" becomes
``record_goal_progress`` with the turn that said it kept as evidence; "remind me to call mum on
Sunday evening" becomes ``add_reminder``. Times are read in the user's time zone, the charter's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from pasi.life.charter import load_charter
from pasi.life.goals import Goal, Goals
from pasi.life.reminders import Reminder, Reminders
from pasi.tools.registry import Tool, ToolContext, ToolOutput


class AddGoalArgs(BaseModel):
    title: str = Field(
        min_length=1, description="The goal in a few words, e.g. 'Run a half marathon'."
    )
    why: str | None = Field(default=None, description="Why it matters to the user, in their words.")
    milestones: list[str] = Field(default_factory=list, description="Steps on the way, in order.")
    check_in: str | None = Field(
        default=None, description="How often to check in, e.g. 'every Sunday evening'."
    )
    due: str | None = Field(
        default=None, description="When the user wants it done, e.g. 'April 28'."
    )


class GoalProgressArgs(BaseModel):
    goal: str = Field(min_length=1, description="The goal's number, or words of its title.")
    note: str = Field(min_length=1, description="What the user did, e.g. 'ran 8 km'.")
    milestone: int | None = Field(
        default=None, ge=1, description="Number of the milestone this reaches, if any (from 1)."
    )


class CloseGoalArgs(BaseModel):
    goal: str = Field(min_length=1, description="The goal's number, or words of its title.")
    status: Literal["done", "abandoned"] = Field(default="done")


class AddReminderArgs(BaseModel):
    text: str = Field(min_length=1, description="What to remind the user of, e.g. 'call mum'.")
    when: str = Field(
        min_length=1,
        description="When, in plain words: 'Sunday evening', 'in 20 minutes', 'tomorrow', "
        "'every first Monday at 9'.",
    )


class ReminderIdArgs(BaseModel):
    reminder_id: int = Field(ge=1, description="The reminder's number.")


class NoArgs(BaseModel):
    pass


def _zone(context: ToolContext) -> str:
    return load_charter(context.memory.vault.directory).timezone.key


def _goals(context: ToolContext) -> Goals:
    return Goals(context.memory.vault, _zone(context), context.memory.clock)


def _reminders(context: ToolContext) -> Reminders:
    return Reminders(context.memory.vault, _zone(context), context.memory.clock)


def _at(when: datetime | None, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return when.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M") if when else "-"


def goal_line(goal: Goal, zone: str) -> str:
    parts = [f"goal {goal.id}: {goal.title} ({goal.status})"]
    if goal.why:
        parts.append(f"why: {goal.why}")
    reached = sum(1 for m in goal.milestones if m.done_at)
    if goal.milestones:
        parts.append(f"milestones {reached}/{len(goal.milestones)}")
    if goal.progress:
        parts.append(f"last progress: {goal.progress[-1].note}")
    if goal.next_check_in:
        parts.append(f"next check-in {_at(goal.next_check_in, zone)}")
    return "; ".join(parts)


def reminder_line(reminder: Reminder, zone: str) -> str:
    repeat = f", {reminder.cadence}" if reminder.cadence else ""
    return f"reminder {reminder.id}: {reminder.text} ({reminder.status}, next {_at(reminder.due, zone)}{repeat})"


def _goal(goals: Goals, ref: str) -> Goal:
    return goals.get(int(ref)) if ref.strip().isdigit() else goals.find(ref)


def add_goal(args: AddGoalArgs, context: ToolContext) -> ToolOutput:
    goal = _goals(context).add(
        args.title, why=args.why, milestones=args.milestones, check_in=args.check_in, due=args.due
    )
    return ToolOutput("added " + goal_line(goal, _zone(context)), data={"goal_id": goal.id})


def record_goal_progress(args: GoalProgressArgs, context: ToolContext) -> ToolOutput:
    goals = _goals(context)
    goal = _goal(goals, args.goal)
    evidence = [context.episode_id] if context.episode_id is not None else []
    progress = goals.record_progress(
        goal.id, args.note, evidence=evidence, milestone=args.milestone
    )
    text = f"noted on goal {goal.id} ({goal.title}): {progress.note}"
    return ToolOutput(text, data={"goal_id": goal.id, "progress_id": progress.id})


def list_goals(args: NoArgs, context: ToolContext) -> ToolOutput:
    zone = _zone(context)
    goals = _goals(context).list()
    return ToolOutput("\n".join(goal_line(g, zone) for g in goals) or "no active goals")


def close_goal(args: CloseGoalArgs, context: ToolContext) -> ToolOutput:
    goals = _goals(context)
    goal = goals.close(_goal(goals, args.goal).id, args.status)
    return ToolOutput(f"goal {goal.id} ({goal.title}) is {goal.status}", data={"goal_id": goal.id})


def add_reminder(args: AddReminderArgs, context: ToolContext) -> ToolOutput:
    reminder = _reminders(context).add(args.text, args.when, episode_id=context.episode_id)
    text = "added " + reminder_line(reminder, _zone(context))
    return ToolOutput(text, data={"reminder_id": reminder.id})


def list_reminders(args: NoArgs, context: ToolContext) -> ToolOutput:
    zone = _zone(context)
    lines = [reminder_line(r, zone) for r in _reminders(context).list()]
    return ToolOutput("\n".join(lines) or "no open reminders")


def complete_reminder(args: ReminderIdArgs, context: ToolContext) -> ToolOutput:
    reminder = _reminders(context).done(args.reminder_id)
    return ToolOutput(
        f"reminder {reminder.id} ({reminder.text}) is done", data={"reminder_id": reminder.id}
    )


def register_tools(register: Callable[[Tool], None]) -> None:
    register(
        Tool(
            "add_goal",
            "Add a goal the user wants to reach, with why, milestones and check-ins.",
            AddGoalArgs,
            add_goal,
            "create",
        )
    )
    register(
        Tool(
            "record_goal_progress",
            "Note progress the user reports on a goal (keeps this turn as evidence).",
            GoalProgressArgs,
            record_goal_progress,
            "create",
        )
    )
    register(
        Tool(
            "list_goals",
            "List the user's active goals and their progress.",
            NoArgs,
            list_goals,
            "read",
        )
    )
    register(
        Tool(
            "close_goal",
            "Mark a goal done or abandoned (its check-ins stop).",
            CloseGoalArgs,
            close_goal,
            "write",
        )
    )
    register(
        Tool(
            "add_reminder",
            "Remind the user of something at a time, or repeatedly.",
            AddReminderArgs,
            add_reminder,
            "create",
        )
    )
    register(
        Tool(
            "list_reminders",
            "List the user's open reminders and tasks.",
            NoArgs,
            list_reminders,
            "read",
        )
    )
    register(Tool("complete_reminder", "Mark a reminder or task done.", ReminderIdArgs,
                  complete_reminder, "write"))  # fmt: skip
