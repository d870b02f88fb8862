"""When a side-effecting call runs, waits for the user, or is refused: one rule, three answers.

In a turn that has read text written by others (:mod:`pasi.safety.taint`), two questions
decide, as CaMeL decides with the user's query and the data flow of each value:

1. **Did the user ask for this kind of action?** Their message of this turn must name its
   action (send, delete, create, share, ...) and, when several tools share that verb, what it
   acts on (an email, a file, an event). The choice of tool must come from the user: an
   injected "delete file 13" must not run because the user's own file ids are clean.
2. **Are its targets the user's?** Every target (:mod:`pasi.safety.dataflow`) is found in the
   user's words or the user's records, not in text others wrote nor made up by the model. For
   a tool that keeps what it is given in pasi's vault as the user's (remember, goals,
   reminders), content found in others' text counts too: stored, it would become the user's.

| asked for | targets the user's | then |
|---|---|---|
| yes | yes | runs, no question (audited as every side effect) |
| yes | no | waits for the user, showing which value came from where |
| no | yes | waits for the user: the user did not ask for it |
| no | no | refused without a question (kept, denied, in ``pasi actions``) |

The last row is the shape of an injection (an action nobody asked for, aimed at someone the
user never named). Asking about it would train the user to click yes; it is refused, the model
reads why, and the user can still find it and ask for it in their own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from pasi.safety.dataflow import Origin

Action = Literal["run", "ask", "refuse"]

# Verbs naming an action, by the first word of a tool's name (``send_email`` -> send).
VERBS: dict[str, str] = {
    # "email" only as a command ("Email Bob ..."), not the noun ("based on the emails")
    "send": r"send|reply|forward|write (?:to|back)|(?:^|(?<=[.!?;:] )|(?<=please )|(?<=and )"
    r"|(?<=then ))e-?mail",
    "delete": r"delete|remove|erase|trash|get rid of",
    "cancel": r"cancel|call off|delete|remove",
    "create": r"create|add|make|new|schedule|book|set up|organi[sz]e|put|plan",
    "add": r"add|invite|include|put",
    "append": r"append|add|write|insert|put|include",
    "reschedule": r"reschedule|move|postpone|push|shift|change",
    "share": r"share|give access|grant",
    "update": r"update|edit|change|modify|correct",
    "remember": r"remember|note|save|store|keep in mind",
    "forget": r"(?<!don't )(?<!do not )(?:forget|delete|erase|remove)",
    "record": r"ran|run|did|finished|completed|practi[cs]ed|trained|progress|log",
    "close": r"close|achieved|reached|give up|abandon|drop|done with|finished",
    "complete": r"done|did|finished|completed|complete|bought|called",
}
# Words for what a tool acts on, by the other words of its name.
OBJECTS: dict[str, str] = {
    "email": r"e-?mails?|mails?|messages?|inbox|repl(?:y|ies)",
    "calendar": r"calendar|events?|meetings?|appointments?|lunch|dinner|invitations?",
    "event": r"calendar|events?|meetings?|appointments?|lunch|dinner|invitations?",
    "file": r"files?|documents?|docs?|drive|lists?|sheets?|spreadsheets?|\.docx|\.xlsx",
    "participants": r"participants?|attendees?|guests?|invite",
    "goal": r"goals?",
    "reminder": r"remind(?:er)?s?",
}


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)


def _verb(name: str) -> re.Pattern[str]:
    first = name.split("_")[0]
    return _words(VERBS.get(first, re.escape(first)))


def _objects(name: str) -> list[re.Pattern[str]]:
    return [_words(OBJECTS.get(w, re.escape(w))) for w in name.split("_")[1:] if len(w) > 2]


def asked_tools(said: str, names: Iterable[str]) -> frozenset[str]:
    """The side-effecting tools the user's words ask for: the verb names the action; when more
    than one tool answers to the verb, a word for the object must say which."""
    named = [name for name in names if _verb(name).search(said)]
    asked = set()
    for name in named:
        objects = _objects(name)
        if len(named) == 1 or not objects or any(o.search(said) for o in objects):
            asked.add(name)
    return frozenset(asked)


@dataclass(frozen=True)
class Verdict:
    action: Action
    summary: str  # why, without the values: what the model reads (others' words stay quoted)
    origins: tuple[Origin, ...]

    @property
    def reason(self) -> str:
        """Why, for the user, with every value and where it came from (targets first)."""
        if self.action == "run":
            return ""
        shown = self.origins
        if self.action == "refuse":
            shown = tuple(o for o in self.origins if o.kind in ("external", "unseen"))
        values = "; ".join(o.describe() for o in sorted(shown, key=_order))
        return f"{self.summary}. Values: {values}" if values else self.summary


def judge(
    tool: str, effect: str, asked: bool, origins: Sequence[Origin], *, keeps: bool = False
) -> Verdict:
    """What happens to one side-effecting call in a turn that has read others' text.

    ``keeps``: the tool stores what it is given in pasi's vault, which later turns trust as
    the user's own (a memory, a goal, a reminder): there, content others wrote counts as a
    target would, since storing it would make their words the user's."""
    foreign = [o for o in origins if (o.target or keeps) and o.kind in ("external", "unseen")]
    foreign = [o for o in foreign if o.target or o.kind == "external"]
    shown = tuple(origins)
    mine = "who or what it acts on is not from your words or your records"
    if asked and not foreign:
        return Verdict("run", "", shown)
    if not asked and foreign:
        summary = f"{tool} was refused without asking you: you did not ask to {effect} "
        return Verdict("refuse", f"{summary}anything in this message, and {mine}", shown)
    if asked:
        return Verdict("ask", f"You asked for this, but {mine}", shown)
    return Verdict("ask", f"You did not ask to {effect} anything in this message", shown)


def _order(origin: Origin) -> tuple[bool, str]:
    """Targets first, then content; all of it, since the user decides on it."""
    return (not origin.target, origin.path)
