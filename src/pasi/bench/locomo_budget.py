"""LoCoMo evidence recall of the context the assistant would actually send, at a token budget.

``pasi bench locomo`` asks whether evidence is in the top k; a model never sees "the top k",
it sees the context :class:`~pasi.agent.context.ContextAssembler` builds under its token budget
(relevant turns best first, then their neighbours if room is left). This harness builds exactly
that context for every LoCoMo question and counts the evidence turns inside it, so the figure
reads "with at most 2,000 tokens of context per turn, X% of the evidence reaches the model".
The whole conversation, for comparison, is reported as ``full_conversation_tokens``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from pasi.agent.context import ContextAssembler, ContextLimits
from pasi.agent.tokens import estimate_tokens
from pasi.bench.common import scratch_store
from pasi.bench.locomo import CATEGORIES, CATEGORY_NAMES, normalise_evidence
from pasi.clock import fixed_clock
from pasi.errors import ImportFormatError
from pasi.ingest.conversations import is_locomo, read_json, read_locomo_sample
from pasi.memory.store import MemoryStore
from pasi.models.embedder import Embedder
from pasi.tools.quote import quote_line
from pasi.vault import episodes as ep


def run_locomo_budget(
    path: Path,
    budget: int = ContextLimits.tokens,
    *,
    embedder: Embedder | None,
    limits: ContextLimits | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    data = read_json(path)
    if not is_locomo(data):
        raise ImportFormatError(
            f"{path}: not a LoCoMo file (expected samples with 'conversation' and 'qa')"
        )
    limits = limits or ContextLimits(tokens=budget)
    found: dict[int, list[float]] = defaultdict(list)
    sizes: dict[str, list[int]] = defaultdict(list)
    for index, sample in enumerate(data if isinstance(data, list) else [data]):
        conversation = read_locomo_sample(sample, f"{path}: [{index}]")
        if progress:
            progress(f"{conversation.title}: {len(conversation.turns)} turns")
        _run_sample(sample, conversation, limits, embedder, found, sizes)
    every = [value for category in CATEGORIES for value in found[category]]
    return {
        "benchmark": "locomo-budget",
        "file": str(path),
        "metric": "evidence recall (%) of the turns inside the assembled context, categories 1-4",
        "budget_tokens": limits.tokens,
        "questions": len(every),
        "recall": _percent(every),
        "per_category": {
            str(c): {
                "name": CATEGORY_NAMES[c],
                "questions": len(found[c]),
                "recall": _percent(found[c]),
            }
            for c in CATEGORIES
            if found[c]
        },
        "context_tokens_mean": _mean(sizes["tokens"]),
        "context_turns_mean": _mean(sizes["turns"]),
        "full_conversation_tokens_mean": _mean(sizes["full"]),
    }


def _percent(values: list[float]) -> float:
    return round(100 * sum(values) / len(values), 2) if values else 0.0


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _run_sample(sample, conversation, limits, embedder, found, sizes) -> None:
    asked_at = max(t.occurred_at for t in conversation.turns if t.occurred_at) + timedelta(days=1)
    with scratch_store(embedder) as store:
        store.record_turns(conversation.turns, source_uri=conversation.uri, source_kind="import")
        sizes["full"].append(_full_tokens(store))
        assembler = ContextAssembler(store, fixed_clock(asked_at), limits=limits)
        for qa in sample.get("qa", []):
            category = qa.get("category")
            evidence = set(normalise_evidence(qa.get("evidence", [])))
            if category not in CATEGORIES or not evidence:
                continue
            context = assembler.assemble(str(qa["question"]))
            turn_ids = [item.id for item in context.items if item.kind == "episode"]
            turns = ep.get_episodes(store.vault.read(), turn_ids)
            inside = {t.external_id for t in turns.values()}
            found[category].append(len(evidence & inside) / len(evidence))
            sizes["tokens"].append(context.tokens)
            sizes["turns"].append(len(turn_ids))


def _full_tokens(store: MemoryStore) -> int:
    """The whole conversation quoted as the context quotes turns: what 'no retrieval' costs."""
    conn = store.vault.read()
    sources = {s.id: s.uri for s in ep.list_sources(conn)}
    return sum(
        estimate_tokens(
            quote_line("episode", t.id, t.text, at=t.occurred_at, speaker=t.speaker,
                       source=sources.get(t.source_id))
        )
        for t in ep.all_episodes(conn)
    )  # fmt: skip
