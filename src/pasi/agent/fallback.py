"""What the user reads when the model fails a turn: never an empty reply, never tool text.

The answer from memory (as pasi gives without a model, pasi.agent.offline), after one line in
brackets saying which model failed and why, and what the turn's tools did before it failed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from pasi.agent.offline import NOTHING
from pasi.tools.registry import ToolResult


def deadline_note(seconds: float) -> str:
    return f"[pasi stopped the model: this turn reached its {seconds:g} s limit]"


def failure_reason(failure: str | None, late: bool, plain: bool, seconds: float) -> str:
    """Why the model gave no answer, in a few words (``failure``: the error it raised)."""
    if failure:
        return f"failed: {failure}"
    if late:
        return f"gave no answer within this turn's {seconds:g} s"
    if plain:
        return "gave no answer: it kept writing tool calls pasi could not run"
    return "gave no answer: its reply was empty"


def memory_answer(model: str, reason: str, results: Sequence[ToolResult], found: str) -> str:
    """The fallback answer: the one line, what was done, and ``found`` (from memory)."""
    done = done_line(results)
    backend, _, where = model.partition(":")
    shown = f"{backend}:{PurePath(where).name}" if "/" in where else model  # not a long path
    head = f"[the model ({shown}) {reason}; here is what I have from memory]\n"
    if done and found == NOTHING:  # what was done is the answer; no "tell me" after it
        return head + done
    return head + (done + "\n" if done else "") + found


def done_line(results: Sequence[ToolResult]) -> str:
    """What the turn's tools did before the model failed, so the user is not told too little."""
    parts = [
        f"{r.call.name}: {r.content.strip().splitlines()[0][:120]}"
        for r in results
        if r.ok and r.content.strip()
    ]
    return "Done this turn: " + "; ".join(parts) if parts else ""


_TAGS = re.compile(r"\[\w+\]|\[\w*$")  # citation tags (or one begun): alone, they say nothing


def has_words(text: str) -> bool:
    """Does ``text`` say anything beyond citation tags and punctuation ("[12]" does not)?"""
    return any(c.isalpha() for c in _TAGS.sub("", text))


# A line of pasi's own context ("[t12] user 2026-03-04 08:00 in conversation:default: ...").
_CONTEXT_LINE = re.compile(r"^\s*\[[tmi]\d+\] \S+ \d{4}-\d\d-\d\d", re.MULTILINE)


def copied_context(text: str) -> bool:
    """Did the reply write out its context instead of answering? (Seen with Qwen2.5-Coder-0.5B:
    "Where is my bike?" answered with the quoted turns, one per line; with SmolLM2-135M: a
    reply that opens pasi's own ``<context>`` block.)"""
    opened = text.lstrip().startswith(("<context>", "<data section", "</context>"))
    return opened or len(_CONTEXT_LINE.findall(text)) >= 2


def acted(results: Sequence[ToolResult]) -> bool:
    """Did a tool of the turn change something (a reminder set, a goal added)?"""
    return any(r.ok and r.call.name.startswith(("add_", "record_", "close_", "complete_",
                                                 "remember", "forget")) for r in results)  # fmt: skip


def not_set_note(what: str) -> str:
    """The one line saying a requested reminder or goal was not made, and how to make it."""
    how = {
        "reminder": "say 'remind me <when> to <what>', or `pasi reminders add`",
        "goal": "ask again, or `pasi goals add`",
    }[what]
    return f"[pasi: no {what} was set this turn: the model did not create one; {how}]"


def stopped_message(rounds: int) -> str:
    return (
        f"[pasi stopped this turn: the model asked for tools {rounds} times in a row without "
        "answering. Ask again, perhaps more precisely; `pasi why` shows the tool calls.]"
    )
