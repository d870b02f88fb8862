"""``pasi why``: what shaped an answer, read back from the ``answers`` table.

The table keeps ids and tags; the texts are read from the vault now, so an item forgotten since
shows as forgotten instead of living on in a copy.
"""

from __future__ import annotations

from typing import Any

from pasi.memory.store import MemoryStore
from pasi.vault import answers
from pasi.vault import episodes as ep
from pasi.vault import items as it
from pasi.vault import memories as mem


def explain_last(memory: MemoryStore) -> dict[str, Any] | None:
    """The newest answer with its question, context items, tool calls and model; or None."""
    conn = memory.vault.read()
    record = answers.latest_answer(conn)
    if record is None:
        return None
    context = record.context
    turn_ids = [i for i in (record.question_episode_id, record.answer_episode_id) if i]
    turn_ids += [item["id"] for item in context.get("items", []) if item["kind"] == "episode"]
    turns = ep.get_episodes(conn, turn_ids)
    memory_ids = [item["id"] for item in context.get("items", []) if item["kind"] == "memory"]
    memories = mem.get_memories(conn, memory_ids)
    cited = context.get("citations", [])
    items = it.get_items(conn, [c["id"] for c in cited if c["kind"] == "item"])

    def text_of(kind: str, item_id: int | None) -> str | None:
        found = (memories if kind == "memory" else turns).get(item_id)  # type: ignore[arg-type]
        return found.text if found else None

    return {
        "answer_id": record.id,
        "at": record.created_at.isoformat(),
        "model": record.model,
        "question": text_of("episode", record.question_episode_id),
        "answer": text_of("episode", record.answer_episode_id),
        "question_episode_id": record.question_episode_id,
        "answer_episode_id": record.answer_episode_id,
        "budget": context.get("budget"),
        "tokens": context.get("tokens"),
        "rounds": context.get("rounds"),
        "stopped": context.get("stopped", False),
        "items": [
            {**item, "text": text_of(item["kind"], item["id"])} for item in context.get("items", [])
        ],
        "tool_calls": context.get("tool_calls", []),
        "citations": [_with_item(c, items) for c in cited],
        "safety": context.get("safety", []),  # unsafe verdicts: stage, categories, by
        "waiting": context.get("waiting", []),  # actions held for the user's consent
        "metering": _metering(context),
    }


METERED = (
    "model_calls",
    "prompt_tokens",
    "completion_tokens",
    "tokens_estimated",
    "model_seconds",
    "turn_seconds",
)


def _metering(context: dict[str, Any]) -> dict[str, Any] | None:
    """What the turn cost (pasi.models.metered); None for answers recorded before it was kept."""
    if "model_calls" not in context:
        return None
    return {key: context.get(key) for key in METERED}


def _with_item(citation: dict[str, Any], items: dict[int, Any]) -> dict[str, Any]:
    """A cited row ([i42]) with what it is and which file it came from, read from the vault now."""
    if citation["kind"] != "item":
        return citation
    row = items.get(citation["id"])
    text = it.describe_item(row) if row else None
    return {**citation, "text": text, "source": row["uri"] if row else None}
