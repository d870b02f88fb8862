"""Fact-augmented keys for LoCoMo: learn memories from each conversation first, so the words
of each fact become extra keys of the turns it was learned from (``Indexer.refresh_fact_keys``).

Two sources of facts, through the same product path (extraction jobs, ``Learner``,
consolidation): the configured fast model (``--extract``), or the dataset's own ``observation``
facts (gpt-3.5-generated, with evidence dia_ids) served by a scripted model
(``--reference-facts``), which measures what fact keys can add with good extraction and no
model at all on this machine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from pasi.memory.consolidate import DECISION_SCHEMA
from pasi.memory.learning import Learner
from pasi.memory.store import MemoryStore
from pasi.models.chat import ChatModel, ChatRequest, ScriptedModel

_TURN_ID = re.compile(r"^\[(\d+)\]", re.MULTILINE)


def reference_model(sample: dict[str, Any], dia_of: dict[int, str]) -> ScriptedModel:
    """A model that answers extraction with the sample's observation facts for those turns."""
    from pasi.bench.locomo import normalise_evidence

    facts: list[tuple[str, str, list[str]]] = []  # (speaker, fact, dia_ids)
    for per_speaker in (sample.get("observation") or {}).values():
        for speaker, items in (per_speaker or {}).items():
            for item in items or []:
                if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str):
                    where = item[1] if isinstance(item[1], list) else [item[1]]
                    facts.append((speaker, item[0], normalise_evidence(where)))
    episode_of = {dia: episode for episode, dia in dia_of.items()}

    def handler(request: ChatRequest) -> str:
        if request.json_schema == DECISION_SCHEMA:
            return json.dumps({"action": "ADD", "id": None})
        shown = {dia_of[int(i)] for i in _TURN_ID.findall(request.messages[-1].content)}
        memories = [
            {"text": fact, "kind": "fact", "subject": speaker, "when": None, "confidence": 0.9,
             "evidence": [episode_of[d] for d in where if d in shown]}
            for speaker, fact, where in facts
            if shown.intersection(where)
        ]  # fmt: skip
        return json.dumps({"memories": memories})

    return ScriptedModel(handler, name="locomo-observations")


def learn_sessions(store: MemoryStore, model: ChatModel, sessions: Sequence[list[int]]) -> dict:
    """Extract and consolidate every session of a conversation, one job per session."""
    learner = Learner(store, model, background=False)
    for ids in sessions:
        learner.enqueue(ids)
    report = learner.run_pending()
    return {"added": report.added, "unchanged": report.unchanged, "failed": report.failed}
