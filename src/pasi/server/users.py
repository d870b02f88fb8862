"""Who may use the server: users, the vault each is bound to, and their tokens.

``users.db`` in ``server_home`` holds each user's name and vault directory, and the SHA-256
hash of every token: a token is shown once, when it is created, and never stored. Tokens are
32 random bytes, so a plain hash is enough (there is nothing to guess); a stolen ``users.db``
gives no way in.

:class:`UserSessions` opens one :class:`~pasi.app.Pasi` per vault on first use and keeps it:
a user's requests share it, and two users bound to the same directory share its single writer.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pasi.clock import Clock, system_clock, to_iso
from pasi.errors import InputError, NotFoundError, VaultError
from pasi.vault.location import postgres_url

if TYPE_CHECKING:
    from pasi import Pasi
    from pasi.config import Settings
    from pasi.models.chat import ChatModel
    from pasi.models.embedder import Embedder

USERS_DB = "users.db"
LOCAL_USER = "local"  # the user `pasi serve` and `pasi tokens create` make for the `vault` setting
TOKEN_PREFIX = "pasi_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    vault TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class User:
    name: str
    vault: Path


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never the token itself, which only its creator saw."""

    id: int
    user: str
    label: str
    created_at: str


@dataclass
class UserSession:
    """The authenticated user of one request and their own assistant (their vault only)."""

    name: str
    pasi: Pasi


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InputError(
            f"the user name '{name}' is not allowed: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


class UserRegistry:
    """The users and token hashes in ``server_home/users.db``. Safe to share between threads."""

    def __init__(self, home: Path) -> None:
        self.home = home
        try:
            home.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._conn = sqlite3.connect(
                home / USERS_DB, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.executescript(_SCHEMA)
            (home / USERS_DB).chmod(0o600)  # hashes only, but nobody else's business
        except (OSError, sqlite3.DatabaseError) as error:
            raise VaultError(f"cannot open the server's user list in {home}: {error}") from None
        self._lock = threading.Lock()

    def default_vault(self, name: str) -> Path:
        return self.home / "vaults" / name

    def add(self, name: str, vault: Path | None = None) -> User:
        """A new user, bound to ``vault`` or to their own directory under ``server_home``."""
        check_name(name)
        if vault is not None and postgres_url(vault) is not None:
            directory = vault  # a user's vault in a PostgreSQL database (docs/server.md)
        else:
            directory = (vault or self.default_vault(name)).expanduser().resolve()
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO users (name, vault, created_at) VALUES (?, ?, ?)",
                    (name, str(directory), _now()),
                )
            except sqlite3.IntegrityError:
                raise InputError(f"there is already a user named '{name}'") from None
        return User(name, directory)

    def get(self, name: str) -> User | None:
        with self._lock:
            row = self._conn.execute("SELECT name, vault FROM users WHERE name = ?", (name,))
            found = row.fetchone()
        return User(found[0], Path(found[1])) if found else None

    def require(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise NotFoundError(f"there is no user named '{name}' (see `pasi users list`)")
        return user

    def list(self) -> list[User]:
        with self._lock:
            rows = self._conn.execute("SELECT name, vault FROM users ORDER BY name").fetchall()
        return [User(name, Path(vault)) for name, vault in rows]

    def remove(self, name: str) -> User:
        """Forget the user and revoke their tokens; their vault directory is left as it is."""
        user = self.require(name)
        with self._lock:
            self._conn.execute("DELETE FROM users WHERE name = ?", (name,))
        return user

    def create_token(self, name: str, label: str = "") -> str:
        """A new token for ``name``: returned once, only its hash is kept."""
        return self.issue(name, label)[1]

    def issue(self, name: str, label: str = "") -> tuple[int, str]:
        """:meth:`create_token`, with the new token's id (to revoke it later)."""
        self.require(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO tokens (user, hash, label, created_at) VALUES (?, ?, ?, ?)",
                (name, hash_token(token), label, _now()),
            )
        return cursor.lastrowid or 0, token

    def tokens(self, name: str | None = None) -> list[TokenInfo]:
        query = "SELECT id, user, label, created_at FROM tokens"
        args: tuple[str, ...] = ()
        if name is not None:
            query, args = query + " WHERE user = ?", (name,)
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY id", args).fetchall()
        return [TokenInfo(*row) for row in rows]

    def revoke(self, token_id: int) -> TokenInfo:
        with self._lock:
            row = self._conn.execute(
                "SELECT id, user, label, created_at FROM tokens WHERE id = ?", (token_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"there is no token {token_id} (see `pasi tokens list`)")
            self._conn.execute("DELETE FROM tokens WHERE id = ?", (token_id,))
        return TokenInfo(*row)

    def has_tokens(self) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1 FROM tokens LIMIT 1").fetchone() is not None

    def authenticate(self, token: str) -> User | None:
        """The user holding ``token``, or None. Looked up on every request, so a revoked token
        stops working at once, even when revoked from another process."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        with self._lock:
            row = self._conn.execute(
                "SELECT users.name, users.vault FROM tokens JOIN users ON users.name = tokens.user "
                "WHERE tokens.hash = ?",
                (hash_token(token),),
            ).fetchone()
        return User(row[0], Path(row[1])) if row else None

    def ensure_local_user(self, vault: Path) -> User:
        """The local user, bound to the ``vault`` setting; created the first time it is needed."""
        return self.get(LOCAL_USER) or self.add(LOCAL_USER, vault)

    def close(self) -> None:
        self._conn.close()


class UserSessions:
    """One :class:`Pasi` per vault directory, opened on a user's first request and kept."""

    def __init__(
        self,
        settings: Settings,
        *,
        chat_model: ChatModel | None = None,
        clock: Clock = system_clock,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.chat_model = chat_model
        self.clock = clock
        self._embedder = embedder
        self._embedder_ready = embedder is not None
        self._opened: dict[Path, Pasi] = {}
        self._lock = threading.Lock()

    def session(self, user: User) -> UserSession:
        return UserSession(user.name, self._pasi_for(user.vault))

    def _pasi_for(self, vault: Path) -> Pasi:
        with self._lock:
            if vault not in self._opened:
                from pasi import Pasi

                settings = self.settings.model_copy(update={"vault": vault})
                self._opened[vault] = Pasi(
                    settings, embedder=self._shared_embedder(), clock=self.clock,
                    chat_model=self.chat_model,
                )  # fmt: skip
            return self._opened[vault]

    def _shared_embedder(self) -> Embedder | None:
        """One embedding model for all users: its weights are the largest thing in memory."""
        if not self._embedder_ready:
            from pasi.models.embedder import make_embedder

            self._embedder = make_embedder(self.settings.embedder)
            self._embedder_ready = True
        return self._embedder

    def reconfigure(self, changes: dict[str, object]) -> None:
        """Apply changed settings (a model chosen in Settings) to every open vault and to
        those opened later."""
        with self._lock:
            self.settings = self.settings.model_copy(update=changes)
            for pasi in self._opened.values():
                pasi.use_settings(pasi.settings.model_copy(update=changes))

    def release(self, vault: Path) -> None:
        """Close the vault at ``vault`` and forget it (before erasing it): the next request of
        a user bound to it opens it afresh."""
        wanted = Path(vault).resolve()
        with self._lock:
            for directory in [d for d in self._opened if d.resolve() == wanted]:
                self._opened.pop(directory).close()

    def close(self) -> None:
        with self._lock:
            for pasi in self._opened.values():
                pasi.close()
            self._opened.clear()


def _now() -> str | None:
    return to_iso(system_clock())
