"""The built-in tools: recall and search (read), remember and forget (write).

They register through ``register_tools`` like any plugin. ``recall`` looks through memories,
``search`` through conversation turns and imported documents; both quote their results with the
same citation tags as the context, so the model can cite what it found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from pasi.memory.sensitive import classify, missing_consent, refused_sensitive
from pasi.privacy.policy import Withholding, model_note
from pasi.tools.quote import quote_recalled, tag
from pasi.tools.registry import Tool, ToolContext, ToolOutput
from pasi.vault import consent

Kind = Literal["fact", "preference", "event", "plan", "relationship"]


class RecallArgs(BaseModel):
    query: str = Field(min_length=1, description="What to look for, in plain words.")
    k: int = Field(default=5, ge=1, le=20, description="How many results.")


class SearchArgs(RecallArgs):
    pass


class RememberArgs(BaseModel):
    text: str = Field(min_length=1, description="One statement, e.g. 'Ana's birthday is 3 May'.")
    kind: Kind = Field(default="fact", description="What sort of statement it is.")
    subject: str = Field(default="user", description="Who it is about; 'user' means the user.")


class ForgetArgs(BaseModel):
    memory_id: int = Field(ge=1, description="The memory's number, e.g. 12 for [m12].")


def _found(context: ToolContext, query: str, k: int, kind: str) -> ToolOutput:
    results = context.memory.recall(query, k, kind=kind)
    results = [r for r in results if not (kind == "episode" and r.id == context.episode_id)]
    withheld = 0
    if context.remote:  # a cloud model: withheld sources and sensitive memories stay out
        results, withheld = Withholding(context.memory.vault.read()).keep(results)
    data = {"withheld": withheld} if withheld else {}
    note = "\n" + model_note(withheld) if withheld else ""
    if not results:
        return ToolOutput("nothing found" + note, data=data)
    zone = context.memory.zone() if context.memory.zone is not None else None
    lines = "\n".join(quote_recalled(r, zone) for r in results)
    return ToolOutput(lines + note, tuple(results), data=data)


def recall(args: RecallArgs, context: ToolContext) -> ToolOutput:
    return _found(context, args.query, args.k, "memory")


def search(args: SearchArgs, context: ToolContext) -> ToolOutput:
    return _found(context, args.query, args.k, "episode")


def remember(args: RememberArgs, context: ToolContext) -> ToolOutput:
    kinds = classify(args.text)
    with context.memory.vault.write() as conn:  # sensitive kinds need the user's consent first
        waiting = missing_consent(conn, kinds)
        asked = [k for k in waiting if consent.mark_asked(conn, k, context.memory.clock())]
    if waiting:
        return ToolOutput(refused_sensitive(waiting), data={"held": list(waiting), "asked": asked})
    evidence = [context.episode_id] if context.episode_id is not None else []
    memory = context.memory.remember(
        args.text,
        kind=args.kind,
        subject=args.subject,
        evidence=evidence,
        note="remembered by the assistant in chat",
    )
    if kinds:
        with context.memory.vault.write() as conn:
            consent.set_sensitivity(conn, [memory.id], kinds[0])
    return ToolOutput(f"remembered as [{tag('memory', memory.id)}]", data={"memory_id": memory.id})


def forget(args: ForgetArgs, context: ToolContext) -> ToolOutput:
    report = context.memory.forget(args.memory_id)
    earlier = report.memories - 1
    extra = f" and {earlier} earlier version(s)" if earlier else ""
    return ToolOutput(f"forgot memory {args.memory_id}{extra}", data={"forgotten": args.memory_id})


def register_tools(register: Callable[[Tool], None]) -> None:
    register(
        Tool(
            "recall",
            "Search the user's memories (facts, preferences, plans, people).",
            RecallArgs,
            recall,
            "read",
        )
    )
    register(
        Tool(
            "search",
            "Search the user's past conversation turns and imported documents.",
            SearchArgs,
            search,
            "read",
        )
    )
    register(
        Tool(
            "remember",
            "Store a new memory the user asked you to keep.",
            RememberArgs,
            remember,
            # The user's own memory, but still a side effect: an injected "remember that..."
            # would outlive the turn and steer later ones, so after external content it asks.
            "write",
        )
    )
    register(Tool("forget", "Erase a memory the user asked you to forget, by its number.",
                  ForgetArgs, forget, "delete"))  # fmt: skip
