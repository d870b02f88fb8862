"""LoCoMo evidence recall@k over dialogue turns, with no language model.

This is the LoCoMo paper's retrieval metric (its Table 3): for each question, the fraction of
its evidence turns found among the top k retrieved turns. Each conversation is ingested into a
fresh vault exactly as ``pasi import`` would, so the benchmark measures the product's own path.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from pasi.bench.common import scratch_store
from pasi.errors import ImportFormatError
from pasi.ingest.conversations import is_locomo, read_json, read_locomo_sample
from pasi.memory.retrieval import RetrievalParams
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
) -> dict[str, Any]:
    data = read_json(path)
    if not is_locomo(data):
        raise ImportFormatError(
            f"{path}: not a LoCoMo file (expected samples with 'conversation' and 'qa')"
        )
    samples = data if isinstance(data, list) else [data]
    hits: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    per_conversation: dict[str, dict[int, float]] = {}
    for index, sample in enumerate(samples):
        conversation = read_locomo_sample(sample, f"{path}: [{index}]")
        if progress:
            progress(f"{conversation.title}: {len(conversation.turns)} turns")
        sample_hits = _run_sample(sample, conversation, ks, embedder, params, hits)
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
    }


def _mean_by_k(values: dict[int, list[float]], ks: Sequence[int]) -> dict[int, float]:
    return {k: round(100 * sum(values[k]) / len(values[k]), 2) if values[k] else 0.0 for k in ks}


def _run_sample(sample, conversation, ks, embedder, params, hits) -> dict[int, list[float]]:
    sample_hits: dict[int, list[float]] = defaultdict(list)
    asked_at = max(t.occurred_at for t in conversation.turns if t.occurred_at) + timedelta(days=1)
    with scratch_store(embedder) as store:
        if params is not None:
            store.retriever.params = params
        store.record_turns(conversation.turns, source_uri=conversation.uri, source_kind="import")
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
