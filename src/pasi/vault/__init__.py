"""The user's data on disk: schema, migrations, the single writer, the search index."""

from pasi.vault.records import MEMORY_KINDS, Episode, Memory, Source
from pasi.vault.sqlite import SQLiteVault, open_vault

__all__ = ["MEMORY_KINDS", "Episode", "Memory", "SQLiteVault", "Source", "open_vault"]
