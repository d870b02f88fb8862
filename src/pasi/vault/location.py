"""Which vault a location names: a ``postgresql://`` URL, or else a SQLite vault directory.

A PostgreSQL location may carry two pasi parameters besides libpq's own, removed before
connecting: ``pasi_user`` (whose vault this is; default the login name) and ``pasi_files`` (the
local directory of that user's files: attachments, the charter, saved search indexes; default
``$XDG_DATA_HOME/pasi-pg/USER``). E.g. ``postgresql://pasi@db.lan/pasi?pasi_user=anna``.
"""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pasi.vault.sqlite import SQLiteVault, open_vault

if TYPE_CHECKING:
    from pasi.vault.postgres import PostgresVault

PASI_PARAMS = ("pasi_user", "pasi_files")


def postgres_url(location: Path | str) -> str | None:
    """The URL ``location`` names, or None for a directory (a ``Path`` folds ``//`` to ``/``)."""
    text = str(location)
    if not re.match(r"^postgres(ql)?:", text):
        return None
    return re.sub(r"^(postgres(?:ql)?):/*", r"\1://", text)


def split_url(url: str) -> tuple[str, str, Path]:
    """(libpq URL, user id, files directory) of a pasi PostgreSQL location."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    ours = {k: v for k, v in query if k in PASI_PARAMS}
    rest = urlencode([(k, v) for k, v in query if k not in PASI_PARAMS])
    user = ours.get("pasi_user") or getpass.getuser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    files = Path(ours.get("pasi_files") or Path(base) / "pasi-pg" / user).expanduser()
    return urlunsplit(parts._replace(query=rest)), user, files


def open_location(
    location: Path | str, passphrase: str | None = None
) -> SQLiteVault | PostgresVault:
    """The vault at ``location``: :class:`PostgresVault` for a URL, else :class:`SQLiteVault`."""
    url = postgres_url(location)
    if url is None:
        return open_vault(location, passphrase)
    from pasi.vault.postgres import PostgresVault

    libpq, user, files = split_url(url)
    return PostgresVault(libpq, user, files)
