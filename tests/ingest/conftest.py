"""A syncer on a real vault with a frozen clock (2024-03-10), lexical search only by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from frozen_time import NOW
from pasi.clock import fixed_clock
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.vault.sqlite import SQLiteVault

MAX_BYTES = 20 * 1024 * 1024


@pytest.fixture
def lexical_store(vault: SQLiteVault) -> MemoryStore:
    return MemoryStore(vault, None, fixed_clock(NOW))


@pytest.fixture
def syncer(lexical_store: MemoryStore) -> Syncer:
    return Syncer(lexical_store, max_bytes=MAX_BYTES)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder
