"""Whether a file's data must stay on this machine, known before the file is read.

A source marked ``remote_ok = 0`` (``pasi privacy keep-local``) keeps everything stored from it
off remote models; a folder marked so stands for every file synced from it, including files
added to it later. Reading a file can itself send data out (a remote vision model captions a
photo), so the connector asks here first.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pasi.ingest.document import file_uri
from pasi.vault.sqlite import SQLiteVault


def kept_local(conn: sqlite3.Connection, path: Path) -> bool:
    """The mark of ``path``'s own source when it has one (the user may allow one file of a
    keep-local folder); else whether a folder root holding it is marked ``remote_ok = 0``."""
    from pasi.ingest.sync import ROOT_PREFIX  # sync imports the writer, which imports this

    own = conn.execute("SELECT remote_ok FROM sources WHERE uri = ?", (file_uri(path),)).fetchone()
    if own is not None:
        return not own[0]
    folders = conn.execute("SELECT uri FROM sources WHERE kind = 'folder' AND remote_ok = 0")
    return any(path.is_relative_to(Path(uri.removeprefix(ROOT_PREFIX))) for (uri,) in folders)


class KeptLocal:
    """:func:`kept_local` on a vault, as the predicate connectors take (``keep_local``)."""

    def __init__(self, vault: SQLiteVault) -> None:
        self.vault = vault

    def __call__(self, path: Path) -> bool:
        return kept_local(self.vault.read(), Path(path).resolve())
