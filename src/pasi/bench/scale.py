"""Latency and scale: ingest throughput, recall latency, disk and memory at n memories.

Each size gets a fresh vault filled through :meth:`MemoryStore.remember_many` (the product's own
path, embeddings included), then answers realistic questions through :meth:`MemoryStore.recall`.
The first query after ingest loads the vector matrix from disk, so it is reported on its own as
the cold start and left out of the percentiles, which describe a warm, long-running pasi.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from pasi.bench.common import peak_rss_mb, percentile, scratch_store
from pasi.bench.synthetic import MemoryFaker
from pasi.memory.store import MemoryStore
from pasi.models.embedder import Embedder
from pasi.vault import memories as mem
from pasi.vault import search

CHUNK = 10_000  # memories handed to remember_many per call, as a bulk import would
ASKED_AT = datetime(2026, 6, 1, tzinfo=UTC)
TOP_K = 10
BENCH_PASSPHRASE = "pasi bench scale"  # a throwaway vault: the key's strength is not measured


def run_scale(
    ns: Sequence[int] = (10_000, 100_000),
    queries: int = 200,
    *,
    embedder: Embedder | None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    encrypted: bool = False,
) -> dict[str, Any]:
    """``encrypted``: the same run on a SQLCipher vault, to measure what encryption costs."""
    if embedder is not None:
        embedder.embed(["load the model before the clock starts"])
    passphrase = BENCH_PASSPHRASE if encrypted else None
    runs = [_run_size(n, queries, embedder, seed, progress, passphrase) for n in ns]
    return {
        "benchmark": "scale",
        "encrypted": encrypted,
        "queries": queries,
        "top_k": TOP_K,
        "embedder": getattr(embedder, "name", None),
        "runs": runs,
        "machine": machine_info(),
    }


def machine_info() -> dict[str, Any]:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    return {
        "cpus": os.cpu_count(),
        "ram_gb": round(ram / 1024**3, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "numpy": np.__version__,
    }


def _run_size(
    n: int,
    queries: int,
    embedder: Embedder | None,
    seed: int,
    progress: Callable[[str], None] | None,
    passphrase: str | None = None,
) -> dict[str, Any]:
    faker = MemoryFaker(seed)
    with scratch_store(embedder, passphrase=passphrase) as store:
        ingest_s = _ingest(store, faker, n, progress)
        stored, units = _counts(store)
        questions = [faker.question() for _ in range(queries + 1)]
        latencies, empty = _ask(store, questions)
        size_mb = store.vault.size_bytes() / 1024**2
    cold, warm = latencies[0], latencies[1:]
    return {
        "n": n,
        "stored": stored,
        "indexed": units,
        "ingest_s": round(ingest_s, 2),
        "ingest_per_s": round(n / ingest_s, 1) if ingest_s else 0.0,
        "queries": len(warm),
        "empty_results": empty,
        "recall_ms": {
            "p50": round(percentile(warm, 50), 2),
            "p95": round(percentile(warm, 95), 2),
            "mean": round(sum(warm) / len(warm), 2) if warm else 0.0,
            "cold": round(cold, 2),
        },
        "vault_mb": round(size_mb, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def _ingest(
    store: MemoryStore, faker: MemoryFaker, n: int, progress: Callable[[str], None] | None
) -> float:
    """Seconds spent inside remember_many; generating the text is not pasi's cost."""
    spent = 0.0
    for start in range(0, n, CHUNK):
        batch = list(faker.memories(min(CHUNK, n - start)))
        began = time.perf_counter()
        store.remember_many(batch)
        spent += time.perf_counter() - began
        if progress:
            progress(f"n={n}: {start + len(batch):,} memories stored")
    return spent


def _counts(store: MemoryStore) -> tuple[int, int]:
    conn = store.vault.read()
    current, closed = mem.count_memories(conn)
    return current + closed, search.count_units(conn)


def _ask(store: MemoryStore, questions: list[str]) -> tuple[list[float], int]:
    """Milliseconds per recall, and how many questions came back with nothing."""
    latencies: list[float] = []
    empty = 0
    for question in questions:
        began = time.perf_counter()
        results = store.recall(question, TOP_K, at=ASKED_AT)
        latencies.append((time.perf_counter() - began) * 1000)
        empty += not results
    return latencies, empty


if __name__ == "__main__":  # a quick look without the CLI: python -m pasi.bench.scale 10000
    import json

    from pasi.models.embedder import WordLlamaEmbedder

    sizes = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "10000").split(",")]
    report = run_scale(
        sizes, embedder=WordLlamaEmbedder(), progress=lambda m: print(m, file=sys.stderr)
    )
    print(json.dumps(report, indent=2))
