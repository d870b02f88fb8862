"""Messages pasi can act on without a model: a reminder or a "remember that" said plainly.

A small local model takes seconds per call on a laptop CPU, and it often gets these wrong (a
tool name that does not exist, the call printed as text). When a message is one clear request
of a kind pasi parses itself ("remind me on Friday at 8am to buy rosin", "every first Monday at
9 remind me to pay rent", "remember that Ana's birthday is 3 May"), :func:`recognise` turns it
into the same tool call the model would make; the assistant runs it through the consent gate
and answers with the tool's confirmation. Anything less clear (a question, no time it can
parse, a second request in the same message) returns None and goes to the model as before.
Times are read by the life layer's own parser (:mod:`pasi.life.when`), the one behind
``pasi reminders add``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pasi.agent.events import Event, TextDelta, ToolFinished, ToolStarted
from pasi.clock import Clock
from pasi.errors import InputError
from pasi.life.charter import load_charter
from pasi.life.reminders import Reminders
from pasi.life.when import parse_when, split_reminder
from pasi.memory.store import MemoryStore
from pasi.models.chat import ToolCall
from pasi.safety.taint import Taint
from pasi.tools.consent import ConsentGate
from pasi.tools.registry import ToolContext, ToolResult, Toolset

MAX_WORDS = 30  # a longer message is rarely one plain request
_LEAD = re.compile(
    r"^(?:(?:hey|hi|ok|okay)\s+pasi[,:]?\s+|pasi[,:]\s+)?(?:(?:can|could|would|will) you\s+)?"
    r"(?:please\s+)?",
    re.I,
)
_TRAIL = re.compile(r"(?:[\s,]+please)?[\s.!…]*$", re.I)
# "...and also...", "...then tell me...": a second request the model must see
_SECOND_REQUEST = re.compile(
    r"\b(?:and also|also (?:tell|show|remind|add|check|find)|and then|and tell|and show|and list|and check|and find|and search|and what"
    r"|and when|and where|and who|and how|can you|could you|would you|will you)\b",
    re.I,
)
_TIME_WORDS = re.compile(
    r"\b(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|every|each|next|noon|midnight|morning|afternoon|evening|in (?:an?|\d+)|at \d|\d{1,2}(?::\d{2})?\s*(?:am|pm))\b",
    re.I,
)
_REMIND_FIRST = re.compile(r"^remind me (?:to|about|of)\s+(?P<rest>.+)$", re.I)
_TIME_FIRST = re.compile(r"^remind me (?P<when>.+?),?\s+(?:to|about)\s+(?P<what>.+)$", re.I)
_TIME_BEFORE = re.compile(
    r"^(?P<when>.+?),?\s+(?:please\s+)?remind me (?:to|about)\s+(?P<what>.+)$", re.I
)
_REMEMBER = re.compile(
    r"^(?:remember|note|keep in mind|don't forget|do not forget) that\s+(?P<what>.+)$", re.I
)
_NOT_A_FACT = re.compile(r"^(?:time|day|night|moment|one|place|when)\b", re.I)  # nostalgia
_PREFERENCE = re.compile(
    r"^i (?:really )?(?:like|love|prefer|hate|dislike|enjoy|can't stand)\b", re.I
)
_FIRST_PERSON = re.compile(r"^(?:i|i'm|i've|i'd|my|me|we|our)\b", re.I)
_NAMED = re.compile(r"^([A-Z][a-z]+)(?:'s)?\b")


@dataclass(frozen=True)
class Intent:
    """A tool call pasi worked out from the message itself."""

    kind: str  # "reminder" or "remember"
    tool: str
    arguments: dict[str, Any]

    def call(self) -> ToolCall:
        """The call as the model would have written it; the id says no model wrote it."""
        return ToolCall(f"local_{self.kind}", self.tool, json.dumps(self.arguments))


def recognise(message: str, now: datetime, timezone: str) -> Intent | None:
    """The one clear request in ``message``, or None when the model should read it."""
    text = _plain(message)
    if text is None:
        return None
    return _reminder(text, now, timezone) or _remember(text)


def confirmation(intent: Intent, result: ToolResult, memory: MemoryStore) -> str:
    """What the user reads: what pasi did (or why not), in words, with the tag to cite."""
    if not result.ok:
        return f"I could not do that: {result.content}"
    if intent.kind == "reminder" and "reminder_id" in result.data:
        zone = load_charter(memory.vault.directory).timezone
        reminder = Reminders(memory.vault, zone.key, memory.clock).get(result.data["reminder_id"])
        due = (
            reminder.due.astimezone(zone).strftime("%A %d %B %Y at %H:%M") if reminder.due else "-"
        )
        repeats = f", then {reminder.cadence}" if reminder.cadence else ""
        return f"Reminder set: {reminder.text}, {due}{repeats} (reminder {reminder.id})."
    if intent.kind == "remember" and "memory_id" in result.data:
        return f"Noted: {intent.arguments['text']} [m{result.data['memory_id']}]."
    if intent.kind == "remember" and result.data.get("held"):  # sensitive: consent first
        kinds = " and ".join(result.data["held"])
        commands = "; ".join(f"`pasi consent {kind} yes`" for kind in result.data["held"])
        return (
            f"Not stored: this is about {kinds}, and you have not agreed to let pasi keep "
            f"{kinds} memories ({commands} agrees; they stay on this machine). Your words in "
            "this conversation are kept either way."
        )
    return result.content


def _plain(message: str) -> str | None:
    """The message without greeting and closing words, when it is one short statement."""
    if "?" in message or "\n" in message.strip():
        return None
    text = _TRAIL.sub("", _LEAD.sub("", " ".join(message.split()), count=1))
    if not text or len(text.split()) > MAX_WORDS or re.search(r"[.!;]\s+\S", text):
        return None  # several sentences: perhaps several requests
    if _SECOND_REQUEST.search(text):
        return None
    return text


def _reminder(text: str, now: datetime, timezone: str) -> Intent | None:
    if len(re.findall(r"\bremind\b", text, re.I)) != 1 or not re.search(
        r"\bremind me\b", text, re.I
    ):
        return None
    for what, when in _reminder_parts(text, now, timezone):
        timed = _TIME_WORDS.search(when) and not _TIME_WORDS.search(what)
        if what and timed and _parses(when, now, timezone):
            return Intent("reminder", "add_reminder", {"text": what, "when": when})
    return None


def _reminder_parts(text: str, now: datetime, timezone: str) -> list[tuple[str, str]]:
    """Candidate (what, when) splits, in the order the shapes are tried."""
    found = []
    if match := _TIME_FIRST.match(text):  # "remind me on Friday at 8am to buy rosin"
        found.append((match["what"].strip(" ,"), match["when"].strip(" ,")))
    if match := _TIME_BEFORE.match(text):  # "every first Monday at 9 remind me to pay rent"
        found.append((match["what"].strip(" ,"), match["when"].strip(" ,")))
    if _REMIND_FIRST.match(text):  # "remind me to call Anna tomorrow at 9"
        try:
            what, when, _ = split_reminder(text, now, timezone)
        except InputError:
            return found
        found.append((what, when))
    return found


def _parses(when: str, now: datetime, timezone: str) -> bool:
    try:
        parse_when(when, now, timezone)
    except InputError:
        return False
    return True


def _remember(text: str) -> Intent | None:
    match = _REMEMBER.match(text)
    if match is None or "remind" in text.lower():
        return None
    what = match["what"].strip(" ,")
    if not what or _NOT_A_FACT.match(what):
        return None
    what = what[0].upper() + what[1:]
    kind = "preference" if _PREFERENCE.match(what) else "fact"
    named = _NAMED.match(what)
    subject = named.group(1) if named and not _FIRST_PERSON.match(what) else "user"
    if subject in ("The", "A", "An", "This", "That", "It", "There", "They", "He", "She"):
        subject = "user"
    return Intent("remember", "remember", {"text": what, "kind": kind, "subject": subject})


def local_intent(memory: MemoryStore, tools: Toolset, message: str, now: datetime) -> Intent | None:
    """The message's clear intent, when the toolset offers its tool (times in the charter's
    zone); None: the model decides."""
    zone = load_charter(memory.vault.directory).timezone.key
    intent = recognise(message, now, zone)
    offered = {tool.name for tool in tools.tools()}
    return intent if intent is not None and intent.tool in offered else None


def act_locally(
    intent: Intent, tools: Toolset, context: ToolContext, source_uri: str, clock: Clock
) -> Iterator[Event]:
    """The tool the model would have called, run through the consent gate (audited, and held
    if the rules say so), then its confirmation. Its taint is empty: no external text was read."""
    gate = ConsentGate(tools, Taint(), source_uri, clock)
    call = intent.call()
    yield ToolStarted(call)
    result = gate.run(call, context)
    yield ToolFinished(call, result)
    yield TextDelta(confirmation(intent, result, context.memory))
