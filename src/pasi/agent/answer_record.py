"""What a turn leaves in the vault beside the reply: its citations resolved, its tool calls and
meter readings as the ``answers`` row that ``pasi why`` reads back (by tag, not by text)."""

from __future__ import annotations

import json
from typing import Any

from pasi.agent.context import Context
from pasi.agent.events import Citation
from pasi.agent.turn_state import TurnState
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatModel
from pasi.models.metered import Meter
from pasi.tools.quote import cited_tags, parse_tag, tag
from pasi.tools.registry import ToolResult
from pasi.vault import episodes as ep
from pasi.vault import items as it
from pasi.vault import memories as mem


def resolve_citations(memory: MemoryStore, text: str) -> list[Citation]:
    """Each cited tag resolved against the vault; unknown ones are kept, unresolved."""
    conn = memory.vault.read()
    sources = {s.id: s.uri for s in ep.list_sources(conn)}
    found = []
    cited_all = cited_tags(text)
    tags = [parse_tag(cited) for cited in cited_all]
    items = it.get_items(conn, [i for kind, i in tags if kind == "item"])
    memories = mem.get_memories(conn, [i for kind, i in tags if kind == "memory"])
    turns = ep.get_episodes(conn, [i for kind, i in tags if kind == "episode"])
    for cited, (kind, item_id) in zip(cited_all, tags, strict=True):
        if kind == "item":
            row = items.get(item_id)
            text_of = it.describe_item(row) if row else None
            found.append(Citation(cited, kind, item_id, text_of, row["uri"] if row else None))
            continue
        if kind == "memory":
            memory = memories.get(item_id)
            found.append(Citation(cited, kind, item_id, memory.text if memory else None))
            continue
        turn = turns.get(item_id)
        source = sources.get(turn.source_id) if turn else None
        found.append(Citation(cited, kind, item_id, turn.text if turn else None, source))
    return found


def metering(model: ChatModel) -> dict[str, Any]:
    """Model calls, tokens and seconds of the turn so far (models/metered.py)."""
    meter = getattr(model, "meter", None)
    return meter.to_json() if isinstance(meter, Meter) else {}


def call_json(result: ToolResult) -> dict[str, Any]:
    """A tool call for ``answers``: what was asked and what came of it, by tag, not by text."""
    try:
        arguments: Any = json.loads(result.call.arguments or "{}")
    except json.JSONDecodeError:
        arguments = result.call.arguments
    return {
        "id": result.call.id,
        "name": result.call.name,
        "arguments": arguments,
        "ok": result.ok,
        "error": None if result.ok else result.content,
        "found": [tag(r.kind, r.id) for r in result.found]
        + [tag("item", i) for i in result.data.get("items", [])],
        "data": result.data,
    }


def what_shaped(
    state: TurnState, context: Context, citations: list[Citation], model: ChatModel
) -> dict[str, Any]:
    """The ``answers`` row's context: what the model saw, the calls, the checks, the meter."""
    return {
        "budget": context.budget,
        "tokens": context.tokens,
        "items": [item.to_json() for item in context.items],
        "tool_calls": [call_json(result) for result in state.results],
        "citations": [c.to_json() for c in citations],
        "rounds": state.rounds,
        "stopped": state.stopped,
        "safety": state.screening.verdicts,
        "waiting": state.waiting,
        "tainted": state.tainted,
        **metering(model),
    }
