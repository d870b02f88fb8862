"""LoCoMo evidence recall@k over dialogue turns, with no language model.

This is the LoCoMo paper's retrieval metric (its Table 3): for each question, the fraction of
its evidence turns found among the top k retrieved turns. Each conversation is ingested into a
fresh vault exactly as ``pasi import`` would, so the benchmark measures the product's own path.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from pasi.bench.common import postgres_databases, scratch_store
from pasi.bench.locomo_facts import learn_sessions, reference_model
from pasi.errors import ConfigError, ImportFormatError
from pasi.ingest.conversations import is_locomo, read_json, read_locomo_sample
from pasi.memory.retrieval import RetrievalParams
from pasi.models.chat import ChatModel
from pasi.models.embedder import Embedder

CATEGORIES = (1, 2, 3, 4)
CATEGORY_NAMES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"}


def normalise_evidence(raw: Sequence[str]) -> list[str]:
    """Fix the dataset's malformed ids ('D8:6; D9:17', 'D30:05') as its SCHEMA.md says."""
    ids: list[str] = []
    for item in raw:
        for part in re.split(r"[;\s]+", str(item)):
            match = re.fullmatch(r"D(\d+):0*(\d+)", part.strip())
            if match:
                ids.append(f"D{match.group(1)}:{match.group(2)}")
    return ids


def run_locomo(
    path: Path,
    ks: Sequence[int] = (1, 5, 10, 25, 50),
    *,
    embedder: Embedder | None,
    params: RetrievalParams | None = None,
    progress: Callable[[str], None] | None = None,
    facts: str | None = None,
    model: ChatModel | None = None,
    backend: str = "sqlite",
    postgres_url: str | None = None,
) -> dict[str, Any]:
    """Recall@k; with ``facts`` ("model": ``model`` extracts, "reference": the file's own
    observation facts), memories are learned first and become extra keys of their turns.
    ``backend="postgres"``: each conversation is one user's vault in one PostgreSQL database
    (``postgres_url``, or a throwaway local server's)."""
    with _database(backend, postgres_url) as database:
        result = _run(path, ks, embedder, params, progress, facts, model, database)
    return {**result, "backend": backend}


@contextmanager
def _database(backend: str, url: str | None) -> Iterator[str | None]:
    if backend != "postgres":
        yield None
        return
    with postgres_databases(url) as database:
        yield database()


def _run(path, ks, embedder, params, progress, facts, model, database) -> dict[str, Any]:
    data = read_json(path)
    if not is_locomo(data):
        raise ImportFormatError(
            f"{path}: not a LoCoMo file (expected samples with 'conversation' and 'qa')"
        )
    samples = data if isinstance(data, list) else [data]
    hits: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    per_conversation: dict[str, dict[int, float]] = {}
    learned: dict[str, dict] = {}
    for index, sample in enumerate(samples):
        conversation = read_locomo_sample(sample, f"{path}: [{index}]")
        if progress:
            progress(f"{conversation.title}: {len(conversation.turns)} turns")
        run = _Run(ks, embedder, params, facts, model, database)
        sample_hits = run.sample(sample, conversation, hits)
        if run.learned is not None:
            learned[str(sample.get("sample_id", index))] = run.learned
        per_conversation[str(sample.get("sample_id", index))] = _mean_by_k(sample_hits, ks)
    overall_lists: dict[int, list[float]] = defaultdict(list)
    for category in CATEGORIES:
        for k in ks:
            overall_lists[k].extend(hits[category][k])
    return {
        "benchmark": "locomo",
        "file": str(path),
        "metric": "evidence recall@k (%), categories 1-4",
        "questions": len(overall_lists[ks[0]]),
        "overall": _mean_by_k(overall_lists, ks),
        "per_category": {
            str(c): {
                "name": CATEGORY_NAMES[c],
                "questions": len(hits[c][ks[0]]),
                **_mean_by_k(hits[c], ks),
            }
            for c in CATEGORIES
            if hits[c][ks[0]]
        },
        "per_conversation": per_conversation,
        **({"facts": facts, "learned": learned} if facts else {}),
    }


def _mean_by_k(values: dict[int, list[float]], ks: Sequence[int]) -> dict[int, float]:
    return {k: round(100 * sum(values[k]) / len(values[k]), 2) if values[k] else 0.0 for k in ks}


class _Run:
    """One conversation: import, optionally learn facts, then ask every question."""

    def __init__(self, ks, embedder, params, facts, model, database=None) -> None:
        self.ks, self.embedder, self.params = ks, embedder, params
        self.facts, self.model = facts, model
        self.database = database  # a PostgreSQL URL, or None for a SQLite vault
        self.learned: dict | None = None

    def sample(self, sample, conversation, hits) -> dict[int, list[float]]:
        sample_hits: dict[int, list[float]] = defaultdict(list)
        ks = self.ks
        asked_at = max(t.occurred_at for t in conversation.turns if t.occurred_at) + timedelta(
            days=1
        )
        user = f"locomo-{uuid.uuid4().hex[:12]}"  # a user of its own in a shared database
        with scratch_store(self.embedder, postgres=self.database, user=user) as store:
            if self.params is not None:
                store.retriever.params = self.params
            ids = store.record_turns(
                conversation.turns, source_uri=conversation.uri, source_kind="import"
            )
            external_of = {
                i: t.external_id for i, t in zip(ids, conversation.turns, strict=True) if i
            }
            if self.facts:
                self.learned = self._learn(store, sample, conversation, ids, external_of)
            for qa in sample.get("qa", []):
                category = qa.get("category")
                evidence = set(normalise_evidence(qa.get("evidence", [])))
                if category not in CATEGORIES or not evidence:
                    continue
                results = store.recall(str(qa["question"]), max(ks), at=asked_at, kind="episode")
                ranked = [r.external_id for r in results]
                for k in ks:
                    found = len(evidence & set(ranked[:k])) / len(evidence)
                    hits[category][k].append(found)
                    sample_hits[k].append(found)
        return sample_hits

    def _learn(self, store, sample, conversation, ids, external_of) -> dict:
        sessions: dict[str, list[int]] = defaultdict(list)
        for episode_id, turn in zip(ids, conversation.turns, strict=True):
            if episode_id:
                sessions[turn.session].append(episode_id)
        if self.facts == "reference":
            model = reference_model(sample, external_of)  # type: ignore[arg-type]
        elif self.model is not None:
            model = self.model
        else:
            raise ConfigError("--extract needs a chat model: set 'fast_model' or 'model'")
        return learn_sessions(store, model, list(sessions.values()))
