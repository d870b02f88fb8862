"""Latency and scale: ingest throughput, recall latency, cold start, disk and memory at n memories.

Each size gets a fresh vault filled through :meth:`MemoryStore.remember_many` (the product's own
path, embeddings and saved indexes included). Then a new process (:mod:`pasi.bench.scale_probe`)
opens the vault and answers realistic questions through :meth:`MemoryStore.recall`, as `pasi
recall`, `pasi chat` or a server start would: its first answer is the cold start, left out of
the percentiles, which describe a warm, long-running pasi, and its peak RSS is the memory that
pasi holds. A second new process, with the saved indexes removed, answers one question: the
cold start of a vault whose indexes must be rebuilt (an older pasi's vault, or after an erasure).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np

from pasi.bench.common import peak_rss_mb, percentile, postgres_databases, scratch_store
from pasi.bench.synthetic import MemoryFaker
from pasi.memory.store import MemoryStore
from pasi.models.embedder import Embedder, WordLlamaEmbedder
from pasi.vault import memories as mem
from pasi.vault import search
from pasi.vault.index_files import INDEX_DIR

CHUNK = 10_000  # memories handed to remember_many per call, as a bulk import would
ASKED_AT = datetime(2026, 6, 1, tzinfo=UTC)
TOP_K = 10
REBUILD_KB_PER_UNIT = 2.4  # peak memory of a process rebuilding the indexes (measured at 1M)
BENCH_PASSPHRASE = "pasi bench scale"  # a throwaway vault: the key's strength is not measured


def run_scale(
    ns: Sequence[int] = (10_000, 100_000),
    queries: int = 200,
    *,
    embedder: Embedder | None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    encrypted: bool = False,
    backend: str = "sqlite",
    postgres_url: str | None = None,
) -> dict[str, Any]:
    """``encrypted``: the same run on a SQLCipher vault, to measure what encryption costs.
    ``backend="postgres"``: on PostgreSQL at ``postgres_url`` (a new database of a throwaway
    local server for each size when it is None)."""
    if embedder is not None:
        embedder.embed(["load the model before the clock starts"])
    passphrase = BENCH_PASSPHRASE if encrypted else None
    if backend == "postgres":
        with postgres_databases(postgres_url) as database:
            runs = [_run_size(n, queries, embedder, seed, progress, None, database()) for n in ns]
    else:
        runs = [_run_size(n, queries, embedder, seed, progress, passphrase) for n in ns]
    return {
        "benchmark": "scale",
        "backend": backend,
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
    postgres: str | None = None,
) -> dict[str, Any]:
    faker = MemoryFaker(seed)
    user = f"bench-{n}-{seed}"
    with scratch_store(embedder, passphrase=passphrase, postgres=postgres, user=user) as store:
        ingest_s, index_s = _ingest(store, faker, n, progress)
        stored, units = _counts(store)
        size_mb = store.vault.size_bytes() / 1024**2
        directory = store.vault.directory
        store.vault.close()
        ingest_rss = peak_rss_mb()
        # Questions from another seed than the memories': not the ingest's own sentences.
        where = _location(directory, postgres, user)
        asked = _probe(where, embedder, seed + 1000, queries, passphrase)
        if progress:
            progress(f"n={n}: cold start {asked['cold_s']} s")
        index_mb = _size_mb(directory / INDEX_DIR)
        shutil.rmtree(directory / INDEX_DIR, ignore_errors=True)
        rebuilt = _rebuild_probe(n, where, embedder, seed, passphrase, progress)
    warm = asked["latencies_ms"]
    return {
        "n": n,
        "stored": stored,
        "indexed": units,
        "ingest_s": round(ingest_s, 2),
        "ingest_per_s": round(n / ingest_s, 1) if ingest_s else 0.0,
        "ingest_index_s": round(index_s, 2),
        "queries": len(warm),
        "empty_results": asked["empty_results"],
        "recall_ms": {
            "p50": round(percentile(warm, 50), 2),
            "p95": round(percentile(warm, 95), 2),
            "mean": round(sum(warm) / len(warm), 2) if warm else 0.0,
            "cold": round(asked["cold_s"] * 1000, 2),
        },
        "cold_start_s": asked["cold_s"],
        "cold_start_with_process_s": asked["process_s"],
        "cold_start_rebuilding_s": rebuilt["cold_s"],
        "rebuilding_skipped": rebuilt.get("skipped"),
        "vault_mb": round(size_mb, 1),
        "index_mb": round(index_mb, 1),
        "peak_rss_mb": asked["memory_mb"]["peak"],
        "peak_rss_first_answer_mb": asked["peak_rss_mb_first"],
        "rss_at_end_mb": {k: v for k, v in asked["memory_mb"].items() if k != "peak"},
        "peak_rss_rebuilding_mb": rebuilt["memory_mb"]["peak"],
        "ingest_peak_rss_mb": ingest_rss,
        "in_new_process": asked["in_new_process"],
    }


def _rebuild_probe(
    n: int,
    where: str,
    embedder: Embedder | None,
    seed: int,
    passphrase: str | None,
    progress: Callable[[str], None] | None,
) -> dict[str, Any]:
    """A new process answering one question with no saved index: it builds every index in
    memory, ~2.4 KB per unit (2.4 GB at 1M), so it is skipped when that would not fit in
    half of the memory free now (at 10M it would take ~24 GB: the whole machine)."""
    needed_mb = n * REBUILD_KB_PER_UNIT / 1024
    free_mb = _available_mb()
    if free_mb is not None and needed_mb > free_mb / 2:
        reason = f"needs ~{needed_mb:,.0f} MB, {free_mb:,.0f} MB available"
        if progress:
            progress(f"n={n}: rebuild probe skipped ({reason})")
        return {"cold_s": None, "memory_mb": {"peak": None}, "skipped": reason}
    if progress:
        progress(f"n={n}: now without saved indexes")
    return _probe(where, embedder, seed + 1000, 0, passphrase)


def _available_mb() -> float | None:
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _location(directory: Path, postgres: str | None, user: str) -> str:
    """Where a new process finds the vault: its directory, or its URL naming user and files."""
    if postgres is None:
        return str(directory)
    return f"{postgres}?{urlencode({'pasi_user': user, 'pasi_files': str(directory)})}"


def _size_mb(folder: Path) -> float:
    if not folder.is_dir():
        return 0.0
    # Allocated blocks, not apparent sizes: the vector files have room to grow, unwritten.
    return sum(p.stat().st_blocks * 512 for p in folder.iterdir() if p.is_file()) / 1024**2


def _embedder_spec(embedder: Embedder | None) -> str | None:
    """How a new process builds the same embedder (None: it cannot)."""
    if embedder is None:
        return "none"
    if isinstance(embedder, WordLlamaEmbedder) and embedder.dim == 256:
        return "wordllama"
    return None


def _probe(
    directory: str, embedder: Embedder | None, seed: int, queries: int, passphrase: str | None
) -> dict[str, Any]:
    """A new process opens the vault and answers ``queries + 1`` questions."""
    spec = _embedder_spec(embedder)
    if spec is None:  # an embedder a new process cannot rebuild: measured in this one
        from pasi.bench.scale_probe import probe

        result = probe(directory, embedder, seed, queries)
        return {**result, "process_s": None, "in_new_process": False}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if passphrase:
        env["PASI_PASSPHRASE"] = passphrase
    command = [sys.executable, "-m", "pasi.bench.scale_probe", directory, spec]
    started = time.time()
    done = subprocess.run(
        [*command, str(seed), str(queries)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"the scale probe failed: {done.stderr.strip()[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        **result,
        "process_s": round(result["answered_at"] - started, 3),
        "in_new_process": True,
    }


def _ingest(
    store: MemoryStore, faker: MemoryFaker, n: int, progress: Callable[[str], None] | None
) -> tuple[float, float]:
    """Seconds spent inside remember_many (generating the text is not pasi's cost), and the
    part of them spent bringing the saved indexes level after each bulk write."""
    sync = store.retriever.sync
    synced = [0.0]

    def timed_sync(**options: bool) -> None:
        began = time.perf_counter()
        sync(**options)
        synced[0] += time.perf_counter() - began

    store.retriever.sync = timed_sync  # type: ignore[method-assign]
    spent = 0.0
    for start in range(0, n, CHUNK):
        batch = list(faker.memories(min(CHUNK, n - start)))
        began = time.perf_counter()
        store.remember_many(batch)
        spent += time.perf_counter() - began
        if progress:
            progress(f"n={n}: {start + len(batch):,} memories stored")
    store.retriever.sync = sync  # type: ignore[method-assign]
    return spent, synced[0]


def _counts(store: MemoryStore) -> tuple[int, int]:
    conn = store.vault.read()
    current, closed = mem.count_memories(conn)
    return current + closed, search.count_units(conn)


if __name__ == "__main__":  # a quick look without the CLI: python -m pasi.bench.scale 10000
    import json

    from pasi.models.embedder import WordLlamaEmbedder

    sizes = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "10000").split(",")]
    report = run_scale(
        sizes, embedder=WordLlamaEmbedder(), progress=lambda m: print(m, file=sys.stderr)
    )
    print(json.dumps(report, indent=2))
