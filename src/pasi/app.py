"""Composition root: builds the vault, embedder and memory from Settings. No logic lives here."""

from __future__ import annotations

from pasi.clock import Clock, system_clock
from pasi.config import Settings, load_settings
from pasi.memory.store import MemoryStore
from pasi.models.embedder import Embedder, make_embedder
from pasi.vault.sqlite import SQLiteVault, open_vault


class Pasi:
    """One user's assistant: their vault and the memory built on it.

    >>> with Pasi.open(vault="/tmp/demo-vault") as pasi:  # doctest: +SKIP
    ...     pasi.memory.remember("I live in Berlin")
    """

    def __init__(
        self,
        settings: Settings,
        *,
        vault: SQLiteVault | None = None,
        embedder: Embedder | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self.settings = settings
        self.vault = vault or open_vault(settings.vault)
        self.embedder = embedder if embedder is not None else make_embedder(settings.embedder)
        self.clock = clock
        self.memory = MemoryStore(self.vault, self.embedder, clock)

    @classmethod
    def open(cls, *, clock: Clock = system_clock, **flags: object) -> Pasi:
        return cls(load_settings(**flags), clock=clock)

    def close(self) -> None:
        self.vault.close()

    def __enter__(self) -> Pasi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
