"""Which tools a turn offers the model: the ones the message may need, not all of them.

Every tool offered costs prompt tokens (pasi's dozen: about 2,300 of a small model's prompt)
and invites a small model to call it. Measured with Qwen2.5-Coder-0.5B and every tool offered,
a plain statement ("I keep my bike in the shed") and a question its context already answered
each became three ``recall`` calls and four model calls, and a request for a goal set off
fourteen calls. The context already carries what retrieval finds, so the reading tools are
offered when the message asks to look further ("search my notes", "how many meetings"), and
the acting ones when it names their action. A tool no rule here knows (a plugin's) is always
offered. ``tool_offer = "all"`` (setting) offers every tool every turn, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pasi.models.chat import ToolCall, ToolSpec
from pasi.safety.consent_rule import asked_tools
from pasi.tools.registry import Toolset

_LOOK = (
    r"\b(?:recall|remember(?:ed)?|search|look(?:ing)? (?:up|for|through)|find|notes?|"
    r"what do you know|told you|did i (?:say|tell|mention))\b"
)
_DATA = (
    r"\b(?:how (?:many|much|often|long)|count|total|sum|average|spent|spend|paid|pay|cost|"
    r"calendar|meetings?|events?|appointments?|e-?mails?|mails?|inbox|contacts?|tables?|csv|"
    r"transactions?|budget|expenses?|income)\b"
)
_ASKS_FOR = r"\b(?:what|which|list|show|any|my)\b[^.!?]*\b"
TRIGGERS: dict[str, str] = {
    "recall": _LOOK,
    "search": _LOOK,
    "remember": r"\b(?:remember|note (?:that|down)|keep in mind|save|store)\b",
    "forget": r"(?<!don't )(?<!do not )\b(?:forget|delete|erase)\b",
    "add_goal": r"\bgoals?\b(?![^.!?]*\?)|\bi (?:want|plan|aim|hope) to\b",
    "list_goals": _ASKS_FOR + r"goals?\b|\bhow am i doing\b",
    "record_goal_progress": (
        r"\b(?:ran|run|finished|completed|practi[cs]ed|trained|progress|km|miles)\b"
    ),
    "close_goal": r"\b(?:achieved|reached|give up|abandon|drop|done with)\b",
    "add_reminder": r"\b(?:remind(?:er)?|don'?t (?:let me )?forget|make sure i|alarm)\b",
    "list_reminders": _ASKS_FOR + r"reminders?\b",
    "complete_reminder": r"\b(?:done|did|finished|completed|bought|called)\b[^.!?]*\breminder",
    "query_data": _DATA,
}
_COMPILED = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in TRIGGERS.items()}


def relevant_tools(message: str, offered: Sequence[ToolSpec]) -> list[ToolSpec]:
    """The tools ``message`` may need, in the order offered (none for plain talk)."""
    return [
        spec
        for spec in offered
        if spec.name not in _COMPILED or _COMPILED[spec.name].search(message)
    ]


def requested(message: str, tools: Toolset) -> frozenset[str]:
    """The acting tools the message asks for, for the consent gate: pasi's own by the words
    above (``remind me`` asks for add_reminder), any other by its name's verb and object."""
    names = [tool.name for tool in tools.tools() if tool.side_effect]
    known = {name for name in names if name in _COMPILED and _COMPILED[name].search(message)}
    return frozenset(known) | asked_tools(message, [n for n in names if n not in _COMPILED])


def distinct(calls: Sequence[ToolCall]) -> tuple[ToolCall, ...]:
    """The calls of one reply without exact repeats (same tool, same arguments): run once."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for call in calls:
        key = (call.name, " ".join(call.arguments.split()))
        if key not in seen:
            seen.add(key)
            kept.append(call)
    return tuple(kept)


# Requests to create something, by the tool that creates it: when the turn ends without that
# tool having run, the user is told so (a model may say "I will remind you" and set nothing:
# Qwen2.5-Coder-1.5B did).
_ASKED = {
    "add_reminder": re.compile(
        r"\b(?:remind me|make sure i (?:don'?t forget|remember)|don'?t let me forget|"
        r"set (?:a|an|me a) (?:reminder|alarm))\b",
        re.IGNORECASE,
    ),
    "add_goal": re.compile(r"\b(?:add|set|track|new|create)\b[^.!?]*\bgoal\b", re.IGNORECASE),
}
_WHAT = {"add_reminder": "reminder", "add_goal": "goal"}


def unmet_requests(message: str, ran: Sequence[str]) -> list[str]:
    """What the message asked pasi to create that no successful call of the turn created:
    "reminder", "goal"."""
    return [
        _WHAT[tool] for tool, asked in _ASKED.items() if asked.search(message) and tool not in ran
    ]
