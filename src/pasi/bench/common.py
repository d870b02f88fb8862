"""Small helpers the benchmark harnesses share."""

from __future__ import annotations

import resource
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pasi.memory.store import MemoryStore
from pasi.models.embedder import Embedder
from pasi.vault.sqlite import SQLiteVault

if TYPE_CHECKING:
    from pasi.vault.postgres import PostgresVault


@contextmanager
def scratch_vault(
    passphrase: str | None = None, *, postgres: str | None = None, user: str = "bench"
) -> Iterator[SQLiteVault | PostgresVault]:
    """A fresh vault in a temporary directory, removed afterwards; encrypted with a passphrase.
    ``postgres``: a PostgreSQL URL instead, whose ``user`` keeps its files there."""
    with tempfile.TemporaryDirectory(prefix="pasi-bench-") as directory:
        if postgres is not None:
            from pasi.vault.postgres import PostgresVault

            with PostgresVault(postgres, user, Path(directory)) as vault:
                yield vault
            return
        with SQLiteVault(Path(directory), passphrase, encrypt=passphrase is not None) as vault:
            yield vault


@contextmanager
def scratch_store(
    embedder: Embedder | None,
    *,
    passphrase: str | None = None,
    postgres: str | None = None,
    user: str = "bench",
) -> Iterator[MemoryStore]:
    """A :class:`MemoryStore` on a :func:`scratch_vault`."""
    with scratch_vault(passphrase, postgres=postgres, user=user) as vault:
        yield MemoryStore(vault, embedder)


@contextmanager
def postgres_databases(url: str | None) -> Iterator[Callable[[], str]]:
    """A database for each call: a new one on a throwaway local PostgreSQL, or ``url`` itself
    (where each run then needs a user of its own)."""
    if url is not None:
        yield lambda: url
        return
    from pasi.vault.pg_server import TemporaryPostgres

    with TemporaryPostgres() as server:
        yield server.new_database


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
