"""Small helpers the benchmark harnesses share."""

from __future__ import annotations

import resource
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pasi.memory.store import MemoryStore
from pasi.models.embedder import Embedder
from pasi.vault.sqlite import SQLiteVault


@contextmanager
def scratch_vault(passphrase: str | None = None) -> Iterator[SQLiteVault]:
    """A fresh vault in a temporary directory, removed afterwards; encrypted with a passphrase."""
    with (
        tempfile.TemporaryDirectory(prefix="pasi-bench-") as directory,
        SQLiteVault(Path(directory), passphrase, encrypt=passphrase is not None) as vault,
    ):
        yield vault


@contextmanager
def scratch_store(
    embedder: Embedder | None, *, passphrase: str | None = None
) -> Iterator[MemoryStore]:
    """A :class:`MemoryStore` on a :func:`scratch_vault`."""
    with scratch_vault(passphrase) as vault:
        yield MemoryStore(vault, embedder)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
