"""What the user reads when the model fails a turn: never an empty reply, never tool text.

The answer from memory (as pasi gives without a model, pasi.agent.offline), after one line in
brackets saying which model failed and why, and what the turn's tools did before it failed.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    head = f"[the model ({model}) {reason}; here is what I have from memory]\n"
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
