"""``pasi why``: what shaped the last answer (its sources, tool calls and model)."""

from __future__ import annotations

import json
from typing import Any

import typer

from pasi.cli.common import state
from pasi.cli.render import console, print_json
from pasi.errors import NotFoundError


def register(app: typer.Typer) -> None:
    app.command()(why)


def why(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
) -> None:
    """Show what shaped the last answer: context items with sources, tool calls, model."""
    from pasi.agent.why import explain_last

    explanation = explain_last(state(ctx).pasi().memory)
    if explanation is None:
        raise NotFoundError("no answer yet: chat with a model first ('pasi chat')")
    if as_json:
        print_json(explanation)
        return
    _show(explanation)


def _show(found: dict[str, Any]) -> None:
    from rich.table import Table

    out = console()
    out.print(f"answer #{found['answer_id']} by {found['model']} at {found['at']}", markup=False)
    out.print(f"question: {found['question'] or '(forgotten)'}", markup=False)
    out.print(f"answer:   {found['answer'] or '(forgotten)'}", markup=False)
    cited = ", ".join(
        c["tag"] + ("" if c["resolved"] else " (unknown)") for c in found["citations"]
    )
    out.print(f"cited: {cited or 'nothing'}", markup=False)
    for row in (c for c in found["citations"] if c["kind"] == "item" and c.get("text")):
        out.print(f"  [{row['tag']}] {row['text']} in {row['source']}", markup=False)
    out.print(
        f"context: {len(found['items'])} items, ~{found['tokens']} of {found['budget']} tokens",
        markup=False,
    )
    if found.get("metering"):
        out.print(_cost(found["metering"]), markup=False)
    table = Table(title="context", title_justify="left")
    for column in ("tag", "section", "source", "when", "text"):
        table.add_column(column, overflow="fold")
    for item in found["items"]:
        source = item["source"] or ("memory" if item["kind"] == "memory" else "")
        table.add_row(
            item["tag"], item["section"], source, (item["at"] or "")[:16],
            item["text"] if item["text"] is not None else "(forgotten)",
        )  # fmt: skip
    out.print(table)
    for call in found["tool_calls"]:
        outcome = "ok" if call["ok"] else f"error: {call['error']}"
        args = json.dumps(call["arguments"], ensure_ascii=False)
        extra = f" found {', '.join(call['found'])}" if call["found"] else ""
        out.print(f"tool {call['name']}({args}): {outcome}{extra}", markup=False)
    if found["stopped"]:
        out.print(f"the tool loop stopped after {found['rounds']} rounds", markup=False)


def _cost(metering: dict[str, Any]) -> str:
    """``model: 2 calls, 812 prompt + 35 completion tokens, 3.1 s of a 3.4 s turn``."""
    calls = metering["model_calls"]
    about = "~" if metering["tokens_estimated"] else ""
    return (
        f"model: {calls} call{'' if calls == 1 else 's'}, "
        f"{about}{metering['prompt_tokens']} prompt + {about}{metering['completion_tokens']} "
        f"completion tokens{' (estimated)' if about else ''}, "
        f"{metering['model_seconds']:.1f} s of a {metering['turn_seconds']:.1f} s turn"
    )
