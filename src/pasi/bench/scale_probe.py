"""A new process opening a vault and answering questions: what `pasi recall`, `pasi chat` or a
server start pays before its first answer, and the memory a long-running pasi holds.

Run by :mod:`pasi.bench.scale` as ``python -m pasi.bench.scale_probe VAULT EMBEDDER SEED N``;
the passphrase of an encrypted vault comes in ``PASI_PASSPHRASE``. Prints one JSON object.
The embedder is loaded before the clock starts (a model's load is not the vault's cost); the
time from the process's start is reported too, with the parent's spawn time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pasi.bench.common import peak_rss_mb
from pasi.bench.synthetic import MemoryFaker
from pasi.memory.store import MemoryStore
from pasi.models.embedder import Embedder, make_embedder
from pasi.vault.location import open_location

ASKED_AT = datetime(2026, 6, 1, tzinfo=UTC)
TOP_K = 10


def probe(
    vault_dir: Path | str, embedder: Embedder | None, seed: int, queries: int
) -> dict[str, Any]:
    if embedder is not None:
        embedder.embed(["load the model before the clock starts"])
    faker = MemoryFaker(seed)
    questions = [faker.question() for _ in range(queries + 1)]
    began = time.perf_counter()
    vault = open_location(vault_dir, os.environ.get("PASI_PASSPHRASE"))
    store = MemoryStore(vault, embedder)
    first = store.recall(questions[0], TOP_K, at=ASKED_AT)
    cold = time.perf_counter() - began
    answered_at = time.time()
    rss_after_first = process_memory_mb()["peak"]
    latencies, empty = [], int(not first)
    for question in questions[1:]:
        start = time.perf_counter()
        found = store.recall(question, TOP_K, at=ASKED_AT)
        latencies.append((time.perf_counter() - start) * 1000)
        empty += not found
    vault.close()
    return {
        "cold_s": round(cold, 3),
        "answered_at": answered_at,
        "latencies_ms": latencies,
        "empty_results": empty,
        "peak_rss_mb_first": rss_after_first,
        "memory_mb": process_memory_mb(),
    }


def process_memory_mb() -> dict[str, float]:
    """This process's peak resident set (``VmHWM``), and now: anonymous memory (what pasi
    allocated) and file pages mapped (the saved indexes, which the kernel can drop and re-read).

    Not ``ru_maxrss``: Linux carries it over from the parent through fork and exec, so a probe
    started by a 2 GB ingest process would report 2 GB."""
    fields = {"VmHWM": "peak", "VmRSS": "rss", "RssAnon": "anon", "RssFile": "file"}
    found: dict[str, float] = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in fields:
                    found[fields[name]] = round(int(value.split()[0]) / 1024, 1)
    except OSError:  # not Linux: the stdlib's figure
        found["peak"] = peak_rss_mb()
    return found


if __name__ == "__main__":
    directory, spec, seed_text, count = sys.argv[1:5]
    found = probe(directory, make_embedder(spec), int(seed_text), int(count))
    print(json.dumps(found))
