"""Anti-engagement rules, in code: pasi serves the user's time, it does not farm it.

Each rule is a plain function the assistant, the scheduler and the tests share:

- :func:`may_deliver`: nothing unprompted except reminders, goal check-ins and briefs the user
  asked for, and nothing during quiet hours (a delivery then waits until they end);
- :func:`chat_minutes` and :func:`budget_note`: time spent chatting today, measured from the
  conversation's turns, and one gentle note a day once the charter's budget is reached;
- :func:`strip_bait`: an answer ends when the task is done, without "Want me to...?";
- :data:`GAMIFICATION`: words of streaks, points and badges, which no part of pasi may show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from pasi.life.charter import Charter

ASKED_FOR = frozenset({"reminder", "check_in", "brief"})  # what a user sets up; nothing else
IDLE_CAP = timedelta(minutes=5)  # a longer pause between turns is not time spent chatting

GAMIFICATION = re.compile(
    r"\b(?:streaks?|leaderboards?|badges?|achievements? unlocked|level(?:led)? up|xp points?|"
    r"daily login|combo bonus|don't break the chain)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Delivery:
    """What the rules say about one message pasi would start."""

    allowed: bool
    reason: str
    defer_until: datetime | None = None  # when set, deliver then instead (quiet hours)


def may_deliver(charter: Charter, kind: str, at: datetime, *, requested: bool) -> Delivery:
    """Whether pasi may send a message of ``kind`` at ``at`` without the user asking now.

    ``requested`` says the user asked for this message (created the reminder, turned on the
    morning brief); anything else is engagement bait and never sent.
    """
    if kind not in ASKED_FOR:
        return Delivery(False, f"pasi never starts a conversation for '{kind}'")
    if not requested:
        return Delivery(False, f"the user did not ask for this {kind}")
    if charter.is_quiet(at):
        until = charter.quiet_until(at)
        return Delivery(False, f"quiet hours until {until.isoformat()}", until)
    return Delivery(True, "asked for, outside quiet hours")


def chat_minutes(turn_times: Sequence[datetime], charter: Charter, day_of: datetime) -> float:
    """Minutes spent chatting on the user's local day holding ``day_of``.

    The time between consecutive turns of that day, each gap capped at :data:`IDLE_CAP`: a
    conversation left open over lunch does not count as an hour of chat.
    """
    day = charter.local_day(day_of)
    times = sorted(t for t in turn_times if charter.local_day(t) == day)
    spent = sum(
        (min(later - earlier, IDLE_CAP) for earlier, later in pairwise(times)),
        timedelta(),
    )
    return spent.total_seconds() / 60


def budget_reached(charter: Charter, minutes: float) -> bool:
    budget = charter.daily_budget_minutes
    return budget is not None and minutes >= budget


def budget_note(charter: Charter, minutes: float) -> str:
    """The gentle note: said once, informative, with no pressure either way."""
    return (
        f"You have spent about {round(minutes)} minutes chatting with me today, which reaches "
        f"the {charter.daily_budget_minutes} minutes you set in your charter. I am still here "
        "if you need something; this is just the note you asked for."
    )


# A closing sentence that fishes for more conversation rather than finishing the task.
_BAIT = re.compile(
    r"(?:^|(?<=[.!?\n\])]))\s*(?:"
    r"(?:would|do) you (?:like|want) (?:me )?to\b[^\n]*\?|"
    r"want me to\b[^\n]*\?|"
    r"shall i\b[^\n]*\?|"
    r"should i\b[^\n]*\?|"
    r"(?:is there )?anything else[^\n]*\?|"
    r"(?:let me know|feel free to ask) if you(?:'d| would)? (?:like|want|need)[^\n]*[.!?]|"
    r"can i help (?:you )?with anything else[^\n]*\?|"
    r"how else can i help[^\n]*\?|"
    r"what else (?:can|shall) (?:i|we)[^\n]*\?|"
    r"(?:i'?m|i am) (?:always )?here if you (?:want|need)[^\n]*[.!]"
    r")\s*$",
    re.IGNORECASE,
)

_OPTIONS_ASKED = re.compile(
    r"\b(?:options|alternatives|suggest|suggestions|ideas|what (?:else )?(?:could|can|should) i|"
    r"any other|what do you (?:think|recommend)|recommend|ask me|quiz me|questions for me)\b",
    re.IGNORECASE,
)


def asked_for_options(message: str) -> bool:
    """Whether the user's message invites follow-up questions or options."""
    return bool(_OPTIONS_ASKED.search(message))


def strip_bait(answer: str, message: str) -> str:
    """The answer without trailing questions meant to keep the user talking.

    Kept when the user asked for options or to be asked, and never stripped to nothing.
    """
    if asked_for_options(message):
        return answer
    text = answer.rstrip()
    while True:
        stripped = _BAIT.sub("", text).rstrip()
        if stripped == text or not stripped:
            return text if stripped else answer.rstrip()
        text = stripped
