"""Sealed vault files are read from a private plaintext copy that is gone right after."""

from __future__ import annotations

import stat
from pathlib import Path

from frozen_time import NOW
from pasi.clock import fixed_clock
from pasi.ingest.sealed import plaintext_copy
from pasi.ingest.sync import Syncer
from pasi.memory.store import MemoryStore
from pasi.vault.files import is_sealed
from pasi.vault.sqlite import open_vault

NOTE = b"# Cellar\n\nThe spare key hangs behind the Oolong tin.\n"


def test_the_plaintext_copy_is_private_and_deleted(tmp_path: Path) -> None:
    vault = open_vault(tmp_path / "vault", "pass phrase", encrypt=True)
    try:
        sealed = vault.files.write_bytes("uploads/cellar.md", NOTE)
        assert is_sealed(sealed.read_bytes())
        with plaintext_copy(vault.files, "uploads/cellar.md") as copy:
            assert copy.name == "cellar.md" and copy.read_bytes() == NOTE
            assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
            assert copy.stat().st_mtime_ns == sealed.stat().st_mtime_ns
        assert not copy.parent.exists()
    finally:
        vault.close()


def test_sync_of_an_encrypted_vault_reads_its_sealed_files(tmp_path: Path, embedder) -> None:
    vault = open_vault(tmp_path / "vault", "pass phrase", encrypt=True)
    try:
        store = MemoryStore(vault, embedder, fixed_clock(NOW))
        path = vault.files.write_bytes("uploads/cellar.md", NOTE)
        syncer = Syncer(store, max_bytes=1 << 20)
        assert syncer.ingest([path]).added == [str(path.resolve())]
        assert "Oolong" in store.recall("where is the spare key", k=1)[0].text
        vault.files.write_bytes("uploads/cellar.md", NOTE.replace(b"Oolong", b"Darjeeling"))
        report = syncer.sync()
        assert report.updated == [str(path.resolve())] and report.failed == []
        assert "Darjeeling" in store.recall("where is the spare key", k=1)[0].text
        [uri] = [r[0] for r in vault.read().execute("SELECT uri FROM sources WHERE kind='file'")]
        assert uri == f"file:{path.resolve()}"
    finally:
        vault.close()
